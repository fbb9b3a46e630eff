// Green and red mean one thing across a row: above or below the previous close, as the change
// columns say (and the sparkline follows them). The latest tick is shown apart from that: an
// arrow before the price in a neutral colour, and a brief flash of the row that is the same
// neutral colour whichever way the tick went, and off under prefers-reduced-motion.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { chroma, format, toRgba } from './helpers/colour.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table colours mean one thing');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, seed: 11 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

// Distinct colours, so that each one can be told apart in computed styles.
const UP = 'rgb(0, 128, 0)';
const DOWN = 'rgb(200, 0, 0)';
const FG = 'rgb(10, 20, 30)';
const MUTED = 'rgb(90, 90, 90)';
const THEME = `<style>ticker-table { --ticker-up: ${UP}; --ticker-down: ${DOWN}; --ticker-fg: ${FG}; --ticker-muted: ${MUTED}; }</style>`;

test('change, change % and sparkline are green above the previous close and red below it; the price is neither', async ({ page, server, pages }) => {
  await page.goto(pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream"></ticker-table>`, THEME)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForRows(12);
  const signs = new Set<string>();
  for (let round = 0; round < 8; round++) {
    await table.waitForPriceChange();
    // One synchronous read per round: the DOM of every row as rendered in one frame.
    const rows = await page.$eval('#t', (el) =>
      [...el.shadowRoot!.querySelectorAll('tbody tr[data-symbol]')].map((tr) => {
        const color = (part: string) => getComputedStyle(tr.querySelector(`[part~="${part}"]`)!).color;
        return {
          symbol: tr.getAttribute('data-symbol'),
          change: tr.querySelector('[part~="change"]')!.textContent!.trim(),
          changeColor: color('change'),
          changePctColor: color('change-pct'),
          sparkline: getComputedStyle(tr.querySelector('polyline')!).stroke,
          price: color('price'),
        };
      }),
    );
    for (const row of rows) {
      const value = Number(row.change.replace('−', '-'));
      const sign = value > 0 ? 'up' : value < 0 ? 'down' : 'flat';
      signs.add(sign);
      const expected = sign === 'up' ? UP : sign === 'down' ? DOWN : null;
      const what = `${row.symbol} ${row.change}`;
      if (expected) {
        assert.is(row.changeColor, expected, `${what}: change`);
        assert.is(row.changePctColor, expected, `${what}: change %`);
        assert.is(row.sparkline, expected, `${what}: the sparkline follows the change, not its window`);
      } else {
        for (const c of [row.changeColor, row.changePctColor, row.sparkline]) assert.ok(c !== UP && c !== DOWN, `${what}: no colour when unchanged`);
      }
      assert.is(row.price, FG, `${what}: the price is in the text colour`);
    }
  }
  assert.ok(signs.has('up') && signs.has('down'), `rows above and below the previous close were seen (${[...signs]})`);
});

test('the arrow before the price is the direction of the latest tick, in the muted colour', async ({ page, server, pages }) => {
  // The latest price move per symbol, from the ticks the table dispatches; checked against the
  // DOM right after each render (a MutationObserver runs before any further tick can arrive).
  await page.addInitScript(() => {
    const w = window as any;
    w.__moves = { last: {}, dir: {}, checked: 0, seen: {}, wrong: [] };
    document.addEventListener('ticker-tick', (e) => {
      const { symbol, price } = (e as CustomEvent).detail;
      const m = w.__moves;
      if (symbol in m.last && price !== m.last[symbol]) m.dir[symbol] = price > m.last[symbol] ? 'up' : 'down';
      m.last[symbol] = price;
    });
  });
  await page.goto(pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream"></ticker-table>`, THEME)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForRows(12);
  await page.evaluate(() => {
    const root = document.querySelector('#t')!.shadowRoot!;
    const m = (window as any).__moves;
    new MutationObserver(() => {
      for (const tr of root.querySelectorAll('tbody tr[data-symbol]')) {
        const symbol = tr.getAttribute('data-symbol')!;
        if (!(symbol in m.dir)) continue;
        const price = tr.querySelector('[part~="price"]')!;
        const arrow = getComputedStyle(price, '::before');
        const shown = arrow.content.startsWith('"▲"') ? 'up' : arrow.content.startsWith('"▼"') ? 'down' : arrow.content;
        m.checked++;
        m.seen[shown] = true;
        if (shown !== m.dir[symbol]) m.wrong.push(`${symbol}: ${shown} after a move ${m.dir[symbol]}`);
        if (arrow.color !== getComputedStyle(root.host).getPropertyValue('--ticker-muted').trim()) m.wrong.push(`${symbol}: arrow in ${arrow.color}`);
      }
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.waitForFunction(() => {
    const m = (window as any).__moves;
    return m.checked >= 100 && ((m.seen.up && m.seen.down) || m.wrong.length > 0);
  }, undefined, { timeout: 30_000 });
  const moves = await page.evaluate(() => (window as any).__moves);
  assert.equal(moves.wrong.slice(0, 5), []);
  assert.ok(moves.seen.up && moves.seen.down, 'both arrows were seen');
  const alternative = await page.$eval('#t', (el) => getComputedStyle(el.shadowRoot!.querySelector('[part~="price"][data-tick]')!, '::before').content);
  assert.match(alternative, /\/ ""$/, 'the arrow has empty alternative text: the price is what is read out');
});

test('the flash is brief and neutral, and off under prefers-reduced-motion', async ({ page, server, pages }) => {
  await page.goto(pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream"></ticker-table>`)));
  await new TickerTableHarness(page, '#t').waitForRows(12);
  // The colour a flash starts from: a running flash, paused at its first frame.
  const flash = (direction: 'up' | 'down') =>
    page
      .waitForFunction((direction) => {
        for (const tr of document.querySelector('#t')!.shadowRoot!.querySelectorAll('tbody tr')) {
          const animation = tr.getAnimations()[0];
          if (!animation || !tr.className.startsWith(`flash-${direction}-`)) continue;
          animation.pause();
          animation.currentTime = 0;
          const s = getComputedStyle(tr);
          const seen = { color: s.backgroundColor, duration: s.animationDuration };
          animation.cancel();
          return seen;
        }
        return false;
      }, direction)
      .then((handle) => handle.jsonValue() as Promise<{ color: string; duration: string }>);
  const up = await flash('up');
  const down = await flash('down');
  assert.is(up.duration, '0.25s', 'shorter than the default 500 ms between ticks');
  const [upColour, downColour] = await toRgba(page, [up.color, down.color]);
  assert.equal(upColour, downColour, 'the same flash after a rise and after a fall');
  assert.ok(upColour[3] > 0 && upColour[3] <= 0.15, `a subtle tint (${format(upColour)})`);
  assert.ok(chroma(upColour) <= 40, `a neutral tint, neither green nor red (${format(upColour)})`);

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.waitForFunction(() =>
    [...document.querySelector('#t')!.shadowRoot!.querySelectorAll('tbody tr')].some((tr) => /flash-/.test(tr.className)),
  );
  const reduced = await page.$eval('#t', (el) =>
    [...el.shadowRoot!.querySelectorAll('tbody tr')]
      .filter((tr) => /flash-/.test(tr.className))
      .map((tr) => ({ duration: getComputedStyle(tr).animationDuration, running: tr.getAnimations().length })),
  );
  for (const row of reduced) assert.equal(row, { duration: '0s', running: 0 });
});

test.run();

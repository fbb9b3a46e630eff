// A page on another origin embeds the component from the server's /ticktape.js: rows render with
// formatted numbers, prices change, one `ticker-tick` per tick (bubbling, composed, the tick as
// detail), a real table with a caption and header cells, names on hover, and rows that flash
// unless the user prefers reduced motion.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table shows live quotes');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, symbols: 'AAPL,MSFT,NVDA', seed: 1 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

test('rows render from another origin and prices change', async ({ page, server, pages }) => {
  const url = pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream" symbols="msft,AAPL"></ticker-table>`));
  await page.addInitScript(installPageRecorder);
  await page.goto(url);
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('live');
  await table.waitForRows(2);
  assert.equal(await table.symbols(), ['MSFT', 'AAPL'], 'rows in the order of the symbols attribute');
  const [msft] = await table.rows();
  assert.match(msft.price, /^\d{1,3}(,\d{3})*\.\d{2}$/, 'price with two decimals and grouping');
  assert.match(msft.changePct, /^([+-]\d+\.\d{2}%|0\.00%)$/, 'signed percentage');
  assert.match(msft.volume, /^\d{1,3}(,\d{3})*$/, 'grouped volume');
  await table.waitForPriceChange();
  assert.ok((await table.rows())[0].sparkline.split(' ').length >= 2, 'the sparkline has points');
});

test('ticker-tick fires per tick, bubbling and composed, with the tick as detail', async ({ page, server, pages }) => {
  const url = pages.set('/', embedPage(server.url, `<div id="wrap"><ticker-table id="t" src="${server.url}/stream" symbols="AAPL"></ticker-table></div>`));
  await page.goto(url);
  const events = await page.evaluate(
    () =>
      new Promise<{ bubbles: boolean; composed: boolean; symbol: string; id: number; keys: string[] }[]>((resolve) => {
        const seen: { bubbles: boolean; composed: boolean; symbol: string; id: number; keys: string[] }[] = [];
        document.getElementById('wrap')!.addEventListener('ticker-tick', (e) => {
          const ev = e as CustomEvent;
          seen.push({ bubbles: ev.bubbles, composed: ev.composed, symbol: ev.detail.symbol, id: ev.detail.id, keys: Object.keys(ev.detail) });
          if (seen.length === 5) resolve(seen);
        });
      }),
  );
  for (const e of events) {
    assert.ok(e.bubbles && e.composed);
    assert.is(e.symbol, 'AAPL');
    for (const key of ['id', 'ts', 'price', 'bid', 'ask', 'size', 'volume', 'change', 'changePct']) assert.ok(e.keys.includes(key), key);
  }
  for (let i = 1; i < events.length; i++) assert.ok(events[i].id > events[i - 1].id, 'ids increase');
});

test('a real table: caption, column and row headers, names on hover', async ({ page, server, pages }) => {
  const url = pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream"></ticker-table>`));
  await page.goto(url);
  const table = new TickerTableHarness(page, '#t');
  await table.waitForRows(3);
  assert.is(await table.caption(), 'Live quotes');
  // A server running market model 2 sends quote sizes, which add their two columns.
  const sizes = (await table.quotes()).some((q) => q.bidSize !== undefined);
  assert.equal(
    await table.columnHeaders(),
    sizes
      ? ['Symbol', 'Last', 'Change', 'Change %', 'Bid size', 'Bid', 'Ask', 'Ask size', 'Volume', 'Trend']
      : ['Symbol', 'Last', 'Change', 'Change %', 'Bid', 'Ask', 'Volume', 'Trend'],
  );
  assert.equal(await table.symbols(), ['AAPL', 'MSFT', 'NVDA'], 'the whole universe, A–Z');
  const rowHeaders = await page.$eval('#t', (el) => [...el.shadowRoot!.querySelectorAll('tbody th[scope="row"]')].length);
  assert.is(rowHeaders, 3);
  await page.waitForFunction(() => !!document.querySelector('#t')!.shadowRoot!.querySelector('th[title]'));
  assert.is((await table.rows())[0].name, 'Apple Inc.');
  // No live region per tick: the only role=status element holds the state label.
  const live = await page.$eval('#t', (el) => [...el.shadowRoot!.querySelectorAll('[role="status"],[aria-live]')].map((n) => n.textContent));
  assert.equal(live, ['Live']);
});

test('rows flash on moves, and not under prefers-reduced-motion', async ({ page, server, pages }) => {
  const url = pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream"></ticker-table>`));
  const flashing = () =>
    page.waitForFunction(() =>
      [...document.querySelector('#t')!.shadowRoot!.querySelectorAll('tbody tr')].some((tr) => tr.getAnimations().length > 0),
    );
  await page.goto(url);
  await flashing();

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.reload();
  const table = new TickerTableHarness(page, '#t');
  await table.waitForRows(3);
  await table.waitForPriceChange();
  await page.waitForFunction(() =>
    [...document.querySelector('#t')!.shadowRoot!.querySelectorAll('tbody tr')].some((tr) => /flash-/.test(tr.className)),
  );
  const animations = await page.$eval('#t', (el) =>
    [...el.shadowRoot!.querySelectorAll('tbody tr')].reduce((n, tr) => n + tr.getAnimations().length, 0),
  );
  assert.is(animations, 0, 'no flash animation under reduced motion');
});

test.run();

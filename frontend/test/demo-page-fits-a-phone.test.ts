// The demo page on a phone (390 px wide): nothing wider than the screen, the theme switch and the
// health pills on it and whole, the live table in its compact columns with the company names
// shown, and every scrolling region reachable from the keyboard.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { unreachableScrollRegions } from './helpers/layout.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer }>('demo page fits a phone');

const PHONE = { width: 390, height: 844 };

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, seed: 6 });
  test.cleanup(() => state.server.close());
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`390 px, ${colorScheme}: no sideways scrolling, the top bar on screen, compact table`, async ({ page, server }) => {
    await page.setViewportSize(PHONE);
    await page.emulateMedia({ colorScheme });
    await page.goto(server.url + '/');
    const table = new TickerTableHarness(page, '#live-table');
    await table.waitForRows(12);
    // The health pills are filled in by the first /healthz answer.
    await page.waitForFunction(() => document.getElementById('health-bus')!.textContent !== '—');

    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= PHONE.width, `the page is ${scrollWidth} px wide`);

    const boxes = await page.evaluate(() =>
      [document.querySelector('.theme')!, ...document.querySelectorAll('#health li')].map((el) => {
        const r = el.getBoundingClientRect();
        // A pill broken inside has its text on more than one line: text boxes whose tops differ
        // by a line or so rather than by a pixel or two of baseline alignment.
        const tops: number[] = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (!node.textContent!.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const q of range.getClientRects()) if (q.width > 0) tops.push(q.top);
        }
        const lines = tops.length && Math.max(...tops) - Math.min(...tops) > 6 ? 2 : 1;
        return { text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(), left: r.left, right: r.right, lines };
      }),
    );
    for (const box of boxes) {
      assert.ok(box.left >= 0 && box.right <= PHONE.width, `"${box.text}" is on screen (${box.left}–${box.right})`);
      assert.is(box.lines, 1, `"${box.text}" is on one line`);
    }

    assert.equal(await table.visibleColumnHeaders(), ['Symbol', 'Last', 'Change %', 'Trend']);
    await page.waitForFunction(() => !!document.querySelector('#live-table')!.shadowRoot!.querySelector('[part~="name"]:not(:empty)'));
    const names = await page.$eval('#live-table', (el) =>
      [...el.shadowRoot!.querySelectorAll('[part~="name"]')].filter((n) => n.getClientRects().length > 0).length,
    );
    assert.is(names, 12, 'every company name is shown under its symbol');
    const overflow = await page.$eval('#live-table', (el) => {
      const s = el.shadowRoot!.querySelector('[role="region"]')!;
      return { scrollWidth: s.scrollWidth, clientWidth: s.clientWidth, tabIndex: (s as HTMLElement).tabIndex };
    });
    assert.ok(overflow.scrollWidth <= overflow.clientWidth, `the compact table fits (${overflow.scrollWidth} > ${overflow.clientWidth})`);
    assert.is(overflow.tabIndex, 0, 'the table’s scroll region is focusable');
    assert.equal(await unreachableScrollRegions(page), [], 'every scrolling region can be reached from the keyboard');
  });
}

test('390 px: a replayed table and the embed snippet fit too', async ({ page, server }) => {
  await page.setViewportSize(PHONE);
  await page.goto(server.url + '/');
  await page.click('#replay-start');
  const replay = new TickerTableHarness(page, '#replay-table');
  await replay.waitForRows(12);
  await page.waitForFunction(() => document.getElementById('snippet')!.textContent !== '');
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= PHONE.width, `the page is ${scrollWidth} px wide`);
  assert.equal(await replay.visibleColumnHeaders(), ['Symbol', 'Last', 'Change %', 'Trend']);
  assert.equal(await unreachableScrollRegions(page), []);
});

test.run();

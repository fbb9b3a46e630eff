// A table in a narrow container stays usable: it shows fewer columns as its own width shrinks
// (container queries on the host, whatever the viewport), the company names are shown under the
// symbols (not only in a hover title), and whatever still overflows scrolls inside a named region
// that the keyboard can reach.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { unreachableScrollRegions } from './helpers/layout.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table fits its container');

test.before(async (state) => {
  // The widest symbols and prices of the built-in universe (GOOGL, META ~500, NFLX ~650).
  state.server = await startTestServer({ interval: 50, symbols: 'GOOGL,META,NFLX', seed: 3 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

/** With the quote sizes a server running market model 2 sends; without them there are no size columns. */
const WITH_SIZES = ['Symbol', 'Last', 'Change', 'Change %', 'Bid size', 'Bid', 'Ask', 'Ask size', 'Volume', 'Trend'];
const ALL = WITH_SIZES.filter((c) => !c.endsWith(' size'));
const without = (...hidden: string[]) => ALL.filter((c) => !hidden.includes(c));

// The breakpoints are widths inside the table's 1 px border.
const BORDERS = 2;
// Each width is the narrowest of its layout: the columns listed must fit it without scrolling.
const LAYOUTS: { width: number; columns: string[]; names: boolean }[] = [
  { width: 900 + BORDERS, columns: WITH_SIZES, names: true },
  { width: 740 + BORDERS, columns: ALL, names: true },
  { width: 580 + BORDERS, columns: without('Bid', 'Ask'), names: true },
  { width: 500 + BORDERS, columns: without('Bid', 'Ask', 'Volume'), names: true },
  { width: 440 + BORDERS, columns: without('Bid', 'Ask', 'Volume', 'Change'), names: true },
  { width: 300 + BORDERS, columns: without('Bid', 'Ask', 'Volume', 'Change'), names: true },
  { width: 240, columns: without('Bid', 'Ask', 'Volume', 'Change', 'Trend'), names: false },
];

test('the columns follow the table’s own width, and the ones shown fit it', async ({ page, server, pages }) => {
  // A wide viewport: only the containers are narrow, so media queries could not do this.
  await page.setViewportSize({ width: 1400, height: 900 });
  const body = LAYOUTS.map(
    ({ width }) => `<div style="width:${width}px;margin:8px 0"><ticker-table id="w${width}" src="${server.url}/stream"></ticker-table></div>`,
  ).join('');
  await page.goto(pages.set('/', embedPage(server.url, body)));
  for (const { width, columns, names } of LAYOUTS) {
    const table = new TickerTableHarness(page, `#w${width}`);
    await table.waitForRows(3);
    await page.waitForFunction((id) => !!document.getElementById(id)!.shadowRoot!.querySelector('[part~="name"]:not(:empty)'), `w${width}`);
    const sizes = (await table.quotes()).some((q) => q.bidSize !== undefined);
    const expected = sizes ? columns : columns.filter((c) => !c.endsWith(' size'));
    assert.equal(await table.visibleColumnHeaders(), expected, `columns at ${width} px`);
    const fit = await page.$eval(`#w${width}`, (el) => {
      const scroller = el.shadowRoot!.querySelector('[role="region"]')!;
      const names = [...el.shadowRoot!.querySelectorAll('[part~="name"]')];
      return {
        host: el.getBoundingClientRect().width,
        scrollWidth: scroller.scrollWidth,
        clientWidth: scroller.clientWidth,
        namesShown: names.filter((n) => n.getClientRects().length > 0).map((n) => n.textContent),
      };
    });
    assert.ok(fit.host <= width, `the table stays within its ${width} px container (${fit.host})`);
    assert.ok(fit.scrollWidth <= fit.clientWidth, `nothing to scroll at ${width} px (${fit.scrollWidth} > ${fit.clientWidth})`);
    if (names) assert.equal(fit.namesShown, ['Alphabet Inc. Class A', 'Meta Platforms, Inc.', 'Netflix, Inc.'], `names at ${width} px`);
    else assert.equal(fit.namesShown, [], `no names at ${width} px`);
  }
});

test('what still overflows scrolls in a named region that the keyboard reaches', async ({ page, server, pages }) => {
  const body = `<button id="before">before</button>
    <div style="width:160px"><ticker-table id="t" src="${server.url}/stream" caption="Tiny"></ticker-table></div>`;
  await page.goto(pages.set('/', embedPage(server.url, body)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForRows(3);
  const region = await page.$eval('#t', (el) => {
    const scroller = el.shadowRoot!.querySelector('.scroller')!;
    const label = el.shadowRoot!.getElementById(scroller.getAttribute('aria-labelledby') ?? '');
    return {
      role: scroller.getAttribute('role'),
      tabIndex: (scroller as HTMLElement).tabIndex,
      name: label?.textContent?.trim(),
      overflows: scroller.scrollWidth > scroller.clientWidth,
    };
  });
  assert.equal(region, { role: 'region', tabIndex: 0, name: 'Tiny', overflows: true });
  assert.equal(await unreachableScrollRegions(page), [], 'every scrolling region can be focused');

  await page.focus('#before');
  await page.keyboard.press('Tab');
  const focused = await page.$eval('#t', (el) => el.shadowRoot!.activeElement?.getAttribute('role'));
  assert.is(focused, 'region', 'Tab moves into the table’s scroll region');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('#t')!.shadowRoot!.querySelector('.scroller')!.scrollLeft > 0);
});

test.run();

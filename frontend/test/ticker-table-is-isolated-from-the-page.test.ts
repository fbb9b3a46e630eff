// The component lives with whatever else is on the page: hostile global CSS does not reach into
// it, its styles do not leak out, loading the bundle twice defines the element once, and the page
// themes it only through the documented custom properties and parts.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table is isolated from the page');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, symbols: 'AAPL,MSFT', seed: 8 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

const HOSTILE_CSS = `<style>
  * { color: rgb(255, 0, 0) !important; font-family: serif !important; letter-spacing: 9px !important; }
  table, tr, td, th { background: rgb(255, 0, 0) !important; padding: 40px !important; display: block; }
  #themed { --ticker-up: rgb(0, 0, 255); --ticker-bg: rgb(1, 2, 3); }
  #themed::part(price) { color: rgb(0, 128, 0); }
</style>`;

test('page CSS does not reach in, component CSS does not leak out, the bundle may load twice', async ({ page, server, pages }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const body = `
    <table id="mine"><tr><td>page table</td></tr></table>
    <ticker-table id="plain" src="${server.url}/stream" symbols="AAPL"></ticker-table>
    <ticker-table id="themed" src="${server.url}/stream" symbols="MSFT"></ticker-table>
    <script type="module" src="${server.url}/ticktape.js?second-copy"></script>`;
  await page.goto(pages.set('/', embedPage(server.url, body, HOSTILE_CSS)));
  for (const id of ['plain', 'themed']) await new TickerTableHarness(page, `#${id}`).waitForRows(1);
  assert.equal(errors, [], 'a second copy of the bundle does not redefine the element');

  const inside = await page.$eval('#plain', (el) => {
    const td = el.shadowRoot!.querySelector('td[part~="volume"]')!;
    const s = getComputedStyle(td);
    return { color: s.color, padding: s.paddingTop, background: s.backgroundColor, letterSpacing: s.letterSpacing };
  });
  assert.is.not(inside.color, 'rgb(255, 0, 0)');
  assert.is.not(inside.padding, '40px');
  assert.is.not(inside.background, 'rgb(255, 0, 0)');
  assert.is(inside.letterSpacing, 'normal');

  const outside = await page.$eval('#mine td', (td) => getComputedStyle(td).paddingTop);
  assert.is(outside, '40px', 'the page’s own table keeps the page’s styles');

  const themed = await page.$eval('#themed', (el) => ({
    background: getComputedStyle(el).backgroundColor,
    price: getComputedStyle(el.shadowRoot!.querySelector('[part~="price"]')!).color,
  }));
  assert.is(themed.background, 'rgb(1, 2, 3)', '--ticker-bg');
  assert.is(themed.price, 'rgb(0, 128, 0)', '::part(price)');
});

test.run();

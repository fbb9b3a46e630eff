// A 4xx from the server (an unknown symbol) is shown as the server's message instead of a blank
// table, and does not take down a good table sharing the same src.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table shows server errors');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, symbols: 'AAPL,MSFT', seed: 2 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

test('symbols="NOPE" shows the server’s message', async ({ page, server, pages }) => {
  await page.goto(pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream" symbols="NOPE"></ticker-table>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('error');
  const message = await table.message();
  assert.ok(message, 'a message instead of a blank table');
  assert.match(message!, /NOPE/);
  assert.match(message!, /UNKNOWN_SYMBOL/);
  assert.match(await table.statusText(), /Error/);
  assert.equal(await table.rows(), []);
});

test('a bad table next to a good one on the same src: the good one stays live', async ({ page, server, pages }) => {
  const body = `<ticker-table id="good" src="${server.url}/stream" symbols="AAPL"></ticker-table>
    <ticker-table id="bad" src="${server.url}/stream" symbols="AAPL,NOPE"></ticker-table>`;
  await page.goto(pages.set('/pair', embedPage(server.url, body)));
  const good = new TickerTableHarness(page, '#good');
  const bad = new TickerTableHarness(page, '#bad');
  await bad.waitForState('error');
  await good.waitForState('live');
  await good.waitForRows(1);
  await good.waitForPriceChange();
  assert.match((await bad.message())!, /NOPE/);
});

test('an invalid last-event-id is refused before connecting', async ({ page, server, pages }) => {
  await page.goto(pages.set('/id', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream" last-event-id="-5"></ticker-table>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('error');
  assert.match((await table.message())!, /last-event-id/);
});

test.run();

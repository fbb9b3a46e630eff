// Attribute values the server would refuse are refused by the table too, with the server's code and
// a clear message, instead of quietly doing something else: `last-event-id=""` is not a replay of
// the whole log, `symbols=" , "` is not every symbol. A `sparkline-length` that is not a number
// means the default (48 prices), not an ever-growing history.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { eventSources, installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table refuses bad attributes');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 10, symbols: 'AAPL,MSFT', seed: 9 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

for (const bad of ['', ' 5', '1e3', '-1', '99999999999999999999']) {
  test(`last-event-id=${JSON.stringify(bad)} shows BAD_LAST_EVENT_ID and opens no stream`, async ({ page, server, pages }) => {
    await page.addInitScript(installPageRecorder);
    const body = `<ticker-table id="t" src="${server.url}/stream" last-event-id="${bad}"></ticker-table>`;
    await page.goto(pages.set('/id', embedPage(server.url, body)));
    const table = new TickerTableHarness(page, '#t');
    await table.waitForState('error');
    const message = (await table.message())!;
    assert.match(message, /last-event-id/);
    assert.match(message, /BAD_LAST_EVENT_ID/);
    assert.ok(message.includes(JSON.stringify(bad)), message);
    assert.equal(await eventSources(page), [], 'no replay was started');
  });
}

test('symbols=" , " shows BAD_SYMBOLS instead of every symbol', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  await page.goto(pages.set('/symbols', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream" symbols=" , "></ticker-table>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('error');
  assert.match((await table.message())!, /BAD_SYMBOLS/);
  assert.equal(await table.rows(), []);
  assert.equal(await eventSources(page), []);
});

test('sparkline-length="abc" keeps the default 48 prices', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  const body = `<ticker-table id="t" src="${server.url}/stream" symbols="AAPL" sparkline-length="abc"></ticker-table>`;
  await page.goto(pages.set('/spark', embedPage(server.url, body)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('live');
  await page.waitForFunction(() => (window as any).__ticktape.ticks.length >= 60, undefined, { timeout: 30_000, polling: 'raf' });
  await table.waitForPriceChange(); // rendered after those ticks
  const [row] = await table.rows();
  assert.is(row.sparkline.trim().split(/\s+/).length, 48);
});

test.run();

// A resume point outside the log (newer than its newest id, or older than its oldest) is answered
// with `reset` and a snapshot: the table rebuilds its rows from that snapshot and carries on live,
// whether it replays alone or next to a live table on the same src (where it would be handed over to
// the shared stream), and from the demo page's Replay box. Against a real server with a short
// retention, so that id 1 has expired.
import * as assert from 'uvu/assert';
import { waitForLastId } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table rebuilds after a reset');
const TOO_NEW = 999_999_999;

test.before(async (state) => {
  state.server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 6, retention: 100 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
  await waitForLastId(state.server.url, 250); // ids up to ~150 pruned: 1 has expired
});

/** Rows of both symbols, a live price move, and ticker-tick events from the log (not from beyond it). */
async function assertRebuiltAndLive(table: TickerTableHarness): Promise<void> {
  await table.waitForRows(2);
  await table.waitForState('live');
  await table.waitForPriceChange();
  const seen = await table.tickIds();
  assert.ok(seen.length > 0, 'live ticks were dispatched');
  assert.ok(seen.every((id) => id < TOO_NEW), `ids from the log: ${seen.slice(0, 5)}`);
  const cursor = await table.lastSeenId();
  assert.ok(cursor !== null && cursor < TOO_NEW, `cursor ${cursor} is back within the log`);
}

test('last-event-id newer than the log, next to a live table on the same src', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  const body = `<ticker-table id="live" src="${server.url}/stream"></ticker-table>
    <ticker-table id="t" src="${server.url}/stream" last-event-id="${TOO_NEW}"></ticker-table>`;
  await page.goto(pages.set('/too-new-pair', embedPage(server.url, body)));
  await assertRebuiltAndLive(new TickerTableHarness(page, '#t'));
});

test('last-event-id newer than the log, alone on the page', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  const body = `<ticker-table id="t" src="${server.url}/stream" last-event-id="${TOO_NEW}"></ticker-table>`;
  await page.goto(pages.set('/too-new', embedPage(server.url, body)));
  await assertRebuiltAndLive(new TickerTableHarness(page, '#t'));
});

test('an expired last-event-id (pruned by retention), next to a live table', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  const body = `<ticker-table id="live" src="${server.url}/stream"></ticker-table>
    <ticker-table id="t" src="${server.url}/stream" last-event-id="1"></ticker-table>`;
  await page.goto(pages.set('/expired', embedPage(server.url, body)));
  const table = new TickerTableHarness(page, '#t');
  await assertRebuiltAndLive(table);
  const seen = await table.tickIds();
  assert.ok(seen[0] > 100, `no replay of pruned ids: first ${seen[0]}`);
});

test('the demo page’s Replay box with an id newer than the log', async ({ page, server }) => {
  await page.addInitScript(installPageRecorder);
  await page.goto(server.url + '/');
  await new TickerTableHarness(page, '#live-table').waitForState('live');
  await page.fill('#replay-id', String(TOO_NEW));
  await page.click('#replay-form button[type="submit"]');
  await assertRebuiltAndLive(new TickerTableHarness(page, '#replay-table'));
});

test.run();

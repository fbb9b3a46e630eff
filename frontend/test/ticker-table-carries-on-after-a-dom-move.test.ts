// Moving a table in the DOM (disconnected, then connected again with the same src, symbols and
// last-event-id) carries on from its lastSeenId: a replaying table does not replay again, and every
// table dispatches each tick once, in id order, with no gap across the move (the log's trades,
// between which quotes and status events take ids).
import * as assert from 'uvu/assert';
import { waitForLastId, waitUntil } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { installPageRecorder, logTickIds, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table carries on after a DOM move');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 5 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
  await waitForLastId(state.server.url, 50);
});

for (const attrs of ['last-event-id="0"', '']) {
  test(`a table ${attrs ? `with ${attrs}` : 'without last-event-id'} moved in the DOM dispatches each id once, in order`, async ({ page, server, pages }) => {
    await page.addInitScript(installPageRecorder);
    const body = `<div id="a"><ticker-table id="t" src="${server.url}/stream" ${attrs}></ticker-table></div><div id="b"></div>`;
    await page.goto(pages.set('/move', embedPage(server.url, body)));
    const table = new TickerTableHarness(page, '#t');
    await table.waitForState('live');
    const before = (await table.lastSeenId())!;
    await table.waitForLastSeenId(before + 5);
    await waitUntil(async () => (await table.tickIds()).length > 0, 'a trade before the move', 15_000, 50);

    await page.evaluate(() => document.querySelector('#b')!.append(document.querySelector('#t')!));
    const moved = (await table.lastSeenId())!;
    await table.waitForState('live');
    await table.waitForLastSeenId(moved + 20);
    // Trades after the move (quotes can outnumber them by far).
    await waitUntil(async () => (await table.tickIds()).some((id) => id > moved + 20), 'a trade after the move', 15_000, 50);

    const ids = await table.tickIds();
    const first = attrs ? 0 : ids[0] - 1;
    assert.equal(ids, await logTickIds(server.url, first, ids[ids.length - 1]), `every trade once, in order, across the move (moved at ${moved})`);
    assert.ok(ids.some((id) => id <= moved) && ids.some((id) => id > moved), 'trades on both sides of the move');
  });
}

test.run();

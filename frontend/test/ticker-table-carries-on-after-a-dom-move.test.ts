// Moving a table in the DOM (disconnected, then connected again with the same src, symbols and
// last-event-id) carries on from its lastSeenId: a replaying table does not replay again, and every
// table dispatches each tick once, in id order, with no gap across the move.
import * as assert from 'uvu/assert';
import { contiguity, waitForLastId } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

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

    await page.evaluate(() => document.querySelector('#b')!.append(document.querySelector('#t')!));
    const moved = (await table.lastSeenId())!;
    await table.waitForState('live');
    await table.waitForLastSeenId(moved + 20);

    const ids = await table.tickIds();
    assert.is(contiguity(ids), null, `every id once, in order, across the move (moved at ${moved})`);
    if (attrs) assert.is(ids[0], 1);
  });
}

test.run();

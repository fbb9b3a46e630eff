// The demo page's replay panel: a user types an event id (or picks the start of the log) and a
// second table catches up from there; the ids it dispatched are exactly the log's ids after that
// point (checked against GET /api/ticks?after=N), and it says how many ticks it caught up.
import * as assert from 'uvu/assert';
import { getJson, waitForLastId } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer }>('ticker-table replays from an id');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA,TSLA', seed: 4 });
  test.cleanup(() => state.server.close());
  await waitForLastId(state.server.url, 200);
});

/** Every log id after `after` up to `upTo`, paging through /api/ticks. */
async function logIds(server: TestServer, after: number, upTo: number): Promise<number[]> {
  const ids: number[] = [];
  let next: number | null = after;
  while (next !== null && next < upTo) {
    const { body }: { body: { ticks: { id: number }[]; next: number | null } } = await getJson(`${server.url}/api/ticks?after=${next}&limit=10000`);
    for (const t of body.ticks) if (t.id <= upTo) ids.push(t.id);
    next = body.next;
  }
  return ids;
}

async function replay(page: TickerTableHarness['page'], server: TestServer, from: number | 'start') {
  await page.addInitScript(installPageRecorder);
  await page.goto(server.url + '/');
  await new TickerTableHarness(page, '#live-table').waitForState('live');
  if (from === 'start') await page.click('#replay-start');
  else {
    await page.fill('#replay-id', String(from));
    await page.click('#replay-form button[type="submit"]');
  }
  const table = new TickerTableHarness(page, '#replay-table');
  await table.waitForState('live', 30_000);
  return table;
}

test('replay from an event id catches up with exactly the log’s ticks after it', async ({ page, server }) => {
  const table = await replay(page, server, 50);
  const seen = await table.tickIds();
  const last = seen[seen.length - 1];
  assert.equal(seen, await logIds(server, 50, last), 'contiguous with the log from id 51');
  const status = await table.status();
  // At least the trades of ids 51 to 200, in the log before the replay began (quotes and status
  // events take ids between them and are not counted).
  const before = (await logIds(server, 50, 200)).length;
  assert.ok(before > 0 && status.caughtUp >= before, `caught up ${status.caughtUp} ticks, ${before} trades in 51–200`);
  assert.match(await table.statusText(), /caught up [\d,]+ ticks/);
  assert.match(await table.caption(), /after event 50/);
});

test('"from the start of the log" replays from id 0, then carries on live', async ({ page, server }) => {
  const table = await replay(page, server, 'start');
  await table.waitForPriceChange();
  const seen = await table.tickIds();
  assert.equal(seen, await logIds(server, 0, seen[seen.length - 1]), 'every trade of the log, from its first');
  // The live table kept its stream while the replay ran on its own, then shared it: no duplicate.
  const live = await new TickerTableHarness(page, '#live-table').tickIds();
  assert.equal(live, await logIds(server, live[0] - 1, live[live.length - 1]));
});

test.run();

// The server is stopped and started again on the same database and port: the table says it is
// reconnecting, then resumes, and the ticks it dispatched are contiguous with the log across
// the restart (no tick lost, none repeated).
import * as assert from 'uvu/assert';
import { getJson, waitForLastId } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ servers: TestServer[]; pages: PageServer }>('ticker-table resumes after a server restart');
const OPTIONS = { interval: 50, symbols: 'AAPL,MSFT', seed: 5 };

test.before(async (state) => {
  state.servers = [await startTestServer(OPTIONS)];
  state.pages = await startPageServer();
  test.cleanup(async () => {
    for (const s of state.servers) await s.close();
  });
  test.cleanup(() => state.pages.close());
});

test('stopped and restarted on the same database: no lost tick', async ({ page, servers, pages }) => {
  const first = servers[0];
  await page.addInitScript(installPageRecorder);
  await page.goto(pages.set('/', embedPage(first.url, `<ticker-table id="t" src="${first.url}/stream"></ticker-table>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('live');
  await table.waitForPriceChange();

  await first.close();
  await table.waitForState('reconnecting');
  const before = await table.tickIds();

  const second = await startTestServer({ ...OPTIONS, port: first.port, db: first.db });
  servers.push(second);
  const target = await waitForLastId(second.url, before[before.length - 1] + 20);
  await table.waitForLastSeenId(target, 30_000);
  await table.waitForState('live');

  const seen = await table.tickIds();
  assert.ok(seen.length > before.length, 'ticks after the restart');
  const last = seen[seen.length - 1];
  const { body } = await getJson(`${second.url}/api/ticks?after=${seen[0] - 1}&limit=10000`);
  const logged = (body.ticks as { id: number }[]).map((t) => t.id).filter((id) => id <= last);
  assert.equal(seen, logged, 'every logged tick once, in order, across the restart');
});

test.run();

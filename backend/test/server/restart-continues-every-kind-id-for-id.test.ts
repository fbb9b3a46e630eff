// Market model v2 across a restart: a server stopped midway and started again on its log continues
// the ids gap-free and produces, id for id, the same events of every kind (trades, quotes and the
// session changes) as a run that was never interrupted, with the same seed and options. Only `ts`,
// the wall clock's stamp, may differ. The tape changes session every dozen batches, so the
// comparison spans several trading days on both sides of the restart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarketEvent } from '../../types.ts';
import { contiguity, waitForLastId } from '../helpers/http.ts';
import { FAST_MARKET, eventsOf } from '../helpers/market-events.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
async function start(options: Record<string, string | number>): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const withoutTs = ({ ts: _ts, ...rest }: MarketEvent) => rest;

test('a run stopped and restarted midway gives the same events, id for id, as an uninterrupted run', async () => {
  const options = { ...FAST_MARKET, symbols: 'AAPL,MSFT,TSLA,QAA:50', seed: 4242 };
  const N = 2400;
  const uninterrupted = await start(options);
  const interrupted = await start(options);
  await waitForLastId(interrupted.url, 900, 30_000);
  await interrupted.close();
  const stoppedAt = interrupted.log.lastId();
  const restarted = await start({ ...options, db: interrupted.db });
  assert.is(restarted.seedSource, 'log');
  await Promise.all([waitForLastId(uninterrupted.url, N, 30_000), waitForLastId(restarted.url, N, 30_000)]);

  const expected = eventsOf(uninterrupted.log).slice(0, N);
  const actual = eventsOf(restarted.log).slice(0, N);
  assert.is(actual.length, N);
  assert.is(actual[0].id, 1);
  assert.is(contiguity(actual.map((e) => e.id)), null);
  assert.ok(stoppedAt > 0 && stoppedAt < N - 500, `restarted at ${stoppedAt}`);
  for (let i = 0; i < N; i++) {
    if (JSON.stringify(withoutTs(actual[i])) !== JSON.stringify(withoutTs(expected[i]))) {
      assert.equal(withoutTs(actual[i]), withoutTs(expected[i]), `first difference at id ${i + 1} (restart after ${stoppedAt})`);
    }
  }
  // Both sides of the restart hold session changes, and every kind continues after it.
  const statuses = actual.filter((e) => e.kind === 'status');
  assert.ok(statuses.some((e) => e.id < stoppedAt) && statuses.some((e) => e.id > stoppedAt), 'session changes on both sides');
  assert.equal(new Set(actual.filter((e) => e.id > stoppedAt).map((e) => e.kind)).size, 3);
});

test.run();

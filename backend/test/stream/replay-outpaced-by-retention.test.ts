// A resuming client that reads slowly while retention prunes past its position must not get a
// silent hole: once the ids it still needs are gone, it gets `reset` "expired", a snapshot, then
// live ticks — the same answer it would get by reconnecting from where it stopped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import { buildLog } from '../helpers/log.ts';
import { contiguity, waitUntil } from '../helpers/http.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse, ticksOf } from '../helpers/sse-client.ts';

const RETENTION = 20_000;
let server: TestServer;

test.before(async () => {
  const db = path.join(tempDir(), 'full.db');
  buildLog(db, BUILTIN_UNIVERSE, Math.ceil(RETENTION / BUILTIN_UNIVERSE.length));
  server = await startTestServer({ db, retention: RETENTION, interval: 2, seed: 4 }, { replayPage: 100 });
});
test.after(() => server?.close());

test('a paused replay overtaken by pruning is told (reset "expired"), never skipped over', async () => {
  const from = server.log.oldestId() + 1000;
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': String(from) });
  conn.pause();
  // Hold the replay until the generator has pruned well past where it stopped.
  await waitUntil(() => server.log.oldestId() > from + RETENTION, 'retention to prune past the paused client', 30_000);
  conn.resume();
  await conn.waitFor((e) => e.event === 'snapshot', 30_000, 'the snapshot after the reset');
  const live = await conn.waitForCount((e) => e.event === 'tick', 1, 30_000);
  conn.close();

  const resetAt = conn.events.findIndex((e) => e.event === 'reset');
  assert.ok(resetAt > 0, 'some ticks were replayed, then a reset');
  assert.is(JSON.parse(conn.events[resetAt].data).reason, 'expired');
  assert.is(conn.events[resetAt + 1].event, 'snapshot', 'a snapshot follows the reset');

  const replayed = ticksOf(conn.events.slice(0, resetAt)).map((t) => t.id);
  assert.is(replayed[0], from + 1);
  assert.is(contiguity(replayed), null, 'what was replayed before the reset has no hole');
  const afterSnapshot = ticksOf(conn.events.slice(resetAt + 2)).map((t) => t.id);
  assert.is(afterSnapshot[0], Number(conn.events[resetAt + 1].id) + 1, 'live continues right after the snapshot');
  assert.is(contiguity(afterSnapshot), null);
  assert.ok(live.length > 0);
});

test.run();

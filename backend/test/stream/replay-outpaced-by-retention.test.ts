// A resuming client that reads slowly while retention prunes past its position must not get a
// silent hole: once the ids it still needs are gone, it gets `reset` "expired", a snapshot, then
// live events — the same answer it would get by reconnecting from where it stopped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import { buildLog } from '../helpers/log.ts';
import { contiguity, waitUntil } from '../helpers/http.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf } from '../helpers/sse-client.ts';

const RETENTION = 20_000;
let server: TestServer;

test.before(async () => {
  const db = path.join(tempDir(), 'full.db');
  buildLog(db, BUILTIN_UNIVERSE, Math.ceil(RETENTION / BUILTIN_UNIVERSE.length));
  // A budget far above the default 100 events a second, so the generator prunes past a paused
  // client within seconds (the default allows one event per 2 ms step).
  server = await startTestServer({ db, retention: RETENTION, interval: 2, seed: 4, 'max-events-per-second': 50_000 }, { replayPage: 100 });
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
  const live = await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 1, 30_000);
  conn.close();

  const resetAt = conn.events.findIndex((e) => e.event === 'reset');
  assert.ok(resetAt > 0, 'some events were replayed, then a reset');
  assert.is(JSON.parse(conn.events[resetAt].data).reason, 'expired');
  assert.is(conn.events[resetAt + 1].event, 'snapshot', 'a snapshot follows the reset');

  // Unfiltered: events of every kind under one id sequence, so contiguous ids.
  const replayed = marketEventsOf(conn.events.slice(0, resetAt)).map((t) => t.id);
  assert.is(replayed[0], from + 1);
  assert.is(contiguity(replayed), null, 'what was replayed before the reset has no hole');
  const afterSnapshot = marketEventsOf(conn.events.slice(resetAt + 2)).map((t) => t.id);
  assert.is(afterSnapshot[0], Number(conn.events[resetAt + 1].id) + 1, 'live continues right after the snapshot');
  assert.is(contiguity(afterSnapshot), null);
  assert.ok(live.length > 0);
});

test.run();

// With retention, ids older than the oldest retained one cannot be replayed: the client is told
// (`reset` "expired") and rebuilt from a snapshot; oldestId − 1 itself still replays.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES } from '../helpers/sse-client.ts';
import { contiguity, getJson, waitUntil } from '../helpers/http.ts';

let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 5, symbols: 'AAPL,MSFT', seed: 5, retention: 50 });
  await waitUntil(async () => (await getJson(`${server.url}/healthz`)).body.oldestEventId > 20, 'pruning past id 20');
});
test.after(() => server.close());

test('an id older than the oldest retained is a reset "expired", then a snapshot, then live', async () => {
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': '3' });
  await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 4);
  conn.close();
  assert.is(conn.events[0].event, 'reset');
  const info = JSON.parse(conn.events[0].data);
  assert.is(info.reason, 'expired');
  assert.ok(info.oldestId > 4);
  assert.ok(info.latestId >= info.oldestId);
  assert.is(conn.events[1].event, 'snapshot');
});

test('oldestId − 1 is still within the log and replays from the oldest', async () => {
  // Stop generating so the oldest id stays put between asking and resuming.
  await server.close();
  server = await startTestServer({ db: server.db, interval: 100000, symbols: 'AAPL,MSFT', retention: 50 });
  const { body } = await getJson(`${server.url}/healthz`);
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': String(body.oldestEventId - 1) });
  // Every event of every kind: ticks, quotes and status events share the one id sequence.
  const events = await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), body.lastEventId - body.oldestEventId + 1);
  conn.close();
  const ids = events.map((e) => Number(e.id));
  assert.is(ids[0], body.oldestEventId);
  assert.is(ids.at(-1), body.lastEventId);
  assert.is(contiguity(ids), null);
  assert.ok(ids.length <= 50 + 10, 'retention holds');
});

test.run();

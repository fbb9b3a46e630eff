import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, ticksOf } from '../helpers/sse-client.ts';
import { contiguity, getJson, waitForLastId } from '../helpers/http.ts';

let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 7 });
  await waitForLastId(server.url, 6);
});
test.after(() => server.close());

test('the stream answers with the SSE headers and CORS', async () => {
  const conn = await connectSse(`${server.url}/stream`, { Origin: 'http://elsewhere.example' });
  assert.is(conn.status, 200);
  assert.match(String(conn.headers['content-type']), /^text\/event-stream/);
  assert.is(conn.headers['cache-control'], 'no-cache');
  assert.is(conn.headers['x-accel-buffering'], 'no');
  assert.is(conn.headers['access-control-allow-origin'], '*');
  await conn.waitFor((e) => e.event === 'snapshot');
  assert.is(conn.retry, 3000, 'retry: 3000 comes first');
  conn.close();
});

test('a fresh connection gets a snapshot of the latest tick per symbol, then live ticks after it', async () => {
  const conn = await connectSse(`${server.url}/stream`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  assert.is(conn.events[0].event, 'snapshot', 'the snapshot is the first event');
  const latest = JSON.parse(snapshot.data) as Array<{ id: number; symbol: string }>;
  assert.equal(latest.map((t) => t.symbol).sort(), ['AAPL', 'MSFT', 'NVDA']);
  const snapshotId = Number(snapshot.id);
  assert.is(Math.max(...latest.map((t) => t.id)), snapshotId, 'the snapshot id is the newest log id');

  await conn.waitForCount((e) => e.event === 'tick', 30);
  const ids = ticksOf(conn.events).map((t) => t.id);
  assert.is(ids[0], snapshotId + 1, 'live continues right after the snapshot');
  assert.is(contiguity(ids), null);
  conn.close();
});

test('a filtered snapshot lists only the subscribed symbols, and live ticks are filtered (case-insensitive)', async () => {
  const conn = await connectSse(`${server.url}/stream?symbols=msft,Nvda`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  assert.equal((JSON.parse(snapshot.data) as Array<{ symbol: string }>).map((t) => t.symbol).sort(), ['MSFT', 'NVDA']);
  await conn.waitForCount((e) => e.event === 'tick', 12);
  const symbols = new Set(ticksOf(conn.events).map((t) => t.symbol));
  assert.equal([...symbols].sort(), ['MSFT', 'NVDA']);
  conn.close();
});

test('the snapshot equals what /api/quotes reports at that id', async () => {
  await server.close();
  // With generation stopped, both answers describe the same log.
  server = await startTestServer({ db: server.db, interval: 100000, symbols: 'AAPL,MSFT,NVDA', seed: 7 });
  const conn = await connectSse(`${server.url}/stream?symbols=AAPL,MSFT`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  const quotes = await getJson(`${server.url}/api/quotes?symbols=AAPL,MSFT`);
  assert.is(Number(snapshot.id), quotes.body.lastEventId);
  assert.equal(JSON.parse(snapshot.data), quotes.body.quotes);
  conn.close();
});

test.run();

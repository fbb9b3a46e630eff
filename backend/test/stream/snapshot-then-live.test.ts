import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf } from '../helpers/sse-client.ts';
import { contiguity, getJson, waitUntil } from '../helpers/http.ts';

let server: TestServer;

test.before(async () => {
  // A budget of 10 events a 20 ms step: every symbol may trade each step (the default, 2 a step,
  // would give quotes only).
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 7, 'max-events-per-second': 500 });
  // The snapshot has an entry per symbol that has traded.
  await waitUntil(async () => (await getJson(`${server.url}/api/quotes`)).body.quotes.length === 3, 'a trade of every symbol');
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

test('a fresh connection gets a snapshot of the latest trade per symbol, then live events after it', async () => {
  const conn = await connectSse(`${server.url}/stream`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  assert.is(conn.events[0].event, 'snapshot', 'the snapshot is the first event');
  const latest = JSON.parse(snapshot.data) as Array<{ id: number; symbol: string; kind: string }>;
  assert.equal(latest.map((t) => t.symbol), ['AAPL', 'MSFT', 'NVDA'], 'one entry per symbol, in symbol order');
  assert.ok(latest.every((t) => t.kind === 'tick'), 'each entry has the shape of a tick');
  const snapshotId = Number(snapshot.id);
  // The snapshot's id is the log's newest id, which may be a quote or status event newer than every trade.
  assert.ok(latest.every((t) => t.id <= snapshotId), 'entries are trades up to the snapshot id');

  await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 30);
  const ids = marketEventsOf(conn.events).map((t) => t.id);
  assert.is(ids[0], snapshotId + 1, 'live continues right after the snapshot');
  assert.is(contiguity(ids), null);
  conn.close();
});

test('a filtered snapshot lists only the subscribed symbols, and live events are filtered (case-insensitive)', async () => {
  const conn = await connectSse(`${server.url}/stream?symbols=msft,Nvda`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  assert.equal((JSON.parse(snapshot.data) as Array<{ symbol: string }>).map((t) => t.symbol).sort(), ['MSFT', 'NVDA']);
  await conn.waitForCount((e) => e.event === 'tick', 12);
  const events = marketEventsOf(conn.events);
  // Status events have no symbol and pass every symbol filter; ticks and quotes are the two symbols'.
  const symbols = new Set(events.filter((t) => t.kind !== 'status').map((t) => t.symbol));
  assert.equal([...symbols].sort(), ['MSFT', 'NVDA']);
  assert.ok(events.filter((t) => t.kind === 'status').every((t) => t.symbol === undefined));
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

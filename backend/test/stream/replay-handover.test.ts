// Resuming from an id: every later event (ticks, quotes, status: one id sequence) in order, then
// live, with no gap and no duplicate at the hand-over — under a fast interval, with pages small
// enough that the hand-over happens while batches keep arriving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseEvent } from '../helpers/sse-client.ts';
import { contiguity, getJson, waitForLastId } from '../helpers/http.ts';

let server: TestServer;

test.before(async () => {
  // 2000 events a second at most (4 a step): trades and quotes, as many events as four symbols'
  // ticks were before event kinds. The default budget (one event a 2 ms step) would print no trades.
  server = await startTestServer({ interval: 2, symbols: 'AAPL,MSFT,NVDA,TSLA', seed: 11, 'max-events-per-second': 2000 }, { replayPage: 7 });
  await waitForLastId(server.url, 400);
});
test.after(() => server.close());

const isMarketEvent = (e: SseEvent) => MARKET_EVENT_NAMES.has(e.event);

test('resume with Last-Event-ID replays every later event, then hands over to live without gap or duplicate', async () => {
  const conns = await Promise.all([10, 123, 250, 399].map((from) => connectSse(`${server.url}/stream`, { 'Last-Event-ID': String(from) })));
  const froms = [10, 123, 250, 399];
  await Promise.all(conns.map((c) => c.waitForCount((e) => isMarketEvent(e), 700, 20000)));
  conns.forEach((conn, i) => {
    assert.not.ok(conn.events.some((e) => e.event === 'snapshot' || e.event === 'reset'), 'no snapshot or reset on a valid resume');
    const ids = marketEventsOf(conn.events).map((t) => t.id);
    assert.is(ids[0], froms[i] + 1);
    assert.is(contiguity(ids), null);
    conn.close();
  });
});

test('?lastEventId= resumes a first connection the same way', async () => {
  const conn = await connectSse(`${server.url}/stream?lastEventId=50`);
  await conn.waitForCount((e) => isMarketEvent(e), 500, 20000);
  const ids = marketEventsOf(conn.events).map((t) => t.id);
  assert.is(ids[0], 51);
  assert.is(contiguity(ids), null);
  conn.close();
});

test('a filtered resume delivers exactly the log entries for those symbols, in order', async () => {
  const conn = await connectSse(`${server.url}/stream?symbols=tsla,AAPL&lastEventId=100`);
  const received = await conn.waitForCount((e) => isMarketEvent(e), 300, 20000);
  conn.close();
  const got = received.map((e) => JSON.parse(e.data) as { id: number; kind: string; symbol?: string });
  const last = got[got.length - 1].id;
  // The log's entries by brute force: every event after 100, kept when it is AAPL's, TSLA's or a
  // status event (market-wide, so it passes every symbol filter).
  const expected: number[] = [];
  for (let after = 100; ; ) {
    const page = await getJson(`${server.url}/api/events?after=${after}&limit=10000`);
    const events = page.body.events as Array<{ id: number; kind: string; symbol?: string }>;
    expected.push(...events.filter((t) => t.id <= last && (t.kind === 'status' || t.symbol === 'AAPL' || t.symbol === 'TSLA')).map((t) => t.id));
    if (page.body.next === null || events.at(-1)!.id >= last) break;
    after = page.body.next;
  }
  assert.equal(got.map((t) => t.id), expected);
  assert.ok(got.every((t) => t.symbol === 'AAPL' || t.symbol === 'TSLA' || (t.kind === 'status' && t.symbol === undefined)));
  assert.ok(got.some((t) => t.kind === 'tick') && got.some((t) => t.kind === 'quote'), 'trades and quotes both');
});

test('a browser-style reconnect resumes from the last id it saw', async () => {
  const first = await connectSse(`${server.url}/stream`);
  await first.waitForCount((e) => isMarketEvent(e), 20);
  first.close();
  const seen = marketEventsOf(first.events).map((t) => t.id);
  const lastSeen = first.events.at(-1)!.lastEventId;
  const second = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': lastSeen });
  await second.waitForCount((e) => isMarketEvent(e), 50);
  second.close();
  const ids = [...seen, ...marketEventsOf(second.events).map((t) => t.id)];
  assert.is(contiguity(ids), null);
});

test.run();

// Resuming from an id: every later tick in order, then live, with no gap and no duplicate at the
// hand-over — under a fast interval, with pages small enough that the hand-over happens while
// batches keep arriving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, ticksOf } from '../helpers/sse-client.ts';
import { contiguity, getJson, waitForLastId } from '../helpers/http.ts';

let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 2, symbols: 'AAPL,MSFT,NVDA,TSLA', seed: 11 }, { replayPage: 7 });
  await waitForLastId(server.url, 400);
});
test.after(() => server.close());

test('resume with Last-Event-ID replays every later tick, then hands over to live without gap or duplicate', async () => {
  const conns = await Promise.all([10, 123, 250, 399].map((from) => connectSse(`${server.url}/stream`, { 'Last-Event-ID': String(from) })));
  const froms = [10, 123, 250, 399];
  await Promise.all(conns.map((c) => c.waitForCount((e) => e.event === 'tick', 700, 20000)));
  conns.forEach((conn, i) => {
    assert.not.ok(conn.events.some((e) => e.event === 'snapshot' || e.event === 'reset'), 'no snapshot or reset on a valid resume');
    const ids = ticksOf(conn.events).map((t) => t.id);
    assert.is(ids[0], froms[i] + 1);
    assert.is(contiguity(ids), null);
    conn.close();
  });
});

test('?lastEventId= resumes a first connection the same way', async () => {
  const conn = await connectSse(`${server.url}/stream?lastEventId=50`);
  await conn.waitForCount((e) => e.event === 'tick', 500, 20000);
  const ids = ticksOf(conn.events).map((t) => t.id);
  assert.is(ids[0], 51);
  assert.is(contiguity(ids), null);
  conn.close();
});

test('a filtered resume delivers exactly the log entries for those symbols, in order', async () => {
  const conn = await connectSse(`${server.url}/stream?symbols=tsla,AAPL&lastEventId=100`);
  const received = await conn.waitForCount((e) => e.event === 'tick', 300, 20000);
  conn.close();
  const got = received.map((e) => JSON.parse(e.data) as { id: number; symbol: string });
  const last = got[got.length - 1].id;
  const expected: number[] = [];
  for (let after = 100; ; ) {
    const page = await getJson(`${server.url}/api/ticks?after=${after}&symbols=AAPL,TSLA&limit=10000`);
    expected.push(...page.body.ticks.map((t: { id: number }) => t.id).filter((id: number) => id <= last));
    if (page.body.next === null || page.body.ticks.at(-1).id >= last) break;
    after = page.body.next;
  }
  assert.equal(got.map((t) => t.id), expected);
  assert.ok(got.every((t) => t.symbol === 'AAPL' || t.symbol === 'TSLA'));
});

test('a browser-style reconnect resumes from the last id it saw', async () => {
  const first = await connectSse(`${server.url}/stream`);
  await first.waitForCount((e) => e.event === 'tick', 20);
  first.close();
  const seen = ticksOf(first.events).map((t) => t.id);
  const lastSeen = first.events.at(-1)!.lastEventId;
  const second = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': lastSeen });
  await second.waitForCount((e) => e.event === 'tick', 50);
  second.close();
  const ids = [...seen, ...ticksOf(second.events).map((t) => t.id)];
  assert.is(contiguity(ids), null);
});

test.run();

// `?heartbeat=event`: the heartbeat as a `heartbeat` event an EventSource can observe, carrying the
// period, first right after `retry:` and then every period; never an `id:` line, so the client's
// last event ID stays the last market event's. Plain clients (no parameter, or `heartbeat=comment`) get the
// `: keepalive` comment line exactly as before, and no heartbeat event. Any other value is a 400.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { blocksOf, bodyOf, connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { contiguity, waitForLastId, waitUntil } from '../helpers/http.ts';

const RETRY = 'retry: 3000\n';
const HEARTBEAT_MS = 5;
const HEARTBEAT_BLOCK = `event: heartbeat\ndata: {"periodMs":${HEARTBEAT_MS}}`;

let server: TestServer;

test.before(async () => {
  // Heartbeats far more often than ticks, so they fall between, before and after events.
  server = await startTestServer({ interval: 100, symbols: 'AAPL,MSFT', seed: 3, heartbeat: HEARTBEAT_MS });
  await waitForLastId(server.url, 10);
});
test.after(() => server.close());

/** Waits for `n` heartbeat events and then a market event (of any kind) after the last of them. */
async function heartbeatsThenAnEvent(conn: SseConnection, n: number): Promise<void> {
  await conn.waitForCount((e) => e.event === 'heartbeat', n);
  const seen = conn.events.length;
  await conn.waitFor((e, i) => i >= seen && MARKET_EVENT_NAMES.has(e.event), 10_000, 'a market event after the heartbeats');
}

test('heartbeat=event: retry, a heartbeat event at once, then the snapshot; heartbeat blocks carry no id', async () => {
  const conn = await connectSse(`${server.url}/stream?heartbeat=event`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  await heartbeatsThenAnEvent(conn, 5);
  conn.close();
  assert.ok(conn.raw.startsWith(`${RETRY}${HEARTBEAT_BLOCK}\n\nid: ${snapshot.id}\nevent: snapshot\ndata: [`), JSON.stringify(conn.raw.slice(0, 120)));
  assert.is(conn.comments.length, 0, 'no keepalive comment for a client that asked for events');
  const all = blocksOf(conn);
  for (const [i, block] of all.entries()) {
    const body = i === 0 ? block.slice(RETRY.length) : block;
    assert.ok(
      body === HEARTBEAT_BLOCK || /^id: \d+\nevent: (snapshot|tick|quote|status)\ndata: [[{][^\n]*$/.test(body),
      `a heartbeat or an event with its id, one data line each: ${JSON.stringify(block)}`,
    );
  }
  assert.ok(all.filter((b) => b === HEARTBEAT_BLOCK).length >= 4);
});

test('a heartbeat leaves the last event id alone: a resumed stream stays contiguous and resumable', async () => {
  const conn = await connectSse(`${server.url}/stream?heartbeat=event&symbols=AAPL`, { 'Last-Event-ID': '4' });
  await heartbeatsThenAnEvent(conn, 10);
  conn.close();
  let lastEventId = ''; // the parser's own, which this raw client starts empty
  for (const e of conn.events) {
    if (e.event === 'heartbeat') {
      assert.is(e.id, undefined);
      assert.is(e.lastEventId, lastEventId, 'the last event id is the last market event’s');
      assert.equal(JSON.parse(e.data), { periodMs: HEARTBEAT_MS });
    } else {
      assert.ok(MARKET_EVENT_NAMES.has(e.event), e.event);
      lastEventId = e.id!;
    }
  }
  const events = marketEventsOf(conn.events);
  const ids = events.map((t) => t.id);
  assert.ok(ids[0] > 4);
  // Status events have no symbol: they are market-wide and pass every symbol filter.
  assert.ok(events.every((t) => (t.kind === 'status' ? t.symbol === undefined : t.symbol === 'AAPL')));
  assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'strictly increasing');
});

test('plain clients, beside one that asked for events, get `: keepalive` lines and no heartbeat event', async () => {
  const watched = await connectSse(`${server.url}/stream?heartbeat=event`);
  const plain = await connectSse(`${server.url}/stream`);
  const comment = await connectSse(`${server.url}/stream?heartbeat=comment`);
  await plain.waitFor((e) => e.event === 'snapshot');
  await waitUntil(() => plain.comments.length >= 5 && comment.comments.length >= 5, 'five keepalives each');
  await heartbeatsThenAnEvent(watched, 5);
  await plain.waitFor((e, i) => i > 0 && MARKET_EVENT_NAMES.has(e.event));
  for (const conn of [watched, plain, comment]) conn.close();
  for (const conn of [plain, comment]) {
    assert.not.ok(conn.raw.includes('heartbeat'), 'no heartbeat event');
    assert.ok(conn.comments.every((c) => c === 'keepalive'));
    assert.ok(conn.raw.startsWith(`${RETRY}id: `), 'retry, then the snapshot, as before');
    // Unfiltered: every event of every kind, so the ids are contiguous.
    assert.is(contiguity(marketEventsOf(conn.events).map((t) => t.id)), null);
  }
  assert.is(contiguity(marketEventsOf(watched.events).map((t) => t.id)), null);
});

for (const bad of ['', 'EVENT', 'events', 'comments', '1', 'event ']) {
  test(`heartbeat=${JSON.stringify(bad)} is a 400 naming heartbeat, nothing streamed`, async () => {
    const conn = await connectSse(`${server.url}/stream?heartbeat=${encodeURIComponent(bad)}`);
    assert.is(conn.status, 400);
    assert.match(String(conn.headers['content-type']), /application\/json/);
    const body = (await bodyOf(conn)) as { error: string; code: string };
    assert.is(body.code, 'BAD_PARAMETER');
    assert.is(body.error, `heartbeat: expected one of comment, event, got ${JSON.stringify(bad)}`);
  });
}

test.run();

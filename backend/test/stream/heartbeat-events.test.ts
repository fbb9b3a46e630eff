// `?heartbeat=event`: the heartbeat as a `heartbeat` event an EventSource can observe, carrying the
// period, first right after `retry:` and then every period; never an `id:` line, so the client's
// last event ID stays the last tick's. Plain clients (no parameter, or `heartbeat=comment`) get the
// `: keepalive` comment line exactly as before, and no heartbeat event. Any other value is a 400.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { blocksOf, bodyOf, connectSse, ticksOf, type SseConnection } from '../helpers/sse-client.ts';
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

/** Waits for `n` heartbeat events and then a tick after the last of them. */
async function heartbeatsThenATick(conn: SseConnection, n: number): Promise<void> {
  await conn.waitForCount((e) => e.event === 'heartbeat', n);
  const seen = conn.events.length;
  await conn.waitFor((e, i) => i >= seen && e.event === 'tick', 10_000, 'a tick after the heartbeats');
}

test('heartbeat=event: retry, a heartbeat event at once, then the snapshot; heartbeat blocks carry no id', async () => {
  const conn = await connectSse(`${server.url}/stream?heartbeat=event`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  await heartbeatsThenATick(conn, 5);
  conn.close();
  assert.ok(conn.raw.startsWith(`${RETRY}${HEARTBEAT_BLOCK}\n\nid: ${snapshot.id}\nevent: snapshot\ndata: [`), JSON.stringify(conn.raw.slice(0, 120)));
  assert.is(conn.comments.length, 0, 'no keepalive comment for a client that asked for events');
  const all = blocksOf(conn);
  for (const [i, block] of all.entries()) {
    const body = i === 0 ? block.slice(RETRY.length) : block;
    assert.ok(
      body === HEARTBEAT_BLOCK || /^id: \d+\nevent: (snapshot|tick)\ndata: [[{][^\n]*$/.test(body),
      `a heartbeat or an event with its id, one data line each: ${JSON.stringify(block)}`,
    );
  }
  assert.ok(all.filter((b) => b === HEARTBEAT_BLOCK).length >= 4);
});

test('a heartbeat leaves the last event id alone: a resumed stream stays contiguous and resumable', async () => {
  const conn = await connectSse(`${server.url}/stream?heartbeat=event&symbols=AAPL`, { 'Last-Event-ID': '4' });
  await heartbeatsThenATick(conn, 10);
  conn.close();
  let lastTickId = ''; // the parser's own, which this raw client starts empty
  for (const e of conn.events) {
    if (e.event === 'heartbeat') {
      assert.is(e.id, undefined);
      assert.is(e.lastEventId, lastTickId, 'the last event id is the last tick’s');
      assert.equal(JSON.parse(e.data), { periodMs: HEARTBEAT_MS });
    } else {
      assert.is(e.event, 'tick');
      lastTickId = e.id!;
    }
  }
  const ids = ticksOf(conn.events).map((t) => t.id);
  assert.ok(ids[0] > 4);
  assert.ok(ticksOf(conn.events).every((t) => t.symbol === 'AAPL'));
  assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'strictly increasing');
});

test('plain clients, beside one that asked for events, get `: keepalive` lines and no heartbeat event', async () => {
  const watched = await connectSse(`${server.url}/stream?heartbeat=event`);
  const plain = await connectSse(`${server.url}/stream`);
  const comment = await connectSse(`${server.url}/stream?heartbeat=comment`);
  await plain.waitFor((e) => e.event === 'snapshot');
  await waitUntil(() => plain.comments.length >= 5 && comment.comments.length >= 5, 'five keepalives each');
  await heartbeatsThenATick(watched, 5);
  await plain.waitFor((e, i) => i > 0 && e.event === 'tick');
  for (const conn of [watched, plain, comment]) conn.close();
  for (const conn of [plain, comment]) {
    assert.not.ok(conn.raw.includes('heartbeat'), 'no heartbeat event');
    assert.ok(conn.comments.every((c) => c === 'keepalive'));
    assert.ok(conn.raw.startsWith(`${RETRY}id: `), 'retry, then the snapshot, as before');
    assert.is(contiguity(ticksOf(conn.events).map((t) => t.id)), null);
  }
  assert.is(contiguity(ticksOf(watched.events).map((t) => t.id)), null);
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

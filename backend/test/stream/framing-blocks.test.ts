// The exact bytes of a stream: `retry: 3000` is the first line of the first event's block, whatever
// that event is (snapshot, reset, replayed or live market event of any kind), and a heartbeat is a comment line with
// no blank line after it, so every blank line the server sends ends a block that carries data.
// Clients that dispatch a message at every blank line (@microsoft/fetch-event-source) then never
// see an empty one; spec-following clients see exactly what they saw before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { blocksOf, connectSse, MARKET_EVENT_NAMES, type SseConnection } from '../helpers/sse-client.ts';
import { getJson, waitForLastId, waitUntil } from '../helpers/http.ts';

const RETRY = 'retry: 3000\n';
const KEEPALIVE = ': keepalive\n';

let server: TestServer;

test.before(async () => {
  // Heartbeats far more often than ticks, so they fall between, before and after events.
  server = await startTestServer({ interval: 100, symbols: 'AAPL,MSFT', seed: 3, heartbeat: 5 });
  await waitForLastId(server.url, 10);
});
test.after(() => server.close());

/** Every block has exactly one `data:` line; nothing but `retry:` and comments may come beside it. */
function assertEveryBlockCarriesData(conn: SseConnection): void {
  const all = blocksOf(conn);
  assert.ok(all.length > 0, 'some blocks were received');
  for (const block of all) {
    const lines = block.split('\n');
    assert.is(lines.filter((l) => l.startsWith('data: ')).length, 1, `one data line in ${JSON.stringify(block)}`);
    const fields = lines.filter((l) => !l.startsWith(':') && l !== RETRY.trimEnd());
    assert.ok(/^(id: \d+\n)?event: (snapshot|tick|quote|status|reset)\ndata: [[{]/.test(fields.join('\n')), `an event block: ${JSON.stringify(block)}`);
  }
  assert.is(conn.raw.split(RETRY).length - 1, 1, 'retry is sent once');
  assert.ok(conn.raw.startsWith(RETRY), 'retry is the first line');
}

/** Waits until the stream has carried `n` heartbeats and then some event after the last of them. */
async function heartbeatsThenAnEvent(conn: SseConnection, n: number): Promise<void> {
  await waitUntil(() => conn.comments.length >= n, `${n} heartbeats`);
  const seen = conn.raw.length;
  await waitUntil(() => conn.raw.indexOf('\n\n', seen) !== -1, 'an event after them');
}

test('a fresh stream: retry, then the snapshot in the same block', async () => {
  const conn = await connectSse(`${server.url}/stream`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  await heartbeatsThenAnEvent(conn, 5);
  conn.close();
  assert.ok(conn.raw.startsWith(`${RETRY}id: ${snapshot.id}\nevent: snapshot\ndata: [`), JSON.stringify(conn.raw.slice(0, 80)));
  assertEveryBlockCarriesData(conn);
});

test('a resumed stream: retry, then the first replayed event in the same block', async () => {
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': '4' });
  const first = await conn.waitFor((e) => MARKET_EVENT_NAMES.has(e.event));
  await heartbeatsThenAnEvent(conn, 5);
  conn.close();
  assert.is(first.id, '5');
  assert.ok(conn.raw.startsWith(`${RETRY}id: 5\nevent: ${first.event}\ndata: {"id":5,`), JSON.stringify(conn.raw.slice(0, 80)));
  assertEveryBlockCarriesData(conn);
});

test('a reset: retry, then the reset in the same block, then the snapshot', async () => {
  const conn = await connectSse(`${server.url}/stream?lastEventId=999999999`);
  await conn.waitFor((e) => e.event === 'snapshot');
  await heartbeatsThenAnEvent(conn, 5);
  conn.close();
  assert.ok(conn.raw.startsWith(`${RETRY}event: reset\ndata: {"reason":"unknown",`), JSON.stringify(conn.raw.slice(0, 80)));
  assertEveryBlockCarriesData(conn);
});

test('resumed at the head: the 200 comes at once; retry and heartbeats wait in the block of the first live event', async () => {
  const head = (await getJson(`${server.url}/healthz`)).body.lastEventId as number;
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': String(head) });
  // The headers are flushed before anything is there to send (connectSse resolves on them).
  assert.is(conn.status, 200);
  const first = await conn.waitFor((e) => MARKET_EVENT_NAMES.has(e.event));
  await heartbeatsThenAnEvent(conn, 5);
  conn.close();
  assert.is(Number(first.id), head + 1, 'the first live event continues the head');
  // Before its first event the stream carried only the retry line and comment lines: no blank line.
  const start = new RegExp(`^${RETRY}(${KEEPALIVE})*id: ${first.id}\\nevent: ${first.event}\\ndata: \\{`);
  assert.ok(start.test(conn.raw), JSON.stringify(conn.raw.slice(0, 120)));
  assertEveryBlockCarriesData(conn);
});

test('heartbeats are comment lines each directly followed by another line, never by a blank one', async () => {
  const conn = await connectSse(`${server.url}/stream?symbols=AAPL`);
  await heartbeatsThenAnEvent(conn, 20);
  conn.close();
  assert.ok(conn.raw.includes(KEEPALIVE));
  assert.not.ok(conn.raw.includes(`${KEEPALIVE}\n`), 'no blank line after a heartbeat');
  assert.ok(conn.comments.every((c) => c === 'keepalive'));
  assertEveryBlockCarriesData(conn);
});

test.run();

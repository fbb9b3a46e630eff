// Edges follow the cluster feed into their own logs and serve it: their SSE clients get the same
// contiguous ids and identical JSON as the all node's log, resume with Last-Event-ID, and an edge
// started late catches up from the stream. An edge that is behind waits for a resume point the
// cluster already has instead of answering `reset` "unknown".
import * as assert from 'uvu/assert';
import { createRecordingLogger } from '../bus/fixtures.ts';
import { contiguity, getJson, waitForLastId, waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { nodeEvents, streamEvents } from './fixtures.ts';

const test = redisSuite('edges follow the cluster');

// Many symbols, so the stream grows by thousands of ticks a second and a fresh edge has a lot to copy.
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN', 'META', ...Array.from({ length: 18 }, (_, i) => `Q${String.fromCharCode(65 + i)}:${20 + i}`)].join(',');
let redis: RedisHandle | undefined;
let all: TestServer;
const servers: TestServer[] = [];
const connections: SseConnection[] = [];

async function startNode(options: Record<string, string | number>, extras = {}): Promise<TestServer> {
  const server = await startTestServer({ symbols: SYMBOLS, redis: redis!.url, ...options }, extras);
  servers.push(server);
  return server;
}

async function sse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const conn = await connectSse(url, headers);
  connections.push(conn);
  return conn;
}

test.before(async () => {
  redis = await startRedis();
  // Up to 20 events a 5 ms step, trades among them (the default budget, one event a step, prints none).
  all = await startNode({ interval: 5, seed: 21, 'max-events-per-second': 4000 });
});

test.after(async () => {
  for (const conn of connections) conn.close();
  await Promise.all(servers.map((server) => server.close()));
  await redis?.stop();
});

test('two edges stream the same contiguous ids and identical JSON as the all node logged', async () => {
  const edges = [await startNode({ role: 'edge' }), await startNode({ role: 'edge' })];
  const clients = await Promise.all(edges.map((edge) => sse(`${edge.url}/stream?lastEventId=0`)));
  const received = await Promise.all(clients.map((c) => c.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 800, 20000)));
  const upTo = Math.min(...received.map((events) => events.length));
  const logged = await nodeEvents(all.url, upTo);
  for (const events of received) {
    const ticks = events.slice(0, upTo);
    assert.is(contiguity(ticks.map((e) => Number(e.id))), null);
    assert.is(Number(ticks[0].id), 1);
    assert.equal(ticks.map((e) => JSON.stringify(JSON.parse(e.data))), logged.map((t) => t.json));
  }

  // /api/events and /api/ticks on an edge are the all node's log too.
  const edgePage = await getJson(`${edges[0].url}/api/events?after=100&limit=200`);
  const allPage = await getJson(`${all.url}/api/events?after=100&limit=200`);
  assert.equal(edgePage.body.events, allPage.body.events);
  assert.is(edgePage.body.events.length, 200);
  const [edgeTrades, allTrades] = await Promise.all([edges[0], all].map(async (node) => (await getJson(`${node.url}/api/ticks?after=100&limit=50`)).body.ticks));
  assert.equal(edgeTrades, allTrades);
  assert.ok(edgeTrades.length > 0, 'trades among them');

  // A browser-style resume on an edge: everything after the id, then live, no gap, no duplicate.
  const resumed = await sse(`${edges[1].url}/stream`, { 'Last-Event-ID': '250' });
  await resumed.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 400, 20000);
  const ids = marketEventsOf(resumed.events).map((t) => t.id);
  assert.is(ids[0], 251);
  assert.is(contiguity(ids), null);
  assert.not.ok(resumed.events.some((e) => e.event === 'reset' || e.event === 'snapshot'));
});

test('an edge started late catches up from the stream and serves the whole history', async () => {
  await waitForLastId(all.url, 3000, 20000);
  const late = await startNode({ role: 'edge' });
  const target = all.log.lastId();
  await waitForLastId(late.url, target, 20000);
  assert.equal(await nodeEvents(late.url, target), await nodeEvents(all.url, target));
});

test('an edge behind a resume point the cluster has waits for it and replays, instead of answering reset', async () => {
  // A fresh edge copies the whole stream (thousands of ticks) before its log reaches the
  // cluster's newest; a client asks for exactly that newest id straight away.
  await waitUntil(async () => (await streamEvents(redis!.url)).length >= 20_000, 'the stream to hold 20000 ticks', 60000, 200);
  const recorder = createRecordingLogger();
  const edge = await startNode({ role: 'edge' }, { logger: recorder.logger });
  const stream = await streamEvents(redis!.url);
  const resumeFrom = stream[stream.length - 1].id;
  assert.ok(edge.log.lastId() < resumeFrom, 'the edge is behind when the client connects');
  const client = await sse(`${edge.url}/stream?lastEventId=${resumeFrom}`);
  await client.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 50, 15000);

  assert.not.ok(client.events.some((e) => e.event === 'reset' || e.event === 'snapshot'), 'no reset: the edge caught up');
  const got = marketEventsOf(client.events);
  const ids = got.map((t) => t.id);
  assert.is(ids[0], resumeFrom + 1);
  assert.is(contiguity(ids), null);
  const waited = recorder.entries.find((entry) => entry.event === 'stream.catch_up');
  assert.ok(waited, 'the stream route waited for the edge to catch up');
  assert.is(waited.fields.resumeFrom, resumeFrom);
  assert.ok((waited.fields.lastEventId as number) < resumeFrom, 'it was behind when the wait began');
  assert.is(waited.fields.reached, true);
  console.log(`  edge ${waited.fields.lastEventId} behind ${resumeFrom}: waited ${waited.fields.waitedMs} ms`);
  const logged = await nodeEvents(all.url, ids[ids.length - 1], resumeFrom);
  assert.equal(got.map((t) => JSON.stringify(t)), logged.map((t) => t.json));

  // A resume point beyond the cluster's newest is still `reset` "unknown", without the wait.
  const beyond = await sse(`${edge.url}/stream?lastEventId=${resumeFrom + 10_000_000}`);
  const reset = await beyond.waitFor((e) => e.event === 'reset');
  assert.is(JSON.parse(reset.data).reason, 'unknown');
});

test.run();

// `--role simulator` never generates while Redis is unreachable: when Redis dies the leader stops
// within a few lease TTLs (no lease can be renewed, and its bus is down), and neither simulator
// generates until Redis returns; then one leads again and the feed an edge serves is still
// gap-free. A simulator serves the API, /healthz and /metrics, but /stream is a 404 JSON.
import * as assert from 'uvu/assert';
import { contiguity, getJson, waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { health, metric, nodeEvents, waitForHealth, stopAfter } from './fixtures.ts';

const test = redisSuite('simulators without Redis');

const LEASE_TTL_MS = 300;
let redis: RedisHandle | undefined;
const { servers, connections } = stopAfter(test, () => redis);

async function startNode(role: 'simulator' | 'edge'): Promise<TestServer> {
  const server = await startTestServer({ role, redis: redis!.url, symbols: 'AAPL,MSFT,NVDA', interval: 20, seed: 4 }, { leaseTtlMs: LEASE_TTL_MS });
  servers.push(server);
  return server;
}

async function generatingCount(nodes: TestServer[]): Promise<number> {
  const states = await Promise.all(nodes.map(async (node) => (await health(node.url)).generating));
  return states.filter(Boolean).length;
}

test('Redis killed: no simulator generates until it is back; then one leads and the feed is still gap-free', async () => {
  redis = await startRedis();
  const simulators = [await startNode('simulator'), await startNode('simulator')];
  const edge = await startNode('edge');
  await waitUntil(async () => (await generatingCount(simulators)) === 1, 'one generating simulator');
  const client = await connectSse(`${edge.url}/stream?lastEventId=0`);
  connections.push(client);
  await client.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 150, 15000);

  await redis.kill();
  const killedAt = Date.now();
  await waitUntil(async () => (await generatingCount(simulators)) === 0, 'no simulator generating', 10 * LEASE_TTL_MS);
  console.log(`  generating stopped ${Date.now() - killedAt} ms after Redis died (lease TTL ${LEASE_TTL_MS} ms)`);
  // Nothing is committed while Redis is gone: both logs stand still over several lease periods.
  const frozen = await Promise.all(simulators.map(async (node) => (await health(node.url)).lastEventId));
  const later = Date.now() + 5 * LEASE_TTL_MS;
  await waitUntil(async () => {
    const states = await Promise.all(simulators.map((node) => health(node.url)));
    assert.equal(states.map((h) => h.generating), [false, false], 'nobody generates while Redis is down');
    assert.equal(states.map((h) => h.lastEventId), frozen, 'nobody commits ticks while Redis is down');
    assert.ok(states.every((h) => h.redis === 'down'));
    return Date.now() > later;
  }, 'five lease periods without Redis');
  assert.equal(await Promise.all(simulators.map((node) => metric(node.url, 'ticktape_generating'))), [0, 0]);

  await redis.restart();
  await waitUntil(async () => (await generatingCount(simulators)) === 1, 'one simulator generating again', 15000);
  const top = Math.max(...frozen);
  await client.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) >= top + 100, 15000, `tick ${top + 100}`);
  const ticks = marketEventsOf(client.events);
  const ids = ticks.map((t) => t.id);
  assert.is(contiguity(ids), null, 'the edge client saw one contiguous feed');
  assert.not.ok(client.events.some((e) => e.event === 'reset'));
  // And the edge's client got exactly what the edge logged.
  const logged = await nodeEvents(edge.url, ids[ids.length - 1]);
  assert.equal(ticks.map((t) => JSON.stringify(t)), logged.map((t) => t.json));
});

test("Redis hung (SIGSTOP, connections stay open): the leader's lease lapses and it stops; after SIGCONT every log agrees with the stream", async () => {
  const simulators = servers.slice(0, 2);
  const edge = servers[2];
  await waitUntil(async () => (await generatingCount(simulators)) === 1, 'one generating simulator');
  process.kill(redis!.pid, 'SIGSTOP');
  const stoppedAt = Date.now();
  try {
    // Only the lease's local deadline can notice a server that neither answers nor hangs up.
    await waitUntil(async () => (await generatingCount(simulators)) === 0, 'no simulator generating', 10 * LEASE_TTL_MS);
    console.log(`  generating stopped ${Date.now() - stoppedAt} ms after Redis hung (lease TTL ${LEASE_TTL_MS} ms)`);
  } finally {
    process.kill(redis!.pid, 'SIGCONT');
  }
  await waitUntil(async () => (await generatingCount(simulators)) === 1, 'one simulator generating again', 15000);
  const leader = (await Promise.all(simulators.map((node) => health(node.url)))).findIndex((h) => h.generating);
  const top = (await health(simulators[leader].url)).lastEventId + 100;
  await Promise.all([...simulators, edge].map((node) => waitUntil(async () => (await health(node.url)).lastEventId >= top, `${node.url} at ${top}`, 15000)));
  // Whatever the old leader committed while Redis was frozen either reached the stream (it led
  // again) or was replaced: no node keeps ticks the cluster does not have.
  const reference = await nodeEvents(edge.url, top);
  assert.is(contiguity(reference.map((t) => t.id)), null);
  for (const node of simulators) {
    const own = await nodeEvents(node.url, top);
    const from = own[0]?.id ?? 1;
    assert.equal(own, reference.filter((t) => t.id >= from), `${node.url} agrees with the feed`);
  }
});

test('a simulator serves the API, /healthz and /metrics, but /stream is a 404 JSON', async () => {
  const [simulator] = servers;
  const stream = await getJson(`${simulator.url}/stream`);
  assert.is(stream.status, 404);
  assert.is(typeof stream.body.error, 'string');
  assert.is(typeof stream.body.code, 'string');
  const h = await health(simulator.url);
  assert.is(h.role, 'simulator');
  assert.is((await getJson(`${simulator.url}/api/events?after=0&limit=5`)).body.events.length, 5);
  assert.ok((await metric(simulator.url, 'ticktape_log_last_id'))! > 0);
});

test.run();

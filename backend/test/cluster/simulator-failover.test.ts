// `--role simulator` failover under the Redis lease: of two simulators exactly one generates; when
// it stops (closed, or SIGKILLed as a process) the standby takes over once the lease is free,
// continues the ids at the cluster's newest + 1 and the price path from its own log, and an edge's
// SSE client sees one contiguous feed across the failover: no gap, no duplicate.
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { contiguity, waitForLastId, waitUntil } from '../helpers/http.ts';
import { startChildServer, stopChild, type ChildServer } from '../helpers/process.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { health, nodeEvents, range, streamEvents, waitForHealth } from './fixtures.ts';

const test = redisSuite('simulator failover');

const LEASE_TTL_MS = 300;
const SYMBOLS = 'AAPL,MSFT,NVDA,TSLA';
const redises: RedisHandle[] = [];
const servers: TestServer[] = [];
const children: ChildServer[] = [];
const connections: SseConnection[] = [];

test.after(async () => {
  for (const conn of connections) conn.close();
  await Promise.all(children.map((child) => stopChild(child)));
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(redises.map((redis) => redis.stop()));
});

async function startNode(redis: RedisHandle, role: 'simulator' | 'edge'): Promise<TestServer> {
  const server = await startTestServer({ role, redis: redis.url, symbols: SYMBOLS, interval: 20, seed: 9 }, { leaseTtlMs: LEASE_TTL_MS });
  servers.push(server);
  return server;
}

/** The one node reporting generating: true, once exactly one does. */
async function soleGenerator<T extends { url: string }>(nodes: T[], timeoutMs = 10000): Promise<T> {
  return waitUntil(async () => {
    const states = await Promise.all(nodes.map(async (node) => (await health(node.url)).generating));
    return states.filter(Boolean).length === 1 ? nodes[states.indexOf(true)] : undefined;
  }, 'exactly one generating node', timeoutMs);
}

/** Per symbol, the last price at or before `boundary` against the first after it, as a fraction. */
function priceJumps(ticks: { id: number; symbol: string; price: number }[], boundary: number): Map<string, number> {
  const before = new Map<string, number>();
  const jumps = new Map<string, number>();
  for (const tick of ticks) {
    if (tick.id <= boundary) before.set(tick.symbol, tick.price);
    else if (!jumps.has(tick.symbol) && before.has(tick.symbol)) {
      jumps.set(tick.symbol, Math.abs(tick.price / before.get(tick.symbol)! - 1));
    }
  }
  return jumps;
}

function assertFeedContinues(conn: SseConnection, boundary: number): void {
  const events = marketEventsOf(conn.events) as unknown as { id: number; kind: string; symbol: string; price: number }[];
  const ids = events.map((t) => t.id);
  assert.is(contiguity(ids), null, 'the edge client sees contiguous ids across the failover');
  assert.is(new Set(ids).size, ids.length, 'no duplicate');
  assert.ok(ids[0] <= boundary && ids[ids.length - 1] > boundary, 'the client saw both leaders');
  // The new leader continues each symbol's price from the log: its trades go on where they stopped.
  const jumps = priceJumps(events.filter((e) => e.kind === 'tick'), boundary);
  assert.is(jumps.size, SYMBOLS.split(',').length);
  for (const [symbol, jump] of jumps) assert.ok(jump < 0.03, `${symbol} jumped ${(jump * 100).toFixed(2)} % at the takeover`);
}

test('two simulators: exactly one generates; closing it hands over to the other without a gap or duplicate', async () => {
  const redis = await startRedis();
  redises.push(redis);
  const simulators = [await startNode(redis, 'simulator'), await startNode(redis, 'simulator')];
  const edge = await startNode(redis, 'edge');
  const leader = await soleGenerator(simulators);
  const standby = simulators.find((s) => s !== leader)!;
  assert.is((await health(standby.url)).generating, false);
  assert.is((await health(edge.url)).generating, false);

  const client = await connectSse(`${edge.url}/stream?lastEventId=0`);
  connections.push(client);
  await client.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 200, 15000);
  // The standby follows into its own log.
  await waitForLastId(standby.url, 200);

  const stoppedAt = Date.now();
  await leader.close();
  const boundary = leader.log.lastId();
  await waitForHealth(standby.url, 'generating after the takeover', (h) => h.generating, 10000);
  console.log(`  takeover after a clean close: ${Date.now() - stoppedAt} ms (lease TTL ${LEASE_TTL_MS} ms)`);
  assert.is((await health(edge.url)).generating, false);

  await client.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) >= boundary + 200, 15000, `tick ${boundary + 200}`);
  assertFeedContinues(client, boundary);

  // The stream holds each id once, and the new leader's log agrees with the edge's.
  const last = (await health(standby.url)).lastEventId;
  await waitForLastId(edge.url, last);
  const stream = await streamEvents(redis.url);
  assert.equal(stream.map((t) => t.id).slice(0, last), range(1, last));
  assert.equal(await nodeEvents(edge.url, last), await nodeEvents(standby.url, last));
});

test('a leader killed with SIGKILL: the standby takes over once the lease expires, still gap-free', async () => {
  await ensureFrontendBuilt();
  const redis = await startRedis();
  redises.push(redis);
  const dir = tempDir('ticktape-failover-');
  // The first simulator is a real process (default lease TTL, 5 s) so that it can be SIGKILLed.
  const child = await startChildServer([
    '--role', 'simulator', '--redis', redis.url, '--db', `${dir}/leader.db`, '--port', '0',
    '--symbols', SYMBOLS, '--interval', '20', '--seed', '9',
  ]);
  children.push(child);
  await waitForHealth(child.url, 'the child generating', (h) => h.generating, 15000);
  const standby = await startNode(redis, 'simulator');
  const edge = await startNode(redis, 'edge');
  assert.is(await soleGenerator([child, standby]), child);

  const client = await connectSse(`${edge.url}/stream?lastEventId=0`);
  connections.push(client);
  await client.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 200, 15000);

  const killedAt = Date.now();
  assert.ok(child.kill('SIGKILL'));
  await child.exited;
  await waitForHealth(standby.url, 'generating after the lease expired', (h) => h.generating, 20000);
  console.log(`  takeover after SIGKILL: ${Date.now() - killedAt} ms (the killed leader's lease TTL: 5000 ms)`);
  const resumedAt = (await health(standby.url)).lastEventId;
  await client.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) >= resumedAt + 200, 15000, `tick ${resumedAt + 200}`);
  // What the killed leader got into the feed is where the standby continued: the feed's only
  // pause (seconds of ts, while the lease ran out) marks the hand-over.
  const stream = await streamEvents(redis.url);
  const handover = stream.findIndex((t, i) => i > 0 && JSON.parse(t.json).ts - JSON.parse(stream[i - 1].json).ts > 1000);
  assert.ok(handover > 0, 'a pause in the feed marks the takeover');
  assertFeedContinues(client, stream[handover - 1].id);
});

test.run();

// Issue 9, failure 1: two `--role simulator` nodes and an edge; the standby lags (SIGSTOP) and
// Redis forgets the stream (FLUSHALL). The lagging standby used to win the lease and generate from
// its log, writing other ticks under ids the leader had already published: the edge's client got
// ticks that differ from both simulators' logs, silently. Now nobody generates on a forgotten
// stream until the replicas have claimed it (bounded wait): the standby, holding less, gives the
// lease to the ex-leader, which republishes its log and continues. Every log and the edge's client
// agree on every id, and the client never needed a reset.
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { contiguity, waitUntil } from '../helpers/http.ts';
import { logLine, startChildServer, stopChild, type ChildServer } from '../helpers/process.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { assertOneHistory, health } from './fixtures.ts';
import { flushWhileLeaderStopped, hold } from '../../../scripts/lib/faults.ts';

const test = redisSuite('a forgotten stream');
let redis: RedisHandle | undefined;
const children: ChildServer[] = [];
const servers: TestServer[] = [];
const connections: SseConnection[] = [];

test.after(async () => {
  for (const child of children) child.kill('SIGCONT');
  for (const conn of connections) conn.close();
  await Promise.all(children.map((child) => stopChild(child)));
  await Promise.all(servers.map((server) => server.close()));
  await redis?.stop();
});

const simulatorArgs = () => ['--role', 'simulator', '--redis', redis!.url, '--port', '0', '--interval', '20', '--symbols', 'AAPL,MSFT,NVDA,TSLA', '--seed', '5', '--db', `${tempDir()}/ticks.db`];

/** The length of a fault (how long a process stays stopped): part of the scenario, not a wait for something. */

async function generators(nodes: ChildServer[]): Promise<ChildServer[]> {
  const states = await Promise.all(nodes.map(async (node) => (await health(node.url)).generating));
  return nodes.filter((_, i) => states[i]);
}

test('FLUSHALL with a lagging standby: the most advanced replica re-establishes the stream; nothing diverges', async () => {
  ensureFrontendBuilt();
  redis = await startRedis();
  const nodes = [await startChildServer(simulatorArgs()), await startChildServer(simulatorArgs())];
  children.push(...nodes);
  const edge = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT,NVDA,TSLA' });
  servers.push(edge);
  const client = await connectSse(`${edge.url}/stream?lastEventId=0`);
  connections.push(client);
  const [leader] = await waitUntil(async () => {
    const found = await generators(nodes);
    return found.length === 1 ? found : undefined;
  }, 'one leader', 30_000);
  const standby = nodes.find((node) => node !== leader)!;
  await waitUntil(async () => (await health(leader.url)).lastEventId > 100 || undefined, 'the leader to generate');

  standby.kill('SIGSTOP');
  await hold(1000);
  // The leader is stopped too as Redis forgets, so that the lagging standby is the first to
  // find the stream gone and the lease free.
  await flushWhileLeaderStopped(redis.url, leader, standby);

  const before = (await health(leader.url)).lastEventId;
  await waitUntil(async () => ((await generators(nodes)).length === 1 ? true : undefined), 'one generator again', 30_000);
  const target = before + 200;
  for (const url of [nodes[0].url, nodes[1].url, edge.url]) {
    await waitUntil(async () => (await health(url)).lastEventId >= target || undefined, `${url} at ${target}`, 30_000);
  }
  await assertOneHistory([nodes[0].url, nodes[1].url, edge.url], [{ node: 'edge', conn: client }]);
  // Restored from the ex-leader, which held the most: the client's feed simply continued.
  const ids = marketEventsOf(client.events).map((t) => t.id);
  assert.is(contiguity(ids), null);
  assert.not.ok(client.events.some((e) => e.event === 'reset'), 'no reset was needed');
  // How: the standby found the stream forgotten first, saw the leader's higher claim and deferred.
  assert.ok(logLine(standby.stderr, 'leader.restore_deferred'), `the standby deferred:\n${standby.stderr}`);
  assert.is(logLine(leader.stderr, 'leader.restoring')?.level, 'warn', 'the ex-leader restored it under the same epoch');
});

test.run();

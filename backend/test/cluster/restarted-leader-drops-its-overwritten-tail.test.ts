// Issue 9, failure 2: a leader killed (-9) while Redis stalls writes (`CLIENT PAUSE 2500 WRITE`)
// holds committed ticks that never reached the stream; the new leader writes other ticks under
// those ids. The restarted ex-leader used to keep its own version and follow on top of it. Now a
// restarted follower checks its newest tick against the feed's, finds the feed holds another tick
// under that id, and starts over: afterwards every log agrees, and so does every client's capture.
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { waitUntil } from '../helpers/http.ts';
import { logLine, startChildServer, stopChild, type ChildServer } from '../helpers/process.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse, type SseConnection } from '../helpers/sse-client.ts';
import { assertOneHistory, health } from './fixtures.ts';
import { killLeaderDuringWriteStall } from '../../../scripts/lib/faults.ts';

const test = redisSuite('a leader killed during a write stall');
let redis: RedisHandle | undefined;
const children: ChildServer[] = [];
const servers: TestServer[] = [];
const connections: SseConnection[] = [];

test.after(async () => {
  for (const conn of connections) conn.close();
  await Promise.all(children.map((child) => stopChild(child)));
  await Promise.all(servers.map((server) => server.close()));
  await redis?.stop();
});

const simulatorArgs = (db: string) => ['--role', 'simulator', '--redis', redis!.url, '--port', '0', '--interval', '20', '--symbols', 'AAPL,MSFT,NVDA,TSLA', '--seed', '3', '--db', db];

test('the restarted ex-leader starts over instead of keeping ticks the new leader replaced', async () => {
  ensureFrontendBuilt();
  redis = await startRedis();
  const dbs = [`${tempDir()}/a.db`, `${tempDir()}/b.db`];
  const nodes = [await startChildServer(simulatorArgs(dbs[0])), await startChildServer(simulatorArgs(dbs[1]))];
  children.push(...nodes);
  const edge = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT,NVDA,TSLA' });
  servers.push(edge);
  const client = await connectSse(`${edge.url}/stream?lastEventId=0`);
  connections.push(client);
  const leaderIndex = await waitUntil(async () => {
    const states = await Promise.all(nodes.map(async (node) => (await health(node.url)).generating));
    return states.filter(Boolean).length === 1 ? states.indexOf(true) : undefined;
  }, 'one leader', 30_000);
  const leader = nodes[leaderIndex];
  const standby = nodes[1 - leaderIndex];
  await waitUntil(async () => (await health(leader.url)).lastEventId > 100 || undefined, 'the leader to generate');

  // The leader commits locally (local-first) while the stream cannot take its batches; the
  // standby takes over once the lease expires and writes its own events under those ids.
  const killedAt = await killLeaderDuringWriteStall(redis.url, leader);

  const restarted = await startChildServer(simulatorArgs(dbs[leaderIndex]));
  children.push(restarted);
  const target = (await health(standby.url)).lastEventId;
  for (const node of [restarted, standby]) await waitUntil(async () => (await health(node.url)).lastEventId >= target || undefined, `${node.url} at ${target}`, 30_000);
  await waitUntil(async () => (await health(edge.url)).lastEventId >= target || undefined, `the edge at ${target}`, 30_000);
  await assertOneHistory([restarted.url, standby.url, edge.url], [{ node: 'edge', conn: client }]);
  const startOver = logLine(restarted.stderr, 'follow.start_over');
  assert.is(startOver?.reason, 'diverged', `the restarted node said it started over:\n${restarted.stderr}`);
});

test.run();

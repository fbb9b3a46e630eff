// Issue 9, failure 3: two `--role all` nodes on one Redis (a user's mistake). The loser used to log
// one `redis.conflict`, publish nothing, and keep streaming its own ticks to its own clients with
// /healthz ok, so every shared id differed between them. Now the stream names its history (epoch):
// the node that finds another history on its stream stops generating, resets its clients to the
// cluster's history (a `reset` with reason `history` that clears their resume point), follows it,
// and reports the conflict in /healthz and /metrics. Plain integer resume points keep working, and
// a client that sends the old epoch gets `reset` instead of the new history's ticks under old ids.
import * as assert from 'uvu/assert';
import { getJson, waitForLastId } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES } from '../helpers/sse-client.ts';
import { assertOneHistory, health, metric, stopAfter, waitForHealth } from './fixtures.ts';

const test = redisSuite('a second generator on one stream');
let redis: RedisHandle | undefined;
const { servers, connections } = stopAfter(test, () => redis);

interface Healthz {
  status: string;
  generating: boolean;
  epoch: string;
  conflict: string | null;
  lastEventId: number;
}

test('the node that finds another history stops, resets its clients onto it and reports the conflict', async () => {
  redis = await startRedis();
  const first = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 1, redis: redis.url });
  servers.push(first);
  await waitForLastId(first.url, 30);
  const clusterEpoch = ((await health(first.url)) as unknown as Healthz).epoch;

  // Redis frozen while the second node starts: it generates locally (local-first) and its clients
  // receive its own ticks before it can learn of the other generator.
  process.kill(redis.pid, 'SIGSTOP');
  let second;
  let plain;
  let aware;
  try {
    second = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 2, redis: redis.url });
    servers.push(second);
    plain = await connectSse(`${second.url}/stream?lastEventId=0`);
    aware = await connectSse(`${second.url}/stream?lastEventId=0&epoch=`);
    connections.push(plain, aware);
    await plain.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 10);
    await aware.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 10);
  } finally {
    process.kill(redis.pid, 'SIGCONT');
  }

  const h = (await waitForHealth(second.url, 'the second node to report the conflict', (x) => x.status === 'conflict')) as unknown as Healthz;
  assert.is(h.conflict, 'history');
  assert.match(clusterEpoch, /^[0-9a-f]{16}$/);
  const ownEpoch = JSON.parse((await aware.waitFor((e) => e.event === 'history')).data).epoch;
  assert.is.not(ownEpoch, clusterEpoch, 'a fresh log starts a history of its own');
  assert.is((await getJson(`${second.url}/healthz`)).status, 503);
  assert.is(await metric(second.url, 'ticktape_history_conflict'), 1);
  assert.is(await metric(second.url, 'ticktape_history_conflicts_total'), 1);
  assert.is(((await health(first.url)) as unknown as Healthz).status, 'ok', 'the first generator carries on');

  // Its clients were told, and their resume point cleared, so a reconnect gets a snapshot.
  for (const conn of [plain, aware]) {
    const reset = await conn.waitFor((e) => e.event === 'reset');
    assert.equal(JSON.parse(reset.data).reason, 'history');
    assert.is(JSON.parse(reset.data).epoch, clusterEpoch);
    assert.is(reset.lastEventId, '', 'the reset clears the last event ID');
    await conn.ended;
  }

  // It follows the cluster's history now and generates nothing of its own.
  await waitForHealth(second.url, 'the second node to follow the first', (x) => (x as unknown as Healthz).epoch === clusterEpoch && x.lastEventId > 50);
  assert.is(((await health(second.url)) as unknown as Healthz).generating, false);
  const after = await connectSse(`${second.url}/stream?lastEventId=0`);
  connections.push(after);
  await after.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 40);
  await assertOneHistory([first.url, second.url], [
    { node: 'second (plain)', conn: plain },
    { node: 'second (epoch-aware)', conn: aware },
    { node: 'second (after)', conn: after },
  ]);

  // A resume point of the old history, with its epoch: reset, then a snapshot of the new one.
  const stale = await connectSse(`${second.url}/stream?epoch=${ownEpoch}`, { 'Last-Event-ID': '5' });
  connections.push(stale);
  const reset = await stale.waitFor((e) => e.event === 'reset' || MARKET_EVENT_NAMES.has(e.event));
  assert.is(reset.event, 'reset');
  assert.equal(JSON.parse(reset.data).reason, 'history');
  await stale.waitFor((e) => e.event === 'snapshot');
  // The same id without an epoch is a plain resume point, as ever: a replay from 6.
  const replay = await connectSse(`${second.url}/stream`, { 'Last-Event-ID': '5' });
  connections.push(replay);
  assert.is((await replay.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) || e.event === 'reset')).id, '6');
  // And a malformed epoch is a 400 naming it.
  const bad = await getJson(`${second.url}/stream?epoch=xyz`);
  assert.equal([bad.status, bad.body.code], [400, 'BAD_EPOCH']);
});

test.run();

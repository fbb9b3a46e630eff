// `--role all` with Redis is local-first: a Redis crash does not stop it generating or streaming
// to its own clients; it says Redis is down (once in its log, in /healthz and /metrics), and when
// Redis returns (empty: the test server has no persistence) it puts every tick back into the
// stream, so an edge started afterwards serves exactly what the all node holds.
import * as assert from 'uvu/assert';
import { createRecordingLogger } from '../bus/fixtures.ts';
import { contiguity, waitForLastId, waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { health, metric, nodeEvents, range, streamEvents, waitForHealth, stopAfter } from './fixtures.ts';

const test = redisSuite('role all through a Redis outage');

let redis: RedisHandle | undefined;
const { servers, connections } = stopAfter(test, () => redis);

test('SIGKILL Redis mid-stream: the client keeps getting contiguous ticks, Redis is reported down, then caught up exactly once', async () => {
  redis = await startRedis();
  const recorder = createRecordingLogger();
  const all = await startTestServer({ interval: 10, symbols: 'AAPL,MSFT,NVDA', seed: 5, redis: redis.url }, { logger: recorder.logger });
  servers.push(all);
  const client = await connectSse(`${all.url}/stream`);
  connections.push(client);
  await client.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 60);
  await waitUntil(async () => (await streamEvents(redis!.url)).length >= 60, 'the stream to hold 60 ticks');

  await redis.kill();
  const atKill = all.log.lastId();
  const down = await waitForHealth(all.url, 'redis down', (h) => h.redis === 'down');
  assert.is(down.status, 'ok');
  assert.is(down.generating, true, 'still generating through the outage');
  assert.is(await metric(all.url, 'ticktape_bus_up'), 0);
  // The client keeps receiving while Redis is gone (several reconnect attempts' worth).
  await client.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) >= atKill + 150, 15000, `tick ${atKill + 150} during the outage`);
  assert.is((await health(all.url)).redis, 'down');

  await redis.restart();
  await waitForHealth(all.url, 'redis up', (h) => h.redis === 'up');
  assert.is(await metric(all.url, 'ticktape_bus_up'), 1);
  const afterRestart = all.log.lastId();
  await waitUntil(async () => {
    const ticks = await streamEvents(redis!.url);
    return ticks.length > 0 && ticks[ticks.length - 1].id >= afterRestart + 30;
  }, 'the stream to be caught up past the restart');

  // Every id from 1 to the stream's newest, exactly once, with the log's bytes.
  const stream = await streamEvents(redis.url);
  const newest = stream[stream.length - 1].id;
  assert.equal(stream.map((t) => t.id), range(1, newest), 'stream: every id once, in order');
  const logged = await nodeEvents(all.url, newest);
  assert.equal(stream.map((t) => JSON.stringify(JSON.parse(t.json))), logged.map((t) => t.json), 'stream holds the log verbatim');

  assert.is(recorder.count('redis.down'), 1, 'the outage is logged once, not per retry or per tick');

  const ids = marketEventsOf(client.events).map((t) => t.id);
  assert.is(contiguity(ids), null);
  assert.ok(ids[ids.length - 1] > afterRestart, 'the client is live after the restart');
  assert.not.ok(client.events.some((e) => e.event === 'reset'));

  // An edge started now serves the very same ticks as the all node, id for id.
  const edge = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT,NVDA' });
  servers.push(edge);
  const target = all.log.lastId();
  await waitForLastId(edge.url, target, 15000);
  const fromEdge = await nodeEvents(edge.url, target);
  const fromAll = await nodeEvents(all.url, target);
  assert.is(fromEdge.length, target);
  assert.equal(fromEdge, fromAll, 'edge and all node hold identical ticks');
});

test.run();

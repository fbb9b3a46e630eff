// An edge whose log ends before the oldest tick the stream still holds (it was away while the
// stream was trimmed) cannot continue gap-free. It must not serve a hole: it says so loudly,
// clears its log and follows from the oldest tick the stream retains. Clients resuming from its
// old ids get `reset` "expired" and a snapshot; from then on it serves the feed like any edge.
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import { createRecordingLogger } from '../bus/fixtures.ts';
import { contiguity, waitForLastId, waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { health, nodeEvents, STREAM_KEY, streamEvents, stopAfter } from './fixtures.ts';

const test = redisSuite('an edge behind the stream\'s retained range');

let redis: RedisHandle | undefined;
const { servers, connections } = stopAfter(test, () => redis);

test('an edge restarted after the stream was trimmed past its log starts over from the oldest retained tick', async () => {
  redis = await startRedis();
  const all = await startTestServer({ interval: 5, 'max-events-per-second': 2000, symbols: 'AAPL,MSFT,NVDA', seed: 8, redis: redis.url });
  servers.push(all);
  const first = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT,NVDA' });
  await waitForLastId(first.url, 300);
  await first.close();
  const away = first.log.lastId();

  // While the edge is down the feed moves on and the stream is trimmed well past its log.
  await waitForLastId(all.url, away + 1500);
  const trimFrom = away + 1000;
  const raw = new Redis(redis.url);
  try {
    await raw.xtrim(STREAM_KEY, 'MINID', `${trimFrom}-0`);
  } finally {
    raw.disconnect();
  }
  assert.is((await streamEvents(redis.url))[0].id, trimFrom);

  const recorder = createRecordingLogger();
  const edge = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT,NVDA', db: first.db }, { logger: recorder.logger });
  servers.push(edge);
  await waitUntil(() => recorder.count('follow.start_over') === 1, 'the edge to start over');
  const startOver = recorder.entries.find((entry) => entry.event === 'follow.start_over')!;
  assert.is(startOver.level, 'error');
  assert.is(startOver.fields.reason, 'feed-gap');
  // A restarted edge re-reads its newest tick to check it against the feed's, so it wants that one.
  assert.is(startOver.fields.wantedId, away);
  assert.is(startOver.fields.availableId, trimFrom);

  await waitForLastId(edge.url, all.log.lastId());
  const h = await health(edge.url);
  assert.is(h.status, 'ok');
  assert.is(h.oldestEventId, trimFrom, 'the log starts where the stream does: no hole inside it');
  const served = await nodeEvents(edge.url, h.lastEventId, trimFrom - 1);
  assert.is(contiguity(served.map((t) => t.id)), null);
  assert.equal(served, await nodeEvents(all.url, h.lastEventId, trimFrom - 1));

  // A client resuming from the edge's old position is told it expired, then gets a snapshot.
  const client = await connectSse(`${edge.url}/stream`, { 'Last-Event-ID': String(away) });
  connections.push(client);
  const reset = await client.waitFor((e) => e.event === 'reset');
  assert.equal(JSON.parse(reset.data).reason, 'expired');
  assert.is(JSON.parse(reset.data).oldestId, trimFrom);
  await client.waitFor((e) => e.event === 'snapshot');
  await client.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 30);
  assert.is(contiguity(marketEventsOf(client.events).map((t) => t.id)), null);
  assert.is(recorder.count('follow.start_over'), 1, 'started over once, then follows normally');
});

test.run();

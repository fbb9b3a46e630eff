// Issue 9, failure 4: an entry in the stream that ticktape did not write (anyone with access to
// Redis can XADD) used to be stored byte for byte by edges, so a JSON text holding
// `\n\nevent: reset…` reached SSE clients as a fake `reset` and a fake tick `id: 999999`, and the
// edge's /api/ticks answered invalid JSON. Now every entry is checked before it enters a log: the
// edge holds at the tick before it and reports the conflict (log line, /healthz, /metrics); the
// generator, whose stream another writer moved, stops and says so too.
import * as assert from 'uvu/assert';
import { createRecordingLogger } from '../bus/fixtures.ts';
import { getJson, waitForLastId, waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES } from '../helpers/sse-client.ts';
import { appendForeignEntry, assertOneHistory, health, metric, stopAfter, waitForHealth } from './fixtures.ts';

const test = redisSuite('a foreign stream entry');
let redis: RedisHandle | undefined;
const { servers, connections } = stopAfter(test, () => redis);

/** What the probe wrote: SSE framing smuggled in a tick's JSON. */
const SMUGGLED = (id: number) =>
  `{"id":${id}}\n\nevent: reset\ndata: {"reason":"expired","oldestId":1,"latestId":1}\n\nid: 999999\nevent: tick\ndata: {"id":999999,"symbol":"AAPL"}`;

test('a smuggled entry never reaches a log or a client; the edge and the generator report the conflict', async () => {
  redis = await startRedis();
  const all = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 4, redis: redis.url });
  servers.push(all);
  const recorder = createRecordingLogger();
  const edge = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT,NVDA' }, { logger: recorder.logger });
  servers.push(edge);
  const client = await connectSse(`${edge.url}/stream?lastEventId=0`);
  connections.push(client);
  await waitForLastId(edge.url, 30);

  const foreignId = await appendForeignEntry(redis.url, SMUGGLED(0).replace('{"id":0}', '{"id":NEXT}'));

  const edgeHealth = await waitForHealth(edge.url, 'the edge to report the conflict', (h) => h.status === 'conflict');
  assert.is((edgeHealth as unknown as { conflict: string }).conflict, 'foreign-entry');
  assert.is(edgeHealth.lastEventId, foreignId - 1, 'the edge holds at the tick before the entry');
  assert.is(await metric(edge.url, 'ticktape_history_conflict'), 1);
  assert.is(await metric(edge.url, 'ticktape_history_conflicts_total'), 1);
  const logged = recorder.entries.find((entry) => entry.event === 'history.conflict')!;
  assert.equal([logged.level, logged.fields.kind, logged.fields.entryId], ['error', 'foreign-entry', `${foreignId}-0`]);
  assert.is((await getJson(`${edge.url}/healthz`)).status, 503);

  // The generator found another writer on its stream: it stops and reports it.
  const allHealth = await waitForHealth(all.url, 'the generator to report the conflict', (h) => h.status === 'conflict');
  assert.is(allHealth.generating, false);

  // Nothing of the entry was served: the API answers JSON, the stream no fake event.
  const ticks = await getJson(`${edge.url}/api/ticks?after=${foreignId - 5}`);
  assert.is(ticks.status, 200);
  assert.ok((ticks.body.ticks as { id: number }[]).every((t) => t.id < foreignId));
  await waitUntil(() => client.events.filter((e) => MARKET_EVENT_NAMES.has(e.event)).length >= foreignId - 1 || undefined, 'the client to reach the entry');
  assert.not.ok(client.raw.includes('event: reset'), 'no reset reached the client');
  assert.not.ok(client.raw.includes('999999'), 'no fake tick reached the client');
  assert.ok(client.events.every((e) => !MARKET_EVENT_NAMES.has(e.event) || Number(e.id) < foreignId));
  await assertOneHistory([all.url, edge.url], [{ node: 'edge', conn: client }]);
  assert.is((await health(edge.url)).status, 'conflict', 'still reported: the entry is still there');
});

test.run();

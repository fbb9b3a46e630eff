// An edge serves the universe of the feed it follows, not its own options: it is started without
// the generator's --symbols and still accepts `symbols=` for the generator's symbols (and refuses
// others), and its /api/symbols is the generator's.
import * as assert from 'uvu/assert';
import { getJson, waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';

import { stopAfter } from './fixtures.ts';

const test = redisSuite('an edge adopts the cluster universe');

let redis: RedisHandle | undefined;
const { servers, connections } = stopAfter(test, () => redis);

test('an edge with default options serves and validates against the generator universe', async () => {
  redis = await startRedis();
  const all = await startTestServer({ interval: 20, symbols: 'QAA:50,AAPL', seed: 2, redis: redis.url });
  servers.push(all);
  const edge = await startTestServer({ role: 'edge', redis: redis.url });
  servers.push(edge);

  const expected = (await getJson(`${all.url}/api/symbols`)).body;
  await waitUntil(async () => JSON.stringify((await getJson(`${edge.url}/api/symbols`)).body) === JSON.stringify(expected), 'the edge to adopt the universe');

  const conn = await connectSse(`${edge.url}/stream?symbols=qaa`);
  connections.push(conn);
  assert.is(conn.status, 200, 'a symbol only the generator was given is accepted');
  const events = await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 5);
  // QAA's trades and quotes, and the status events that pass every symbol filter.
  assert.ok(events.every((e) => e.event === 'status' || JSON.parse(e.data).symbol === 'QAA'));
  assert.ok(marketEventsOf(conn.events).length >= 5);

  const refused = await getJson(`${edge.url}/api/quotes?symbols=MSFT`);
  assert.is(refused.status, 400, 'a built-in symbol the generator does not simulate is refused');
  assert.is(refused.body.code, 'UNKNOWN_SYMBOL');
  assert.is((await getJson(`${edge.url}/api/quotes?symbols=QAA`)).status, 200);
});

test.run();

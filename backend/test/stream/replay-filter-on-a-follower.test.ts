// A replay with a symbol filter gets only those symbols, whoever filled the log: here a log written
// by an `all` node and read by edges that never generated: one that followed it through Redis,
// and one started on the finished log with the stream gone.
import * as assert from 'uvu/assert';
import { waitForLastId } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer } from '../helpers/server.ts';
import { connectSse, ticksOf } from '../helpers/sse-client.ts';
import { stopAfter } from '../cluster/fixtures.ts';

const test = redisSuite('a filtered replay on a node that has not generated');
let redis: RedisHandle | undefined;
const { servers, connections } = stopAfter(test, () => redis);

const SYMBOLS = 'AAPL,MSFT,NVDA,TSLA';

async function replayed(url: string, upTo: number) {
  const conn = await connectSse(`${url}/stream?lastEventId=0&symbols=AAPL`);
  connections.push(conn);
  await conn.waitFor((e) => e.event === 'tick' && Number(e.id) >= upTo - 3, 20000, `AAPL ticks up to ${upTo}`);
  return ticksOf(conn.events).filter((t) => t.id <= upTo);
}

test('?lastEventId=0&symbols=AAPL replays AAPL only, on an edge that followed and on one started on the log', async () => {
  redis = await startRedis();
  const all = await startTestServer({ symbols: SYMBOLS, redis: redis.url, interval: 20, seed: 3 });
  servers.push(all);
  const edge = await startTestServer({ role: 'edge', redis: redis.url });
  servers.push(edge);
  await waitForLastId(edge.url, 400, 20000);
  const upTo = edge.log.lastId();
  const ticks = await replayed(edge.url, upTo);
  assert.ok(ticks.length > 50, `${ticks.length} AAPL ticks`);
  assert.equal([...new Set(ticks.map((t) => t.symbol))], ['AAPL']);

  // The all node stops; a fresh edge on its finished log, with nothing new to follow.
  await all.close();
  const db = all.db;
  const late = await startTestServer({ role: 'edge', redis: redis.url, db });
  servers.push(late);
  const lateTicks = await replayed(late.url, Math.min(upTo, late.log.lastId()));
  assert.equal([...new Set(lateTicks.map((t) => t.symbol))], ['AAPL']);
});

test.run();

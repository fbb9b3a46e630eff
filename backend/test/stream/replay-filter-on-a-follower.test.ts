// A replay with a symbol filter gets only those symbols' events (and the market-wide status events,
// which pass every symbol filter), whoever filled the log: here a log written by an `all` node and
// read by edges that never generated: one that followed it through Redis, and one started on the
// finished log with the stream gone.
import * as assert from 'uvu/assert';
import { waitForLastId } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';
import { startTestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf } from '../helpers/sse-client.ts';
import type { TicktapeServer } from '../../server.ts';
import { stopAfter } from '../cluster/fixtures.ts';

const test = redisSuite('a filtered replay on a node that has not generated');
let redis: RedisHandle | undefined;
const { servers, connections } = stopAfter(test, () => redis);

const SYMBOLS = 'AAPL,MSFT,NVDA,TSLA';

/** The ids of the events a `?symbols=AAPL` replay from 0 gets, up to `upTo` (the server's log holds them). */
async function replayed(server: TicktapeServer, upTo: number): Promise<number[]> {
  // What the filter selects, by brute force over the node's whole log: AAPL's events and status events.
  const wanted = server.log
    .readAfter(0, null, upTo)
    .filter((e) => e.id <= upTo && (e.symbol === 'AAPL' || e.kind === 'status'))
    .map((e) => e.id);
  const conn = await connectSse(`${server.url}/stream?lastEventId=0&symbols=AAPL`);
  connections.push(conn);
  await conn.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) >= wanted.at(-1)!, 20000, `AAPL events up to ${wanted.at(-1)}`);
  const events = marketEventsOf(conn.events).filter((t) => t.id <= upTo);
  assert.ok(events.every((t) => t.symbol === 'AAPL' || (t.kind === 'status' && t.symbol === undefined)), 'AAPL and status events only');
  assert.equal(events.map((t) => t.id), wanted, 'every one of them, in order');
  return wanted;
}

test('?lastEventId=0&symbols=AAPL replays AAPL only, on an edge that followed and on one started on the log', async () => {
  redis = await startRedis();
  const all = await startTestServer({ symbols: SYMBOLS, redis: redis.url, interval: 20, seed: 3 });
  servers.push(all);
  const edge = await startTestServer({ role: 'edge', redis: redis.url });
  servers.push(edge);
  await waitForLastId(edge.url, 400, 20000);
  const upTo = edge.log.lastId();
  const ids = await replayed(edge, upTo);
  assert.ok(ids.length > 50, `${ids.length} AAPL events`);

  // The all node stops; a fresh edge on its finished log, with nothing new to follow.
  await all.close();
  const db = all.db;
  const late = await startTestServer({ role: 'edge', redis: redis.url, db });
  servers.push(late);
  const lateIds = await replayed(late, Math.min(upTo, late.log.lastId()));
  assert.ok(lateIds.length > 50, `${lateIds.length} AAPL events`);
});

test.run();

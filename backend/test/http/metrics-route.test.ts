// GET /metrics: Prometheus text, with the feed's counters and gauges present and moving as the
// feed does: ticks generated, events delivered (live and replayed), connected clients, slow-client
// disconnects, bus state and publish errors, log size and id range.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf } from '../helpers/sse-client.ts';
import { getJson, waitForLastId, waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';
import { parseMetrics } from './fixtures.ts';

const METRICS = [
  'ticktape_ticks_generated_total',
  'ticktape_generating',
  'ticktape_events_delivered_total',
  'ticktape_replayed_events_total',
  'ticktape_slow_client_disconnects_total',
  'ticktape_stream_clients',
  'ticktape_bus_up',
  'ticktape_bus_published_total',
  'ticktape_bus_publish_errors_total',
  'ticktape_log_events',
  'ticktape_log_oldest_id',
  'ticktape_log_last_id',
  'ticktape_log_bytes',
  'ticktape_log_healthy',
];

let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 1, retention: 100_000 });
  await waitForLastId(server.url, 4);
});
test.after(() => server.close());

async function scrape(s: TestServer = server): Promise<Map<string, number>> {
  const res = await fetch(`${s.url}/metrics`);
  assert.is(res.status, 200);
  return parseMetrics(await res.text());
}

test('answers Prometheus text with every feed metric, typed, with help', async () => {
  const res = await fetch(`${server.url}/metrics`);
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const samples = parseMetrics(text);
  for (const name of METRICS) {
    assert.ok(samples.has(name), `${name} is exposed`);
    assert.ok(Number.isFinite(samples.get(name)), `${name} has a number`);
    assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'));
    assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge)$`, 'm'));
  }
  assert.match(text, /^# TYPE ticktape_ticks_generated_total counter$/m);
  assert.match(text, /^# TYPE ticktape_stream_clients gauge$/m);
});

test('ticks generated and the log\'s id range and size move with the feed', async () => {
  const before = await scrape();
  assert.is(before.get('ticktape_generating'), 1);
  assert.is(before.get('ticktape_log_healthy'), 1);
  assert.is(before.get('ticktape_log_oldest_id'), 1);
  assert.ok(before.get('ticktape_log_bytes')! > 0, 'the database file has a size');
  // A fresh log written only by this process: every id in it was generated here, as a tick, a
  // quote or a status event, and ticks are also counted under the name they had before kinds.
  const byKind = (m: Map<string, number>, kind: string) => m.get(`ticktape_events_generated_total{kind="${kind}"}`) ?? NaN;
  const generated = byKind(before, 'tick') + byKind(before, 'quote') + byKind(before, 'status');
  assert.is(generated, before.get('ticktape_log_last_id'));
  assert.is(before.get('ticktape_ticks_generated_total'), byKind(before, 'tick'));
  assert.ok(byKind(before, 'quote') > 0 && byKind(before, 'status') >= 1, 'quotes and the opening status were generated');
  assert.is(before.get('ticktape_log_events'), before.get('ticktape_log_last_id')! - before.get('ticktape_log_oldest_id')! + 1);

  const lastId = before.get('ticktape_log_last_id')!;
  await waitForLastId(server.url, lastId + 200);
  const after = await scrape();
  assert.ok(byKind(after, 'tick') + byKind(after, 'quote') + byKind(after, 'status') >= generated + 200);
  assert.ok(after.get('ticktape_ticks_generated_total')! > before.get('ticktape_ticks_generated_total')!);
  assert.ok(after.get('ticktape_log_last_id')! >= lastId + 200);
  assert.ok(after.get('ticktape_log_events')! >= before.get('ticktape_log_events')! + 200);
  assert.ok(after.get('ticktape_log_bytes')! >= before.get('ticktape_log_bytes')!, 'the log does not shrink while it grows');
  assert.is((await getJson(`${server.url}/healthz`)).body.oldestEventId, after.get('ticktape_log_oldest_id'));
});

test('connected clients and events delivered follow a client reading live events', async () => {
  const before = await scrape();
  assert.is(before.get('ticktape_stream_clients'), 0);
  const conn = await connectSse(`${server.url}/stream`);
  await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 20);
  const during = await scrape();
  assert.is(during.get('ticktape_stream_clients'), 1);
  assert.ok(
    during.get('ticktape_events_delivered_total')! >= before.get('ticktape_events_delivered_total')! + 20,
    `delivered ${before.get('ticktape_events_delivered_total')} → ${during.get('ticktape_events_delivered_total')}`,
  );
  assert.is(during.get('ticktape_replayed_events_total'), before.get('ticktape_replayed_events_total'), 'a live client replays nothing');
  conn.close();
  await waitUntil(async () => (await scrape()).get('ticktape_stream_clients') === 0, 'the client count to drop to 0');
});

test('replayed events grow by what a resuming client is replayed', async () => {
  const before = await scrape();
  const newest = before.get('ticktape_log_last_id')!;
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': String(newest - 50) });
  await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 60);
  conn.close();
  assert.is(marketEventsOf(conn.events)[0].id, newest - 49);
  const after = await scrape();
  const replayed = after.get('ticktape_replayed_events_total')! - before.get('ticktape_replayed_events_total')!;
  assert.ok(replayed >= 50, `at least the 50 events behind the newest id were replayed, got ${replayed}`);
  assert.ok(after.get('ticktape_events_delivered_total')! - before.get('ticktape_events_delivered_total')! >= 60, 'replayed events count as delivered');
});

test('slow-client disconnects count a client cut off for not reading', async () => {
  // A small cap so the kernel's socket buffers fill quickly; the mechanism is the one at 1 MiB.
  // Up to 12 events a 2 ms step: the default budget (one a step) would take far longer to fill them.
  const fast = await startTestServer({ interval: 2, seed: 9, 'max-events-per-second': 6000 }, { maxClientBufferBytes: 64 * 1024 });
  try {
    assert.is((await scrape(fast)).get('ticktape_slow_client_disconnects_total'), 0);
    const stalled = await connectSse(`${fast.url}/stream`);
    stalled.pause();
    await waitUntil(async () => (await scrape(fast)).get('ticktape_slow_client_disconnects_total') === 1, 'a slow-client disconnect', 20_000);
    assert.is((await scrape(fast)).get('ticktape_stream_clients'), 0);
    stalled.close();
  } finally {
    await fast.close();
  }
});

test('the in-process bus counts as up, with no publish errors', async () => {
  const samples = await scrape();
  assert.is(samples.get('ticktape_bus_up'), 1);
  assert.is(samples.get('ticktape_bus_publish_errors_total'), 0);
});

test('a log closed underneath the server shows as unhealthy; the scrape still answers', async () => {
  const victim = await startTestServer({ interval: 20, symbols: 'AAPL', seed: 1 });
  try {
    await waitForLastId(victim.url, 1);
    victim.log.close();
    assert.is((await scrape(victim)).get('ticktape_log_healthy'), 0);
  } finally {
    await victim.close();
  }
});

test.run();

// With Redis: the bus gauge follows the connection, publishes are counted, and a batch Redis
// refuses (a second writer on the same feed) counts as a publish error.
const withRedis = redisSuite('metrics of the Redis bus');

withRedis('bus up, published, down while Redis is away, up again after', async () => {
  const redis = await startRedis();
  const node = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 1, redis: redis.url });
  try {
    await waitUntil(async () => (await scrape(node)).get('ticktape_bus_published_total')! >= 10, 'ticks to be published');
    const up = await scrape(node);
    assert.is(up.get('ticktape_bus_up'), 1);
    assert.is(up.get('ticktape_bus_publish_errors_total'), 0);
    assert.is((await getJson(`${node.url}/healthz`)).body.redis, 'up');

    await redis.kill();
    await waitUntil(async () => (await scrape(node)).get('ticktape_bus_up') === 0, 'the bus gauge to drop to 0');
    assert.is((await getJson(`${node.url}/healthz`)).body.redis, 'down');
    assert.is((await scrape(node)).get('ticktape_generating'), 1, 'local-first: the node keeps generating');

    await redis.restart();
    await waitUntil(async () => (await scrape(node)).get('ticktape_bus_up') === 1, 'the bus gauge to return to 1', 20_000);
  } finally {
    await node.close();
    await redis.stop();
  }
});

withRedis('a second writer on the same feed counts publish errors', async () => {
  const redis = await startRedis();
  const first = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 1, redis: redis.url });
  let second: TestServer | undefined;
  try {
    await waitUntil(async () => (await scrape(first)).get('ticktape_bus_published_total')! >= 10, 'the first node to publish');
    second = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 2, redis: redis.url });
    const s = second;
    await waitUntil(async () => (await scrape(s)).get('ticktape_bus_publish_errors_total')! >= 1, 'the second node\'s publish errors to grow');
  } finally {
    await second?.close();
    await first.close();
    await redis.stop();
  }
});

withRedis.run();

// GET /metrics as Prometheus and standard dashboards read it: prom-client's default metrics under
// prom-client's own names (no prefix), a write-latency histogram observed once per batch, HTTP
// request counts by route pattern, method and status, one registry per server, and an exposition
// that Prometheus' own parser (`promtool check metrics`) accepts.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { WRITE_LATENCY_BUCKETS } from '../../metrics.ts';
import { getJson, postJson, waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf } from '../helpers/sse-client.ts';
import { parseMetrics } from './fixtures.ts';

const TOKEN = 'metrics-test-token';
const LATENCY = 'ticktape_tick_write_latency_seconds';

let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 2, 'admin-token': TOKEN });
});
test.after(() => server.close());

async function exposition(s: TestServer = server): Promise<string> {
  const res = await fetch(`${s.url}/metrics`);
  assert.is(res.status, 200);
  return res.text();
}

/** `# TYPE name kind` lines of an exposition, as a map. */
function types(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

const requests = (route: string, method: string, status: number) =>
  `ticktape_http_requests_total{route="${route}",method="${method}",status="${status}"}`;

test("prom-client's default metrics keep prom-client's own names and types, with no prefix", async () => {
  // What prom-client itself names them: a registry of its own, in this process, is the reference.
  const reference = new Registry();
  collectDefaultMetrics({ register: reference });
  const expected = types(await reference.metrics());
  assert.ok(expected.has('process_cpu_seconds_total') && expected.has('nodejs_heap_size_used_bytes'), 'the reference has the usual names');

  const text = await exposition();
  const exposed = types(text);
  for (const [name, type] of expected) assert.is(exposed.get(name), type, `${name} is exposed as a ${type}`);
  assert.not.match(text, /ticktape_process_|process_process_/, 'no prefixed or doubled default names');
  assert.ok(parseMetrics(text).get('process_cpu_seconds_total')! > 0, 'the process metrics have values');
});

test('the write-latency histogram counts each batch written to clients once, however many clients', async () => {
  const before = parseMetrics(await exposition());
  const clients = await Promise.all([connectSse(`${server.url}/stream`), connectSse(`${server.url}/stream`), connectSse(`${server.url}/stream?symbols=AAPL`)]);
  await Promise.all(clients.map((c) => c.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 20)));
  // Stop generating, let every client reach the head, then count what they were sent live.
  assert.is((await postJson(`${server.url}/api/admin/pause`, {}, { Authorization: `Bearer ${TOKEN}` })).status, 200);
  const head = (await getJson(`${server.url}/healthz`)).body.lastEventId as number;
  // The AAPL client's head: the newest AAPL event, or status event (market-wide, it passes every symbol filter).
  const aaplHead = server.log
    .readAfter(Math.max(0, head - 1000), null, 1000)
    .filter((e) => e.symbol === 'AAPL' || e.kind === 'status')
    .at(-1)!.id;
  await Promise.all(clients.map((c, i) => c.waitFor((e) => Number(e.id) === (i < 2 ? head : aaplHead), 10000, 'the head')));
  const after = parseMetrics(await exposition());
  for (const c of clients) c.close();
  assert.is((await postJson(`${server.url}/api/admin/resume`, {}, { Authorization: `Bearer ${TOKEN}` })).status, 200);

  // A batch is one scheduler slot: its events share a `ts`. Every batch since the first client went
  // live reached at least the unfiltered clients, so the batches they saw are the ones written.
  const batches = new Set(clients.flatMap((c) => marketEventsOf(c.events).map((t) => t.ts)));
  const observed = after.get(`${LATENCY}_count`)! - (before.get(`${LATENCY}_count`) ?? 0);
  assert.is(observed, batches.size, `one observation per batch (${batches.size}), not per client`);

  // A well-formed histogram: our bounds, cumulative, +Inf equal to the count, a non-negative sum.
  let previous = 0;
  for (const le of WRITE_LATENCY_BUCKETS) {
    const count = after.get(`${LATENCY}_bucket{le="${le}"}`);
    assert.ok(count !== undefined && count >= previous, `bucket le=${le} is there and cumulative`);
    previous = count!;
  }
  assert.is(after.get(`${LATENCY}_bucket{le="+Inf"}`), after.get(`${LATENCY}_count`));
  assert.ok(after.get(`${LATENCY}_sum`)! >= 0);
});

test('no client, no observation: a batch written to nobody is not measured', async () => {
  await waitUntil(async () => (await getJson(`${server.url}/healthz`)).body.clients === 0, 'no client connected');
  const before = parseMetrics(await exposition()).get(`${LATENCY}_count`);
  const lastId = (await getJson(`${server.url}/healthz`)).body.lastEventId as number;
  await waitUntil(async () => (await getJson(`${server.url}/healthz`)).body.lastEventId >= lastId + 20, '10 more batches');
  assert.is(parseMetrics(await exposition()).get(`${LATENCY}_count`), before);
});

test('HTTP requests are counted by route pattern, method and status', async () => {
  const before = parseMetrics(await exposition());
  await fetch(`${server.url}/healthz`);
  await fetch(`${server.url}/healthz`);
  await fetch(`${server.url}/assets/one-file.js`);
  await fetch(`${server.url}/assets/another-file.js`);
  await fetch(`${server.url}/api/ticks?after=nope`);
  await fetch(`${server.url}/no/such/route`);
  await fetch(`${server.url}/healthz`, { method: 'POST' });
  await fetch(`${server.url}/stream`, { method: 'OPTIONS', headers: { Origin: 'http://elsewhere.example', 'Access-Control-Request-Method': 'GET' } });
  const after = parseMetrics(await exposition());
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

  assert.is(delta(requests('/healthz', 'GET', 200)), 2);
  assert.is(delta(requests('/assets/:file', 'GET', 404)), 2, 'one series for every asset path');
  assert.is(delta(requests('/api/ticks', 'GET', 400)), 1);
  assert.is(delta(requests('unmatched', 'GET', 404)), 1);
  assert.is(delta(requests('/healthz', 'POST', 405)), 1, 'a 405 names the route whose path matched');
  assert.is(delta(requests('/stream', 'OPTIONS', 204)), 1, 'a preflight names its route');
  assert.not.ok([...after.keys()].some((key) => key.includes('one-file') || key.includes('no/such')), 'no raw path becomes a label');
  assert.is(types(await exposition()).get('ticktape_http_requests_total'), 'counter');
});

test('an SSE stream counts once, with its 200, and a refused one with its 400', async () => {
  const before = parseMetrics(await exposition());
  const conn = await connectSse(`${server.url}/stream?symbols=AAPL`);
  await conn.waitFor((e) => e.event === 'snapshot');
  conn.close();
  await connectSse(`${server.url}/stream?symbols=NOPE`).then((c) => c.ended);
  const after = parseMetrics(await exposition());
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  assert.is(delta(requests('/stream', 'GET', 200)), 1);
  assert.is(delta(requests('/stream', 'GET', 400)), 1);
});

test('two servers in one process keep separate registries', async () => {
  const other = await startTestServer({ interval: 20, symbols: 'AAPL', seed: 3 });
  try {
    const before = parseMetrics(await exposition(other)).get(requests('/healthz', 'GET', 200)) ?? 0;
    for (let i = 0; i < 3; i++) await fetch(`${other.url}/healthz`);
    const mine = parseMetrics(await exposition()).get(requests('/healthz', 'GET', 200));
    const theirs = parseMetrics(await exposition(other));
    assert.is(theirs.get(requests('/healthz', 'GET', 200)), before + 3);
    assert.is(parseMetrics(await exposition()).get(requests('/healthz', 'GET', 200)), mine, "the other server's requests are not counted here");
    assert.ok(theirs.has('process_cpu_seconds_total'), 'default metrics on both registries');
  } finally {
    await other.close();
  }
});

// `promtool` is Prometheus' own tool (Debian: `apt-get install --no-install-recommends prometheus`).
const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool && process.env.TICKTAPE_REQUIRE_PROMTOOL === '1') {
  throw new Error('TICKTAPE_REQUIRE_PROMTOOL=1 but promtool is not on PATH (apt-get install --no-install-recommends prometheus)');
}

(promtool ? test : test.skip)("promtool parses the exposition; its only lint findings are prom-client's own default names", async () => {
  const conn = await connectSse(`${server.url}/stream`);
  await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 4);
  await fetch(`${server.url}/nope`);
  const text = await exposition();
  conn.close();
  assert.match(text, /ticktape_tick_write_latency_seconds_bucket\{le="\+Inf"\}/, 'the histogram has observations');
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const findings = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  assert.not.ok(findings.some((line) => /error|parsing/i.test(line)), findings.join('\n'));
  // prom-client names three gauges `*_total`; we keep its names, so promtool's lint flags exactly those.
  const expected = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
  assert.equal(findings.map((line) => line.split(' ')[0]).sort(), expected, findings.join('\n'));
});
if (!promtool) process.stderr.write('\nNOTICE: promtool not on PATH: the promtool exposition check is skipped (apt-get install --no-install-recommends prometheus)\n\n');

test.run();

// An edge measures from the tick's `ts`, stamped by the generator: a generator whose clock runs a
// minute behind makes every batch look a minute late on the edge, past the largest bucket.
const withRedis = redisSuite('write latency on an edge');

withRedis('an edge measures from the generator\'s ts, not from when it received the batch', async () => {
  const redis = await startRedis();
  const generator = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 1, redis: redis.url }, { now: () => Date.now() - 60_000 });
  const edge = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT' });
  try {
    const conn = await connectSse(`${edge.url}/stream`);
    await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 10);
    conn.close();
    const samples = parseMetrics(await exposition(edge));
    assert.ok(samples.get(`${LATENCY}_count`)! >= 1);
    assert.is(samples.get(`${LATENCY}_bucket{le="10"}`), 0, 'none within 10 s');
    assert.ok(samples.get(`${LATENCY}_sum`)! >= 60 * samples.get(`${LATENCY}_count`)!, 'each at least the minute of skew');
  } finally {
    await edge.close();
    await generator.close();
    await redis.stop();
  }
});

withRedis.run();

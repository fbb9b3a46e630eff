// Real answers of running servers validate against the OpenAPI document they serve at
// /openapi.json: for every route, every status the document lists (200, 304, the 4xx of each error
// code, 503, the refusals of --max-clients and --max-clients-per-ip, a guarded /metrics, an admin
// body that never ends), plus the 404 and 405 every path can answer, and the CORS headers of the
// read-only routes (none on admin routes). The last test fails when a documented
// response was never provoked, so a route or status added to the document gets a request here.
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test, suite } from 'uvu';
import * as assert from 'uvu/assert';
import { distDir, ensureFrontendBuilt } from '../../../frontend/build.ts';
import { OPENAPI_FILE } from '../../../scripts/lib/api-documents.ts';
import { ROOT } from '../../../scripts/lib/readme.ts';
import { readFileSync } from 'node:fs';
import { OpenApiChecker, type SeenAnswer } from '../helpers/openapi.ts';
import { redisAvailable, redisRequired, redisSuite, startRedis } from '../helpers/redis-server.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse, type SseConnection } from '../helpers/sse-client.ts';
import { waitForLastId, waitUntil } from '../helpers/http.ts';
import { appendForeignEntry, waitForHealth } from '../cluster/fixtures.ts';

const TOKEN = 's3cret';
const METRICS_TOKEN = 'scrape-me';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const JSON_TYPE = { 'Content-Type': 'application/json' };

let server: TestServer;
let checker: OpenApiChecker;

/** Requests `method path` and checks the answer against the document; returns it for more asserts. */
async function check(base: TestServer, method: string, pathAndQuery: string, init: RequestInit = {}, expectStatus?: number): Promise<SeenAnswer> {
  const res = await fetch(base.url + pathAndQuery, { method, ...init });
  const answer = { status: res.status, headers: res.headers, text: await res.text() };
  assertDocumented(method, pathAndQuery, answer, expectStatus);
  return answer;
}

function assertDocumented(method: string, pathAndQuery: string, answer: SeenAnswer, expectStatus?: number): void {
  if (expectStatus !== undefined) assert.is(answer.status, expectStatus, `${method} ${pathAndQuery}: ${answer.text.slice(0, 200)}`);
  assert.equal(checker.problems(method, new URL(pathAndQuery, 'http://x').pathname, answer), []);
}

/** An SSE connection's answer as the checker takes it: the bytes so far for a 200, else the body. */
async function sseAnswer(conn: SseConnection): Promise<SeenAnswer> {
  if (conn.status !== 200) await conn.ended;
  const headers = new Headers();
  for (const [name, value] of Object.entries(conn.headers)) if (value !== undefined) headers.set(name, String(value));
  return { status: conn.status, headers, text: conn.status === 200 ? conn.raw : conn.body };
}

async function checkStream(base: TestServer, pathAndQuery: string, headers: Record<string, string>, expectStatus: number, localAddress?: string): Promise<void> {
  const conn = await connectSse(base.url + pathAndQuery, headers, { localAddress });
  try {
    if (conn.status === 200) await conn.waitFor((e) => e.event === 'snapshot' || e.event === 'tick');
    assertDocumented('GET', pathAndQuery, await sseAnswer(conn), expectStatus);
  } finally {
    conn.close();
  }
}

test.before(async () => {
  await ensureFrontendBuilt();
  // 6 events a batch: room for a trade per symbol and step (the default 100 a second gives 2 at 20 ms, only quotes).
  server = await startTestServer({ interval: 20, 'max-events-per-second': 300, symbols: 'AAPL,MSFT', seed: 1, 'admin-token': TOKEN });
  await waitUntil(async () => (await (await fetch(`${server.url}/api/ticks?limit=1`)).json()).ticks.length > 0, 'a first trade');
  // The document under test is the one the server serves.
  checker = new OpenApiChecker(await (await fetch(`${server.url}/openapi.json`)).json());
});
test.after(() => server.close());

test('GET /openapi.json: the committed document, as JSON, readable from any origin', async () => {
  const answer = await check(server, 'GET', '/openapi.json', {}, 200);
  assert.is(answer.text, readFileSync(path.join(ROOT, OPENAPI_FILE), 'utf8'));
  assert.is(answer.headers.get('access-control-allow-origin'), '*');
  assert.match(String(answer.headers.get('content-type')), /^application\/json/);
  await check(server, 'HEAD', '/openapi.json', {}, 200);
});

test('the page, the bundle and an asset: 200, then 304 for their ETag; a missing asset is a 404', async () => {
  const asset = readdirSync(path.join(distDir, 'assets'))[0];
  for (const file of ['/', '/ticktape.js', `/assets/${asset}`]) {
    const first = await check(server, 'GET', file, {}, 200);
    await check(server, 'GET', file, { headers: { 'If-None-Match': String(first.headers.get('etag')) } }, 304);
    await check(server, 'HEAD', file, {}, 200);
  }
  await check(server, 'GET', '/assets/missing.js', {}, 404);
});

test('GET /stream: the 200 stream (with epoch= too), HEAD, and a 400 for each malformed parameter (BAD_EPOCH included)', async () => {
  await checkStream(server, '/stream', {}, 200);
  await checkStream(server, '/stream?symbols=aapl&lastEventId=1', {}, 200);
  await check(server, 'HEAD', '/stream', {}, 200);
  await checkStream(server, '/stream?symbols=NOPE', {}, 400);
  await checkStream(server, '/stream?symbols=AAPL,', {}, 400);
  await checkStream(server, '/stream?lastEventId=-1', {}, 400);
  await checkStream(server, '/stream?heartbeat=events', {}, 400);
  await checkStream(server, '/stream?events=tick,status&symbols=MSFT', {}, 200);
  await checkStream(server, '/stream?events=trade', {}, 400);
  await checkStream(server, '/stream?heartbeat=event', {}, 200);
  await checkStream(server, '/stream?epoch=', {}, 200);
  await checkStream(server, '/stream?epoch=0123456789abcdef&lastEventId=1', {}, 200);
  const badEpoch = await connectSse(`${server.url}/stream?epoch=bad`);
  try {
    const answer = await sseAnswer(badEpoch);
    assertDocumented('GET', '/stream?epoch=bad', answer, 400);
    assert.is(JSON.parse(answer.text).code, 'BAD_EPOCH');
  } finally {
    badEpoch.close();
  }
  await checkStream(server, '/stream', { 'Last-Event-ID': 'abc' }, 400);
});

test('GET /api/symbols, /api/quotes (with and without history), /api/ticks and /api/events (a full and a short page)', async () => {
  await check(server, 'GET', '/api/symbols', {}, 200);
  const quotes = JSON.parse((await check(server, 'GET', '/api/quotes', {}, 200)).text);
  assert.ok(quotes.session && quotes.marketTime, 'the market\'s session and clock');
  const withHistory = await check(server, 'GET', '/api/quotes?symbols=AAPL&history=3', {}, 200);
  assert.ok(JSON.parse(withHistory.text).history.AAPL.length > 0);
  const full = JSON.parse((await check(server, 'GET', '/api/ticks?after=0&limit=2', {}, 200)).text);
  assert.is(full.next, full.ticks[1].id);
  const short = await check(server, 'GET', '/api/ticks?after=1&symbols=MSFT', {}, 200);
  assert.is(JSON.parse(short.text).next, null);
  const events = JSON.parse((await check(server, 'GET', '/api/events?after=0&limit=3', {}, 200)).text);
  assert.equal(events.events.map((e: { id: number }) => e.id), [1, 2, 3]);
  assert.is(events.next, 3);
  const statuses = JSON.parse((await check(server, 'GET', '/api/events?symbols=MSFT&events=status', {}, 200)).text);
  assert.ok(statuses.events.length > 0 && statuses.events.every((e: { kind: string }) => e.kind === 'status'));
  assert.is(statuses.next, null);
});

test('/api/quotes, /api/ticks and /api/events: a 400 for each malformed parameter', async () => {
  for (const route of ['/api/quotes', '/api/ticks', '/api/events']) {
    await check(server, 'GET', `${route}?symbols=NOPE`, {}, 400);
    await check(server, 'GET', `${route}?symbols=`, {}, 400);
  }
  await check(server, 'GET', '/api/quotes?history=501', {}, 400);
  for (const route of ['/api/ticks', '/api/events']) {
    await check(server, 'GET', `${route}?after=-1`, {}, 400);
    await check(server, 'GET', `${route}?limit=0`, {}, 400);
  }
  for (const events of ['trade', '', 'tick,Quote']) {
    const answer = await check(server, 'GET', `/api/events?events=${events}`, {}, 400);
    assert.match(JSON.parse(answer.text).error, /^events: expected one of tick, quote, status, got /);
  }
});

test('GET /healthz and GET /metrics', async () => {
  await check(server, 'GET', '/healthz', {}, 200);
  await check(server, 'GET', '/metrics', {}, 200);
});

/**
 * Sends `request` as it is on a raw socket (a body shorter than its Content-Length stays unfinished)
 * and checks the answer the server sends before it closes the connection.
 */
async function checkRaw(base: TestServer, method: string, route: string, request: string, expectStatus: number): Promise<SeenAnswer> {
  const url = new URL(base.url);
  const raw = await new Promise<string>((resolve, reject) => {
    let received = '';
    const socket = net.connect(Number(url.port), url.hostname);
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject).once('close', () => resolve(received));
    socket.write(request);
  });
  const [head, ...body] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = new Headers(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]));
  const answer = { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]), headers, text: body.join('\r\n\r\n') };
  assertDocumented(method, route, answer, expectStatus);
  return answer;
}

test('admin: 200 for pause, resume and shock; 401, 403, 400, 415 and 413 for what is wrong; no CORS header', async () => {
  const pause = await check(server, 'POST', '/api/admin/pause', { headers: { ...AUTH, Origin: 'https://a.example' } }, 200);
  assert.is(pause.headers.get('access-control-allow-origin'), null);
  await check(server, 'POST', '/api/admin/resume', { headers: AUTH }, 200);
  const shock = JSON.stringify({ symbol: 'aapl', pct: -5 });
  await check(server, 'POST', '/api/admin/shock', { headers: { ...AUTH, ...JSON_TYPE }, body: shock }, 200);
  for (const action of ['pause', 'resume', 'shock']) {
    await check(server, 'POST', `/api/admin/${action}`, {}, 401);
    await check(server, 'POST', `/api/admin/${action}`, { headers: { Authorization: 'Bearer wrong' } }, 403);
  }
  const shockWith = (body: string, headers: Record<string, string> = JSON_TYPE) => ({ headers: { ...AUTH, ...headers }, body });
  await check(server, 'POST', '/api/admin/shock', shockWith('{not json'), 400);
  await check(server, 'POST', '/api/admin/shock', shockWith('{"symbol":"NOPE","pct":1}'), 400);
  await check(server, 'POST', '/api/admin/shock', shockWith(shock, { 'Content-Type': 'text/plain' }), 415);
  await check(server, 'POST', '/api/admin/shock', shockWith(JSON.stringify({ symbol: 'AAPL', pct: 1, pad: 'x'.repeat(20000) })), 413);
  const refused = await check(server, 'POST', '/api/admin/shock', { headers: { Origin: 'https://a.example' } }, 401);
  assert.is(refused.headers.get('access-control-allow-origin'), null);
});

test('limits, a metrics token, a slow admin body and a --cors-origin list: 429 and 503 with Retry-After, 401/403 on /metrics, 408, CORS by origin', async () => {
  const limited = await startTestServer(
    { interval: 20, symbols: 'AAPL,MSFT', seed: 1, 'admin-token': TOKEN, 'max-clients': 2, 'max-clients-per-ip': 1, 'metrics-token': METRICS_TOKEN, 'cors-origin': 'https://a.example' },
    // The admin body's timeout, short so the 408 comes quickly (10 s by default).
    { bodyTimeoutMs: 200 },
  );
  const admitted: SseConnection[] = [];
  try {
    // One stream from 127.0.0.1: a second from there is over --max-clients-per-ip.
    admitted.push(await connectSse(`${limited.url}/stream`, {}, { localAddress: '127.0.0.1' }));
    await checkStream(limited, '/stream', {}, 429, '127.0.0.1');
    // A second stream from another address fills --max-clients: a third from anywhere is refused.
    admitted.push(await connectSse(`${limited.url}/stream`, {}, { localAddress: '127.0.0.2' }));
    for (const conn of admitted) assert.is(conn.status, 200);
    await checkStream(limited, '/stream', {}, 503, '127.0.0.3');

    await check(limited, 'GET', '/metrics', {}, 401);
    await check(limited, 'GET', '/metrics', { headers: { Authorization: 'Bearer wrong' } }, 403);
    await check(limited, 'GET', '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } }, 200);

    const head = `POST /api/admin/shock HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    const timedOut = await checkRaw(limited, 'POST', '/api/admin/shock', head + '{"symbol":"AAPL"', 408);
    assert.is(JSON.parse(timedOut.text).code, 'REQUEST_TIMEOUT');

    // A listed origin is echoed back; another gets no CORS header; both vary by Origin.
    const listed = await check(limited, 'GET', '/api/symbols', { headers: { Origin: 'https://a.example' } }, 200);
    assert.is(listed.headers.get('access-control-allow-origin'), 'https://a.example');
    assert.match(String(listed.headers.get('vary')), /Origin/);
    const other = await check(limited, 'GET', '/api/symbols', { headers: { Origin: 'https://b.example' } }, 200);
    assert.is(other.headers.get('access-control-allow-origin'), null);
    assert.match(String(other.headers.get('vary')), /Origin/);
  } finally {
    for (const conn of admitted) conn.close();
    await limited.close();
  }
});

test('a known path with another method is a 405 with Allow, per each operation\'s default response', async () => {
  for (const [method, route] of [['DELETE', '/stream'], ['POST', '/api/symbols'], ['GET', '/api/admin/pause'], ['PUT', '/openapi.json']]) {
    const res = await fetch(server.url + route, { method });
    const answer = { status: res.status, headers: res.headers, text: await res.text() };
    assert.is(answer.status, 405);
    assert.ok(answer.headers.get('allow'));
    // No operation has this method: check it against the path's other operation's default response.
    const other = Object.keys(checker.doc.paths[route])[0].toUpperCase();
    assert.equal(checker.problems(other, route, answer), []);
  }
});

test('a path with no route is a 404 in the documented Error shape', async () => {
  const res = await fetch(`${server.url}/nope`);
  assert.is(res.status, 404);
  const validate = checker.schema('Error');
  assert.ok(validate(await res.json()), JSON.stringify(validate.errors));
});

test('a server without a built frontend, an admin token or a usable log: 503s and 403 ADMIN_DISABLED', async () => {
  const broken = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 1 }, { distDir: tempDir() });
  try {
    await waitForLastId(broken.url, 1);
    await check(broken, 'GET', '/', {}, 503);
    await check(broken, 'GET', '/ticktape.js', {}, 503);
    await check(broken, 'POST', '/api/admin/pause', { headers: AUTH }, 403);
    broken.log.close();
    await check(broken, 'GET', '/healthz', {}, 503);
    await check(broken, 'GET', '/api/quotes', {}, 503);
    await check(broken, 'GET', '/api/ticks', {}, 503);
    await check(broken, 'GET', '/api/events', {}, 503);
  } finally {
    await broken.close();
  }
});

test.run();

// Roles that need Redis: an edge refuses admin (409); a simulator does not serve /stream (404); an
// edge that meets a foreign stream entry reports the conflict (503 `conflict`).
const cluster = redisSuite('OpenAPI answers of an edge and a --role simulator node');

cluster('an edge answers admin with 409 and /healthz with a 503 conflict; a simulator answers /stream with 404', async () => {
  const redis = await startRedis();
  const nodes: TestServer[] = [];
  try {
    const simulator = await startTestServer({ role: 'simulator', redis: redis.url, symbols: 'AAPL,MSFT', seed: 1 }, { leaseTtlMs: 500 });
    nodes.push(simulator);
    const edge = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT', 'admin-token': TOKEN });
    nodes.push(edge);
    for (const action of ['pause', 'resume', 'shock']) {
      await check(edge, 'POST', `/api/admin/${action}`, { headers: { ...AUTH, ...JSON_TYPE }, body: '{"symbol":"AAPL","pct":1}' }, 409);
    }
    await checkStream(simulator, '/stream', {}, 404);
    // An entry ticktape did not write: the edge holds before it and reports the conflict (503).
    await waitForLastId(edge.url, 2);
    await appendForeignEntry(redis.url, '{"id":NEXT}');
    await waitForHealth(edge.url, 'the edge to report the conflict', (h) => h.status === 'conflict');
    const conflict = await check(edge, 'GET', '/healthz', {}, 503);
    assert.is(JSON.parse(conflict.text).conflict, 'foreign-entry');
  } finally {
    for (const node of nodes.reverse()) await node.close();
    await redis.stop();
  }
});

cluster.run();

// Last: every response the document lists was provoked by some request above.
const coverage = suite('coverage');

coverage('every documented response of every operation was checked against a real answer', () => {
  const needRedis = ['POST /api/admin/pause 409', 'POST /api/admin/resume 409', 'POST /api/admin/shock 409', 'GET /stream 404'];
  const skipped = redisAvailable() || redisRequired() ? [] : needRedis;
  const unprovoked = checker.documentedResponses().filter((key) => !checker.covered.has(key) && !skipped.includes(key));
  assert.equal(unprovoked, []);
});

coverage.run();

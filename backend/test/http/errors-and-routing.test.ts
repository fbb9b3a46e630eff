// Routing and the error contract: unknown routes are 404 JSON naming the path, a wrong method on a
// known path is 405 with Allow, no error body carries a stack trace, every API answer (errors
// included) allows any origin, CORS preflights are answered (admin routes' are not), and /stream does not exist on a
// `--role simulator` node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { getJson, waitForLastId, waitUntil, type JsonResponse } from '../helpers/http.ts';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';
import { assertError, assertNoStackTrace } from './fixtures.ts';

let server: TestServer;

test.before(async () => {
  // The traversal test needs real files beside assets/ to prove they are not reachable.
  await ensureFrontendBuilt();
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 1, 'admin-token': 's3cret' });
  await waitForLastId(server.url, 2);
});
test.after(() => server.close());

const request = (path: string, init: RequestInit = {}) => getJson(`${server.url}${path}`, init);

const UNKNOWN: Array<[string, string]> = [
  ['GET', '/nope'],
  ['GET', '/api'],
  ['GET', '/api/nope'],
  ['GET', '/api/symbols/AAPL'],
  ['GET', '/api/admin'],
  ['POST', '/api/admin/restart'],
  ['DELETE', '/nothing/here'],
  ['GET', '/stream/extra'],
  ['GET', '/assets/missing.js'],
  ['GET', '/index.html.bak'],
  // Routes are strict about a trailing slash: the path with one is another path.
  ['GET', '/ticktape.js/'],
  ['GET', '/healthz/'],
  ['GET', '/api/symbols/'],
  ['GET', '/metrics/'],
  ['GET', '/stream/'],
];
for (const [method, path] of UNKNOWN) {
  test(`${method} ${path} is a 404 JSON error naming the path`, async () => {
    const res = await request(path, { method });
    assertError(res, 404, 'NOT_FOUND', new RegExp(path.replace(/[.]/g, '\\.')));
    // Anything under /api/admin is for operators' tools: no CORS there, even for a 404.
    assert.is(res.headers.get('access-control-allow-origin'), path.startsWith('/api/admin') ? null : '*');
  });
}

test('path traversal out of the assets directory is a 404, never a file', async () => {
  for (const path of ['/assets/..%2F..%2Fpackage.json', '/assets/%2e%2e%2findex.html', '/assets/..%5C..%5Cpackage.json']) {
    const res = await fetch(`${server.url}${path}`);
    assert.is(res.status, 404, path);
    assert.match(String(res.headers.get('content-type')), /^application\/json/);
    const text = await res.text();
    assert.not.match(text, /"name"\s*:\s*"ticktape"|<html/i, path);
  }
});

const WRONG_METHOD: Array<[string, string, string[]]> = [
  ['POST', '/healthz', ['GET']],
  ['DELETE', '/api/symbols', ['GET']],
  ['PUT', '/api/quotes', ['GET']],
  ['POST', '/api/ticks', ['GET']],
  ['POST', '/metrics', ['GET']],
  ['POST', '/stream', ['GET']],
  ['GET', '/api/admin/pause', ['POST']],
  ['PUT', '/api/admin/resume', ['POST']],
  ['GET', '/api/admin/shock', ['POST']],
  ['POST', '/ticktape.js', ['GET']],
  ['DELETE', '/', ['GET']],
];
for (const [method, path, allowed] of WRONG_METHOD) {
  test(`${method} ${path} is a 405 with Allow: ${allowed.join(', ')}`, async () => {
    const res = await request(path, { method });
    assertError(res, 405, 'METHOD_NOT_ALLOWED', new RegExp(`${method}.*${path.replace(/[.]/g, '\\.')}`));
    const allow = String(res.headers.get('allow')).split(/,\s*/);
    for (const m of allowed) assert.ok(allow.includes(m), `Allow ${allow} includes ${m}`);
    assert.not.ok(allow.includes(method), `Allow ${allow} excludes ${method}`);
  });
}

test('no error body carries a stack trace or a source path', async () => {
  const probes: Array<[string, RequestInit?]> = [
    ['/nope'],
    ['/api/ticks?after=-1'],
    ['/api/ticks?limit=abc'],
    ['/api/quotes?symbols=NOPE'],
    ['/api/quotes?symbols=,'],
    ['/stream?lastEventId=x'],
    ['/stream?symbols=NOPE'],
    ['/healthz', { method: 'POST' }],
    ['/api/admin/shock', { method: 'POST' }],
    ['/api/admin/shock', { method: 'POST', headers: { Authorization: 'Bearer s3cret', 'Content-Type': 'application/json' }, body: '{oops' }],
    ['/api/admin/shock', { method: 'POST', headers: { Authorization: 'Bearer s3cret', 'Content-Type': 'text/plain' }, body: 'x' }],
    ['/%E0%A4%A'],
    ['/api/ticks?after=%E0%A4%A'],
  ];
  for (const [path, init] of probes) {
    const res = await fetch(`${server.url}${path}`, init);
    assert.ok(res.status >= 400 && res.status < 500, `${path}: a 4xx, got ${res.status}`);
    const text = await res.text();
    const body = JSON.parse(text);
    assert.equal(Object.keys(body).sort(), ['code', 'error'], `${path}: ${text}`);
    assertNoStackTrace(text, path);
  }
});

test('CORS: every API answer, errors included, allows any origin', async () => {
  const origin = { Origin: 'https://embedder.example' };
  for (const path of ['/api/symbols', '/api/quotes', '/api/ticks?limit=1', '/healthz', '/metrics', '/api/quotes?symbols=NOPE', '/nope']) {
    const res = await fetch(`${server.url}${path}`, { headers: origin });
    await res.arrayBuffer();
    assert.is(res.headers.get('access-control-allow-origin'), '*', path);
  }
});

test('CORS: admin routes send no CORS headers, answers and errors alike', async () => {
  const denied = await fetch(`${server.url}/api/admin/pause`, { method: 'POST', headers: { Origin: 'https://embedder.example' } });
  await denied.arrayBuffer();
  assert.is(denied.status, 401);
  assert.is(denied.headers.get('access-control-allow-origin'), null, 'no page elsewhere may read an admin answer');
  assert.is(denied.headers.get('x-content-type-options'), 'nosniff');
});

test('CORS: a preflight for /stream is a 204 allowing GET and the Last-Event-ID header', async () => {
  const res = await fetch(`${server.url}/stream`, {
    method: 'OPTIONS',
    headers: { Origin: 'https://embedder.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'last-event-id' },
  });
  assert.is(res.status, 204);
  assert.is(await res.text(), '');
  assert.is(res.headers.get('access-control-allow-origin'), '*');
  const methods = String(res.headers.get('access-control-allow-methods')).split(/,\s*/);
  assert.ok(methods.includes('GET'), `methods ${methods}`);
  const headers = String(res.headers.get('access-control-allow-headers')).toLowerCase().split(/,\s*/);
  assert.ok(headers.includes('last-event-id'), `headers ${headers}`);
});

test('CORS: a preflight for an admin POST is not granted (no Access-Control-Allow-* header)', async () => {
  const res = await fetch(`${server.url}/api/admin/shock`, {
    method: 'OPTIONS',
    headers: { Origin: 'https://embedder.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
  await res.arrayBuffer();
  assert.is(res.headers.get('access-control-allow-origin'), null);
  assert.is(res.headers.get('access-control-allow-methods'), null);
  assert.is(res.headers.get('access-control-allow-headers'), null);
});

test('a preflight does not run the route: an admin preflight pauses nothing', async () => {
  await fetch(`${server.url}/api/admin/pause`, { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'POST', Authorization: 'Bearer s3cret' } });
  assert.is((await request('/healthz')).body.generating, true);
});

test.run();

// /stream on a `--role simulator` node: the role serves the API, /healthz and /metrics, not the stream.
const simulator = redisSuite('routing on a --role simulator node');

simulator('/stream is a 404 JSON error; the API, /healthz and /metrics answer', async () => {
  const redis = await startRedis();
  let node: TestServer | undefined;
  try {
    node = await startTestServer({ role: 'simulator', redis: redis.url, interval: 20, symbols: 'AAPL,MSFT', seed: 1 });
    const url = node.url;
    const stream: JsonResponse = await getJson(`${url}/stream`, { headers: { Accept: 'text/event-stream' } });
    assertError(stream, 404, 'NOT_FOUND', /\/stream/);
    assertError(await getJson(`${url}/stream?lastEventId=0`), 404, 'NOT_FOUND', /\/stream/);

    const health = await waitUntil(async () => {
      const res = await getJson(`${url}/healthz`);
      return res.status === 200 && res.body.role === 'simulator' ? res.body : undefined;
    }, 'the simulator node to report healthy');
    assert.is(health.bus, 'redis');
    assert.is((await getJson(`${url}/api/symbols`)).body.symbols.length, 2);
    assert.is((await getJson(`${url}/api/quotes`)).status, 200);
    assert.is((await getJson(`${url}/api/ticks`)).status, 200);
    assert.is((await fetch(`${url}/metrics`)).status, 200);
  } finally {
    await node?.close();
    await redis.stop();
  }
});

simulator.run();

// Security headers: nosniff on every answer (the stream and errors included), a
// Content-Security-Policy on the demo page whose frame-ancestors follow --frame-ancestors,
// --cors-origin naming the origins that may read the feed, and /metrics behind --metrics-token.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { ConfigError, parseOptions } from '../../config.ts';
import { getJson, waitForLastId } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse } from '../helpers/sse-client.ts';
import { assertError } from './fixtures.ts';

const servers: TestServer[] = [];
async function start(options: Record<string, string | number> = {}): Promise<TestServer> {
  const server = await startTestServer({ interval: 50, symbols: 'AAPL,MSFT', seed: 1, 'admin-token': 'adm', ...options });
  servers.push(server);
  return server;
}

test.before(() => ensureFrontendBuilt());
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test('X-Content-Type-Options: nosniff on every answer: page, bundle, API, errors, metrics, the stream', async () => {
  const server = await start();
  await waitForLastId(server.url, 1);
  for (const path of ['/', '/ticktape.js', '/api/symbols', '/api/quotes', '/api/ticks', '/healthz', '/metrics', '/nope', '/api/quotes?symbols=NOPE']) {
    const res = await fetch(`${server.url}${path}`);
    await res.arrayBuffer();
    assert.is(res.headers.get('x-content-type-options'), 'nosniff', path);
  }
  const admin = await fetch(`${server.url}/api/admin/pause`, { method: 'POST' });
  await admin.arrayBuffer();
  assert.is(admin.headers.get('x-content-type-options'), 'nosniff', 'admin');
  const stream = await connectSse(`${server.url}/stream`);
  assert.is(stream.headers['x-content-type-options'], 'nosniff', '/stream');
  stream.close();
});

test('the demo page has a Content-Security-Policy allowing only its own origin, and any frame ancestor by default', async () => {
  const server = await start();
  const res = await fetch(`${server.url}/`);
  await res.arrayBuffer();
  const policy = String(res.headers.get('content-security-policy'));
  for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'", 'frame-ancestors *']) {
    assert.ok(policy.split(/;\s*/).includes(directive), `${directive} in ${policy}`);
  }
});

test("--frame-ancestors \"'self' https://host.example\" is the page's frame-ancestors", async () => {
  const server = await start({ 'frame-ancestors': "'self' https://host.example" });
  const res = await fetch(`${server.url}/`);
  await res.arrayBuffer();
  assert.ok(String(res.headers.get('content-security-policy')).includes("frame-ancestors 'self' https://host.example"));
});

test('--cors-origin lists the origins that may read the feed: echoed to them, absent for others, Vary: Origin', async () => {
  const server = await start({ 'cors-origin': 'https://a.example,http://localhost:3000' });
  for (const origin of ['https://a.example', 'http://localhost:3000']) {
    const res = await fetch(`${server.url}/api/symbols`, { headers: { Origin: origin } });
    await res.arrayBuffer();
    assert.is(res.headers.get('access-control-allow-origin'), origin);
    assert.match(String(res.headers.get('vary')), /Origin/);
  }
  const other = await fetch(`${server.url}/api/symbols`, { headers: { Origin: 'https://evil.example' } });
  await other.arrayBuffer();
  assert.is(other.status, 200);
  assert.is(other.headers.get('access-control-allow-origin'), null);
  const stream = await connectSse(`${server.url}/stream`, { Origin: 'https://a.example' });
  assert.is(stream.headers['access-control-allow-origin'], 'https://a.example');
  stream.close();
});

test('--metrics-token: /metrics is 401 without it, 403 with a wrong one, the exposition with it', async () => {
  const server = await start({ 'metrics-token': 'scrape' });
  assertError(await getJson(`${server.url}/metrics`), 401, 'UNAUTHORIZED', /metrics token/);
  assertError(await getJson(`${server.url}/metrics`, { headers: { Authorization: 'Bearer nope' } }), 403, 'FORBIDDEN', /metrics token/);
  assertError(await getJson(`${server.url}/metrics`, { headers: { Authorization: 'Bearer adm' } }), 403, 'FORBIDDEN');
  const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer scrape' } });
  assert.is(res.status, 200);
  assert.match(await res.text(), /ticktape_log_last_id/);
  // The rest of the server is as public as before.
  assert.is((await getJson(`${server.url}/healthz`)).status, 200);
});

const BAD: Array<[string, string]> = [
  ['--cors-origin', 'https://a.example/path'],
  ['--cors-origin', 'a.example'],
  ['--cors-origin', 'https://A.example'],
  ['--cors-origin', ''],
  ['--frame-ancestors', "'self'; script-src *"],
  ['--frame-ancestors', "'none' https://a.example"],
  ['--frame-ancestors', 'https://a.example,https://b.example'],
];
for (const [flag, value] of BAD) {
  test(`${flag} ${JSON.stringify(value)} is refused naming ${flag}`, () => {
    try {
      parseOptions([`${flag}=${value}`], {});
    } catch (err) {
      assert.instance(err, ConfigError);
      assert.match((err as Error).message, new RegExp(`^${flag}`));
      return;
    }
    assert.unreachable(`${flag} ${value} was accepted`);
  });
}

test.run();

// --max-clients and --max-clients-per-ip on a real server with real connections: the stream one
// past the limit is a 503 (or 429 for one address) with Retry-After in our JSON shape, /healthz
// and /metrics still answer while the streams are at the limit, a closed stream frees its slot,
// and refusals are counted in /metrics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { getJson, waitUntil } from '../helpers/http.ts';
import { connectSse, type SseConnection } from '../helpers/sse-client.ts';
import { assertError, parseMetrics } from './fixtures.ts';

let server: TestServer;
const open: SseConnection[] = [];

test.after(async () => {
  for (const conn of open) conn.close();
  await server?.close();
});

async function stream(localAddress = '127.0.0.1'): Promise<SseConnection> {
  const conn = await connectSse(`${server.url}/stream`, {}, { localAddress });
  open.push(conn);
  return conn;
}

async function refusedMetric(reason: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return parseMetrics(text).get(`ticktape_connections_refused_total{reason="${reason}"}`);
}

/** The JSON of a refused stream, as getJson would give it. */
function asJson(conn: SseConnection) {
  return { status: conn.status, headers: new Headers(conn.headers as Record<string, string>), body: JSON.parse(conn.body) };
}

test('--max-clients 3: the 4th stream is a 503 TOO_MANY_CLIENTS with Retry-After; /healthz and /metrics still answer', async () => {
  server = await startTestServer({ interval: 50, symbols: 'AAPL', seed: 1, 'max-clients': 3, 'max-clients-per-ip': 0 });
  const admitted = [await stream(), await stream(), await stream()];
  for (const conn of admitted) assert.is(conn.status, 200);
  const refused = await stream();
  await refused.ended;
  const res = asJson(refused);
  assertError(res, 503, 'TOO_MANY_CLIENTS', /at most 3 streams/);
  assert.is(res.headers.get('retry-after'), '5');

  // At the limit, the reserve answers health checks and scrapes, many times over.
  for (let i = 0; i < 20; i++) {
    const health = await getJson(`${server.url}/healthz`);
    assert.is(health.status, 200);
    assert.is(health.body.clients, 3);
  }
  assert.is(await refusedMetric('max_clients'), 1);

  // A closed stream frees its slot.
  admitted[0].close();
  await waitUntil(async () => (await getJson(`${server.url}/healthz`)).body.clients === 2, 'the closed stream to be gone');
  assert.is((await stream()).status, 200);
  for (const conn of open.splice(0)) conn.close();
  await server.close();
});

test('--max-clients-per-ip 2: a 3rd stream from 127.0.0.1 is a 429; 127.0.0.2 still gets its own', async () => {
  server = await startTestServer({ interval: 50, symbols: 'AAPL', seed: 1, 'max-clients-per-ip': 2 });
  assert.is((await stream('127.0.0.1')).status, 200);
  assert.is((await stream('127.0.0.1')).status, 200);
  const refused = await stream('127.0.0.1');
  await refused.ended;
  const res = asJson(refused);
  assertError(res, 429, 'TOO_MANY_CLIENTS_FROM_ADDRESS', /at most 2 streams per client address/);
  assert.is(res.headers.get('retry-after'), '5');
  assert.is((await stream('127.0.0.2')).status, 200);
  assert.is((await stream('127.0.0.2')).status, 200);
  assert.is((await getJson(`${server.url}/healthz`)).body.clients, 4);
  assert.is(await refusedMetric('max_clients_per_ip'), 1);
  assert.is(await refusedMetric('max_clients'), 0);
});

test.run();

// HEAD /stream answers what GET would (status and headers, including a 400 for bad input) and
// ends at once: it must not open a stream that holds the connection and counts as a client.
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getJson } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 20, symbols: 'AAPL' });
});
test.after(() => server?.close());

test('HEAD /stream is 200 with the SSE headers, and leaves no client behind', async () => {
  const res = await fetch(`${server.url}/stream`, { method: 'HEAD' });
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^text\/event-stream/);
  assert.is(res.headers.get('access-control-allow-origin'), '*');
  assert.is((await getJson(`${server.url}/healthz`)).body.clients, 0);
});

test('a HEAD /stream response completes: the next request on the same connection is answered', async () => {
  const { port } = new URL(server.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  socket.write('HEAD /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  const ended = await Promise.race([
    new Promise<boolean>((resolve) => socket.on('end', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(resolve, 5000, false)),
  ]);
  socket.destroy();
  assert.ok(ended, `the connection was not released after HEAD; got ${JSON.stringify(text.slice(0, 200))}`);
  assert.match(text, /^HTTP\/1\.1 200 [^]*HTTP\/1\.1 200 [^]*"status":"ok"/);
});

test('HEAD /stream with bad input is the same 400 as GET', async () => {
  assert.is((await fetch(`${server.url}/stream?symbols=NOPE`, { method: 'HEAD' })).status, 400);
  assert.is((await fetch(`${server.url}/stream?lastEventId=x`, { method: 'HEAD' })).status, 400);
});

test.run();

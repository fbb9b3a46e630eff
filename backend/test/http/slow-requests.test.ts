// Clients that trickle their request: headers that never end get a 408 in our JSON shape and the
// connection closed; a body an admin route reads that never ends gets a 408 too; and a request
// answered before its body arrived (a 403) has its connection closed with the answer instead of
// held while the body trickles in. Raw sockets, one byte at a time.
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const TOKEN = 's3cret';
let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 1000, symbols: 'AAPL', seed: 1, 'admin-token': TOKEN });
});
test.after(() => server.close());

interface Trickle {
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

/** Sends `head` at once, then one byte of `tail` every 100 ms (then spaces) until the server closes. */
function trickle(head: string, tail: string): Trickle {
  const url = new URL(server.url);
  const socket = net.connect(Number(url.port), url.hostname);
  let received = '';
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.writable) socket.write(sent < tail.length ? tail[sent++] : ' ');
  }, 100);
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  socket.write(head);
  const closed = new Promise<string>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(received);
    }),
  );
  // A deadline for the test, not a measurement: Node's defaults held such connections for minutes.
  const deadline = setTimeout(() => socket.destroy(), 45_000);
  closed.finally(() => clearTimeout(deadline));
  return { closed };
}

function parse(raw: string): { status: number; headers: string; body: any } {
  const [head, body] = raw.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body: body ? JSON.parse(body) : null };
}

test('headers that never end: 408 REQUEST_TIMEOUT as JSON, connection closed', async () => {
  const res = parse(await trickle('GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-Slow: ' + 'a'.repeat(1000)).closed);
  assert.is(res.status, 408, res.headers);
  assert.equal(res.body, { error: res.body.error, code: 'REQUEST_TIMEOUT' });
  assert.match(res.headers, /Connection: close/i);
});

test('an admin body that never ends: 408 REQUEST_TIMEOUT, connection closed', async () => {
  const head = `POST /api/admin/shock HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n`;
  const res = parse(await trickle(head, '{"symbol":"AAPL","pct":1').closed);
  assert.is(res.status, 408, res.headers);
  assert.is(res.body.code, 'REQUEST_TIMEOUT');
});

test('answered before its body arrived (wrong token): the connection closes with the 403, not after the body', async () => {
  const head = 'POST /api/admin/shock HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n';
  const res = parse(await trickle(head, '{"symbol":"AAPL","pct":1').closed);
  assert.is(res.status, 403, res.headers);
  assert.is(res.body.code, 'FORBIDDEN');
  assert.match(res.headers, /Connection: close/i);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse } from '../helpers/sse-client.ts';

let server: TestServer;

test.before(async () => {
  // No ticks (a very long interval), so only heartbeats keep the stream alive.
  server = await startTestServer({ interval: 1000000, symbols: 'AAPL', heartbeat: 30 });
});
test.after(() => server.close());

test('an idle stream carries `: keepalive` comments every heartbeat period', async () => {
  const conn = await connectSse(`${server.url}/stream`);
  await conn.waitFor((e) => e.event === 'snapshot');
  await conn.waitForComment(5000);
  conn.close();
  assert.is(conn.comments[0], 'keepalive');
  assert.is(conn.events.filter((e) => e.event === 'tick').length, 0);
});

test.run();

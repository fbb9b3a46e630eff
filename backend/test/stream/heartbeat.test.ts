import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse } from '../helpers/sse-client.ts';
import { waitUntil } from '../helpers/http.ts';

let server: TestServer;

test.before(async () => {
  // No ticks (a very long interval), so only heartbeats keep the stream alive.
  server = await startTestServer({ interval: 1000000, symbols: 'AAPL', heartbeat: 30 });
});
test.after(() => server.close());

test('an idle stream carries `: keepalive` comment lines every heartbeat period, none ending a block', async () => {
  const conn = await connectSse(`${server.url}/stream`);
  const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
  await waitUntil(() => conn.comments.length >= 3, 'three heartbeats');
  conn.close();
  assert.ok(conn.comments.every((c) => c === 'keepalive'));
  assert.is(conn.events.filter((e) => e.event === 'tick').length, 0);
  // The retry line and the snapshot form one block; after it, only comment lines and no blank line
  // (a parser that dispatches at every blank line must not see an empty message).
  const snapshotBlock = `retry: 3000\nid: ${snapshot.id}\nevent: snapshot\ndata: ${snapshot.data}\n\n`;
  assert.ok(conn.raw.startsWith(snapshotBlock), JSON.stringify(conn.raw.slice(0, 80)));
  assert.match(conn.raw.slice(snapshotBlock.length), /^(: keepalive\n){3,}$/);
});

test.run();

// Over HTTP/1.1 a browser opens at most six connections per server; a seventh EventSource just waits,
// with no event at all. A table whose stream has not opened after a while, while the page's own
// streams hold all six connections to that server, says so in its status and how to fix it; one
// that is merely slow says nothing of the kind. (Unit tests: a fake EventSource and server; the
// fake's timers stand for the wait.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recorder, settle, fakeFeed } from './helpers/fake-feed.ts';

const src = (i: number) => `http://feed.test/stream?table=${i}`;

test('a seventh stream to one server: its status names the limit and the fixes', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT']);
  const subs = Array.from({ length: 8 }, (_, i) => hub.subscribe(src(i), { symbols: ['AAPL'] }, recorder().listener));
  await settle();
  assert.is(server.open.length, 8);
  for (const es of server.open.slice(0, 6)) server.serve(es); // the browser opens six of them
  server.runTimers();
  await settle();
  for (const sub of subs.slice(0, 6)) {
    assert.is(sub.status.state, 'live');
    assert.is(sub.status.message, undefined);
  }
  for (const sub of subs.slice(6)) {
    assert.is(sub.status.state, 'connecting');
    assert.match(sub.status.message ?? '', /6 connections per server over HTTP\/1\.1/);
    assert.match(sub.status.message ?? '', /one src/);
    assert.match(sub.status.message ?? '', /HTTP\/2/);
  }
  // Once a connection is free, the waiting table connects and the message goes.
  subs[0].close();
  await settle();
  assert.is(server.open.length, 7);
  server.serve(server.open[5]); // the seventh table's stream
  await settle();
  assert.is(subs[6].status.state, 'live');
  assert.is(subs[6].status.message, undefined);
});

test('a stream that is merely slow to answer is not blamed on the connection limit', async () => {
  const { server, hub } = fakeFeed(['AAPL']);
  const sub = hub.subscribe(src(0), {}, recorder().listener);
  await settle();
  server.runTimers();
  await settle();
  assert.is(sub.status.state, 'connecting');
  assert.is(sub.status.message, undefined);
  assert.is(server.timers.size, 1, 'it keeps watching while connecting');
  server.serve(server.only);
  assert.is(sub.status.state, 'live');
  assert.is(server.timers.size, 0, 'and stops once connected');
});

test('streams to another server do not count', async () => {
  const { server, hub } = fakeFeed(['AAPL']);
  for (let i = 0; i < 6; i++) hub.subscribe(`http://other.test/stream?table=${i}`, {}, recorder().listener);
  const sub = hub.subscribe(src(0), {}, recorder().listener);
  await settle();
  for (const es of server.open.slice(0, 6)) server.serve(es);
  server.runTimers();
  await settle();
  assert.is(sub.status.state, 'connecting');
  assert.is(sub.status.message, undefined);
});

test.run();

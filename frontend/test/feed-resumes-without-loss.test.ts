// The feed survives drops without losing or repeating a tick: the browser's own reconnects, the
// feed's own re-open (with the last id) when the browser gives up, a reset followed by a
// snapshot, and a 4xx shown as the server's message rather than retried forever.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recorder, settle, fakeFeed, ids } from './helpers/fake-feed.ts';

const SRC = 'http://feed.test/stream';
const setup = () => fakeFeed(['AAPL', 'MSFT']);

test("the browser's own reconnect: reconnecting, then caught up, with no gap and no duplicate", async () => {
  const { server, hub } = setup();
  const r = recorder();
  const sub = hub.subscribe(SRC, {}, r.listener);
  await settle();
  const es = server.only;
  server.serve(es);
  server.publish('AAPL');
  es.drop();
  assert.is(sub.status.state, 'reconnecting');
  server.log.append('MSFT'); // committed while we were away
  server.log.append('AAPL');
  server.serve(es); // the browser reconnects with Last-Event-ID: 3
  await settle();
  assert.equal(ids(r.log.ticks), [3, 4, 5]);
  assert.is(sub.status.state, 'live');
  assert.is(sub.status.caughtUp, 2);
  assert.is(server.sources.length, 1, 'no second EventSource');
});

test('when the browser gives up, the feed re-opens itself from the last id it saw', async () => {
  const { server, hub } = setup();
  const r = recorder();
  const sub = hub.subscribe(SRC, { symbols: ['AAPL'] }, r.listener);
  await settle();
  server.serve(server.only);
  server.publish('AAPL', 'MSFT');
  server.streamStatus = 503;
  server.only.fail();
  await settle();
  assert.is(sub.status.state, 'reconnecting');
  assert.match(sub.status.message ?? '', /log unavailable/);
  assert.is(server.open.length, 0);
  server.publish('AAPL', 'AAPL'); // 5, 6: committed meanwhile
  server.streamStatus = 200;
  server.runTimers();
  await settle();
  const again = server.only;
  assert.is(again.resumeFrom, 3, 'the last id the stream delivered (MSFT 4 was not ours)');
  server.serve(again);
  await settle();
  server.publish('AAPL');
  assert.equal(ids(r.log.ticks), [3, 5, 6, 7]);
  assert.is(sub.status.state, 'live');
});

test('a 4xx is an error with the server’s message, not retried', async () => {
  const { server, hub } = setup();
  const r = recorder();
  const sub = hub.subscribe(SRC, { symbols: ['NOPE'] }, r.listener);
  await settle();
  server.serve(server.only); // the server answers 400: the browser fails the stream
  await settle();
  assert.is(sub.status.state, 'error');
  assert.is(sub.status.message, 'symbols: unknown symbol NOPE');
  assert.is(sub.status.code, 'UNKNOWN_SYMBOL');
  assert.is(server.timers.size, 0, 'no retry scheduled');
  assert.is(server.open.length, 0);
});

test('one table with an unknown symbol does not take the others on its src down', async () => {
  const { server, hub } = setup();
  const good = recorder();
  const bad = recorder();
  const goodSub = hub.subscribe(SRC, { symbols: ['AAPL'] }, good.listener);
  const badSub = hub.subscribe(SRC, { symbols: ['NOPE'] }, bad.listener);
  await settle();
  server.serve(server.only);
  await settle();
  assert.is(badSub.status.state, 'error');
  assert.is(badSub.status.code, 'UNKNOWN_SYMBOL');
  const es = server.only;
  assert.is(es.url.searchParams.get('symbols'), 'AAPL');
  server.serve(es);
  server.publish('AAPL');
  assert.is(goodSub.status.state, 'live');
  assert.equal(ids(good.log.ticks), [3]);
});

test('a reset clears the state and the snapshot that follows rebuilds it', async () => {
  const { server, hub } = setup();
  const r = recorder();
  const sub = hub.subscribe(SRC, { lastEventId: 99 }, r.listener); // newer than the log: "unknown"
  await settle();
  server.serve(server.only);
  assert.is(r.log.resets, 1);
  assert.equal(r.log.snapshots, [{ id: 2, symbols: ['AAPL', 'MSFT'] }]);
  assert.is(sub.status.state, 'live');
  server.publish('MSFT');
  assert.equal(ids(r.log.ticks), [3]);
});

test.run();

// A table with no cursor yet needs a starting point: the snapshot of a stream opened without a
// resume point, or /api/quotes. A stream re-opened from another table's cursor sends no snapshot,
// so such a table must not count as served by it: it asks /api/quotes, and again, backing off,
// until it gets an answer. (Unit tests: a fake EventSource and server, in Node.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recorder, settle, fakeFeed, ids } from './helpers/fake-feed.ts';
import { REQUEST_TIMEOUT_MS } from '../src/feed/requests.ts';

const SRC = 'http://feed.test/stream';
const setup = () => fakeFeed(['AAPL', 'MSFT', 'NVDA']);

test('a table whose /api/quotes request fails asks again, backing off, and then goes live', async () => {
  const { server, hub } = setup();
  hub.subscribe(SRC, { symbols: ['AAPL'] }, recorder().listener);
  await settle();
  server.serve(server.only);

  server.failQuotes = 2; // the server is restarting
  const joiner = recorder();
  const sub = hub.subscribe(SRC, { symbols: ['MSFT'] }, joiner.listener);
  await settle();
  assert.is(sub.status.state, 'reconnecting');
  server.serve(server.only); // the shared stream, re-opened for AAPL,MSFT from the first table's cursor
  await settle();
  assert.equal(joiner.log.snapshots, [], 'no starting point yet');

  server.runTimers(); // fails again
  await settle();
  server.runTimers();
  await settle();
  assert.equal(joiner.log.snapshots, [{ id: 3, symbols: ['MSFT'] }], 'seeded from /api/quotes once it answers');
  const retries = server.delays.filter((ms) => ms >= 1000 && ms !== hub.slowConnectionMs); // (not the watch on connecting)
  assert.ok(retries.length === 2 && retries[1] > retries[0], `backs off: ${retries}`);

  server.publish('MSFT', 'AAPL');
  assert.equal(ids(joiner.log.ticks), [4]);
  assert.is(sub.status.state, 'live');
  assert.is(server.open.length, 1);
});

test('a /api/quotes request that never answers fails after 10 s and is asked again', async () => {
  const { server, hub } = setup();
  hub.subscribe(SRC, { symbols: ['AAPL'] }, recorder().listener);
  await settle();
  server.serve(server.only);

  server.hangQuotes = 1; // the server accepts the connection and never answers (stopped, say)
  const joiner = recorder();
  const sub = hub.subscribe(SRC, { symbols: ['MSFT'] }, joiner.listener);
  await settle();
  const hung = server.fetched.filter((path) => path.startsWith('/api/quotes')).length;
  assert.ok(server.delays.includes(REQUEST_TIMEOUT_MS), 'every /api/quotes request is timed');
  if (server.open.length === 1 && server.only.readyState === 0) server.serve(server.only);
  await settle();
  assert.equal(joiner.log.snapshots, [], 'no starting point while the request hangs');

  server.runTimers(); // the hung request's timeout
  await settle();
  assert.match(joiner.log.messages.join(' | '), /No answer from http:\/\/feed\.test in 10 s/);
  for (let i = 0; i < 3 && joiner.log.snapshots.length === 0; i++) {
    server.runTimers(); // the retry
    await settle();
  }
  assert.ok(server.fetched.filter((path) => path.startsWith('/api/quotes')).length > hung, 'asked again');
  assert.equal(joiner.log.snapshots, [{ id: 3, symbols: ['MSFT'] }], 'seeded once it answers');
  for (const es of server.open) if (es.readyState === 0) server.serve(es); // the stream re-opened for AAPL,MSFT
  await settle();
  server.publish('MSFT', 'AAPL');
  assert.equal(ids(joiner.log.ticks), [4]);
  assert.is(sub.status.state, 'live');
});

test('a replay handed over before the shared stream’s snapshot arrived leaves no table waiting', async () => {
  const { server, hub } = setup();
  const live = recorder();
  hub.subscribe(SRC, { symbols: ['AAPL'] }, live.listener);
  await settle();
  const shared = server.only; // opened, but the server has not answered yet

  const replay = recorder();
  hub.subscribe(SRC, { symbols: ['MSFT'], lastEventId: 0 }, replay.listener);
  await settle();
  const own = server.open.find((es) => es !== shared)!;
  server.serve(own); // caught up at once: handed over, re-opening the shared stream from its cursor
  await settle();
  const reopened = server.only;
  assert.is.not(reopened, shared);
  assert.ok(reopened.resumeFrom !== null, 'resumed from the replay’s cursor: no snapshot will come');
  server.serve(reopened);
  await settle();
  assert.equal(live.log.snapshots, [{ id: 3, symbols: ['AAPL'] }], 'the live table got its start from /api/quotes');

  server.publish('AAPL', 'MSFT');
  assert.equal(ids(live.log.ticks), [4]);
  assert.equal(ids(replay.log.ticks), [2, 5]);
});

test.run();

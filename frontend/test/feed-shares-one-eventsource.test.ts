// Tables reading the same src share one EventSource subscribed to the union of their symbols;
// when the union changes the stream is re-opened from the last id, and every table still gets
// each of its ticks exactly once. (Unit tests: a fake EventSource and server, in Node.) Tables that
// replay from an id: feed-replays-on-a-stream-of-its-own.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recorder, settle, fakeFeed, ids, logIds } from './helpers/fake-feed.ts';

const SRC = 'http://feed.test/stream';
const setup = () => fakeFeed(['AAPL', 'MSFT', 'NVDA', 'TSLA']);

test('tables on one src share one EventSource subscribed to the union of their symbols', async () => {
  const { server, hub } = setup();
  const a = recorder();
  const b = recorder();
  hub.subscribe(SRC, { symbols: ['AAPL'] }, a.listener);
  hub.subscribe(SRC, { symbols: ['MSFT', 'AAPL'] }, b.listener);
  await settle();
  const es = server.only;
  assert.is(es.url.searchParams.get('symbols'), 'AAPL,MSFT');
  assert.is(es.resumeFrom, null, 'no resume point: the server sends a snapshot');
  server.serve(es);
  assert.equal(a.log.snapshots, [{ id: 4, symbols: ['AAPL'] }]);
  assert.equal(b.log.snapshots, [{ id: 4, symbols: ['AAPL', 'MSFT'] }]);
  server.publish('AAPL', 'MSFT', 'AAPL');
  assert.equal(ids(a.log.ticks), [5, 7], 'each table gets only its symbols');
  assert.equal(ids(b.log.ticks), [5, 6, 7]);
  assert.is(a.log.states.at(-1), 'live');
});

test('another src gets its own EventSource; a relative src resolves against the page', async () => {
  const { server, hub } = setup();
  hub.subscribe(SRC, {}, recorder().listener);
  hub.subscribe('http://other.test/stream', {}, recorder().listener);
  hub.subscribe('/stream', {}, recorder().listener);
  await settle();
  assert.equal(server.open.map((s) => s.url.origin).sort(), ['http://feed.test', 'http://other.test', 'http://page.test']);
  assert.is(hub.size, 3);
});

test('a newcomer with new symbols re-opens the stream from the last id; nobody loses or repeats a tick', async () => {
  const { server, hub } = setup();
  const a = recorder();
  hub.subscribe(SRC, { symbols: ['AAPL'] }, a.listener);
  await settle();
  const first = server.only;
  server.serve(first);
  server.publish('AAPL', 'NVDA', 'AAPL');

  const c = recorder();
  hub.subscribe(SRC, { symbols: ['NVDA'] }, c.listener);
  server.publish('AAPL', 'NVDA'); // while the newcomer's quotes are being fetched
  await settle();
  assert.ok(server.fetched.some((f) => f === '/api/quotes?symbols=NVDA'), 'the newcomer starts from /api/quotes');
  const second = server.only;
  assert.ok(first.closed);
  assert.is(second.url.searchParams.get('symbols'), 'AAPL,NVDA');
  assert.is(second.resumeFrom, 8, 'resumes from the last id the old stream delivered (the lowest cursor)');
  server.serve(second);
  server.publish('NVDA', 'AAPL', 'TSLA', 'NVDA');

  assert.equal(ids(a.log.ticks), logIds(server, ['AAPL'], 4), 'AAPL: every tick after the snapshot, once');
  assert.equal(c.log.snapshots.length, 1);
  const seededAt = c.log.snapshots[0].id;
  assert.equal(ids(c.log.ticks), logIds(server, ['NVDA'], seededAt), 'NVDA: every tick after its quotes, once');
  assert.is(server.open.length, 1);
});

test('leaving narrows the union (re-opened from the last id); the last one out closes the stream', async () => {
  const { server, hub } = setup();
  const a = recorder();
  const subA = hub.subscribe(SRC, { symbols: ['AAPL'] }, a.listener);
  const subB = hub.subscribe(SRC, { symbols: ['MSFT'] }, recorder().listener);
  await settle();
  server.serve(server.only);
  server.publish('AAPL', 'MSFT');
  subB.close();
  await settle();
  const narrowed = server.only;
  assert.is(narrowed.url.searchParams.get('symbols'), 'AAPL');
  assert.is(narrowed.resumeFrom, 6);
  server.serve(narrowed);
  server.publish('MSFT', 'AAPL');
  assert.equal(ids(a.log.ticks), [5, 8]);
  subA.close();
  await settle();
  assert.is(server.open.length, 0);
  assert.is(hub.size, 0);
});

test.run();

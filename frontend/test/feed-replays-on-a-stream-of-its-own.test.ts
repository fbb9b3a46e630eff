// A table replaying from an id gets an EventSource of its own, so the live tables on its src are
// never held back by the replay; once caught up it is handed over to the shared stream (keeping its
// cursor; the shared stream re-opens from the lowest cursor) and its own stream closes, with every
// tick delivered once, in order. (Unit tests: a fake
// EventSource and server, in Node; `serveSlowly` stands for a log large enough to take a while.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FeedHub } from '../src/feed/hub.ts';
import { FakeServer, recorder, settle, fakeFeed, ids, logIds } from './helpers/fake-feed.ts';

const SRC = 'http://feed.test/stream';
const setup = () => fakeFeed(['AAPL', 'MSFT', 'NVDA', 'TSLA']);

/** A live table (every symbol) on SRC, served and receiving. */
async function liveTable(server: FakeServer, hub: FeedHub) {
  const live = recorder();
  const sub = hub.subscribe(SRC, {}, live.listener);
  await settle();
  const es = server.only;
  server.serve(es);
  return { live, sub, es };
}

test('a replaying table opens a second stream; the live table’s stream is not re-opened', async () => {
  const { server, hub } = setup();
  const { es: shared } = await liveTable(server, hub);
  server.publish('AAPL', 'MSFT');

  hub.subscribe(SRC, { lastEventId: 0 }, recorder().listener);
  await settle();
  assert.is(server.open.length, 2);
  assert.ok(!shared.closed, 'the shared stream stays open');
  assert.is(server.sources.length, 2, 'and was not replaced');
  assert.is(shared.resumeFrom, null);
  const own = server.open.find((es) => es !== shared)!;
  assert.is(own.resumeFrom, 0, 'the replay asks for its own resume point');
  assert.is(hub.size, 2);
});

test('live tables keep receiving during the replay; after catch-up the replay joins the shared stream', async () => {
  const { server, hub } = setup();
  const { live, es: shared } = await liveTable(server, hub);
  const replay = recorder();
  const sub = hub.subscribe(SRC, { lastEventId: 0 }, replay.listener);
  await settle();
  const own = server.open.find((es) => es !== shared)!;
  server.serveSlowly(own);
  await settle(); // the replay's head is learnt from /api/quotes
  server.replayStep(own, 2);
  assert.is(sub.status.state, 'replaying');

  // Live ticks reach the live table while the replay is still in the old part of the log.
  server.publish('AAPL', 'MSFT', 'NVDA');
  assert.equal(ids(live.log.ticks), [5, 6, 7], 'the live table is not held back');
  assert.equal(ids(replay.log.ticks), [1, 2]);
  assert.is(sub.status.state, 'replaying');

  server.replayStep(own, 2); // 3, 4: the head the replay set out for
  assert.is(sub.status.state, 'live');
  assert.equal(replay.log.states, ['replaying', 'live']);
  assert.is(sub.status.caughtUp, 4);
  await settle();
  assert.ok(own.closed, 'handed over: its own stream is closed');
  const reopened = server.only;
  assert.is.not(reopened, shared);
  assert.is(reopened.resumeFrom, 4, 'the shared stream resumes from the replay’s cursor, the lowest');
  assert.is(hub.size, 1);
  server.serve(reopened); // 5, 6, 7 again: the live table drops them, the replayed one needs them

  server.publish('TSLA', 'AAPL');
  assert.equal(ids(replay.log.ticks), logIds(server, null, 0), 'every id once, in order, across the hand-over');
  assert.equal(ids(live.log.ticks), logIds(server, null, 4));
  assert.is(sub.cursor, server.log.lastId);
  assert.equal(live.log.states, ['live'], 'the live table stayed live through the re-open');
});

test('ten live tables and a replaying one use two streams, then one', async () => {
  const { server, hub } = setup();
  const lives = Array.from({ length: 10 }, (_, i) => {
    const r = recorder();
    hub.subscribe(SRC, { symbols: [['AAPL', 'MSFT', 'NVDA', 'TSLA'][i % 4]] }, r.listener);
    return r;
  });
  await settle();
  const shared = server.only;
  server.serve(shared);
  const replay = recorder();
  hub.subscribe(SRC, { lastEventId: 1, symbols: ['MSFT', 'NVDA'] }, replay.listener);
  await settle();
  assert.is(server.open.length, 2);
  const own = server.open.find((es) => es !== shared)!;
  server.serveSlowly(own);
  await settle();
  server.publish('MSFT', 'AAPL');
  server.replayStep(own, 100);
  await settle();
  assert.ok(shared.closed && own.closed, 'handed over; the shared stream re-opened from the replay’s cursor');
  server.serve(server.only);
  server.publish('NVDA');
  assert.equal(ids(replay.log.ticks), logIds(server, ['MSFT', 'NVDA'], 1));
  for (const [i, r] of lives.entries()) assert.equal(ids(r.log.ticks), logIds(server, [['AAPL', 'MSFT', 'NVDA', 'TSLA'][i % 4]], 4));
});

test('a replay hands over whichever of the two streams the server writes first', async () => {
  // The server writes each batch to the shared stream's filter group before the replay's (it was
  // subscribed first), so the shared stream is always a batch ahead: the hand-over must not wait
  // for the replay's cursor to pass it.
  for (const [replaying, living] of [['AAPL', 'MSFT'], ['MSFT', 'AAPL']]) {
    const { server, hub } = setup();
    const live = recorder();
    hub.subscribe(SRC, { symbols: [living] }, live.listener);
    await settle();
    server.serve(server.only);
    const replay = recorder();
    hub.subscribe(SRC, { lastEventId: 0, symbols: [replaying] }, replay.listener);
    await settle();
    const own = server.open.find((es) => es.resumeFrom === 0)!;
    server.serveSlowly(own);
    await settle();
    server.publish('AAPL', 'MSFT'); // 5, 6 reach the shared stream first
    server.replayStep(own, 100); // then the replay: 1 and 5 for AAPL, 2 and 6 for MSFT
    await settle();
    assert.is(server.open.length, 1, `replaying ${replaying}: handed over`);
    const widened = server.only;
    assert.is(widened.url.searchParams.get('symbols'), 'AAPL,MSFT');
    server.serve(widened);
    server.publish('AAPL', 'MSFT', 'AAPL');
    assert.equal(ids(replay.log.ticks), logIds(server, [replaying], 0), `replaying ${replaying}: every id once`);
    assert.equal(ids(live.log.ticks), logIds(server, [living], 4), `live ${living}: every id once`);
  }
});

test('a replay with symbols the shared stream lacks widens it from the replay’s cursor', async () => {
  const { server, hub } = setup();
  const live = recorder();
  hub.subscribe(SRC, { symbols: ['AAPL'] }, live.listener);
  await settle();
  const shared = server.only;
  server.serve(shared);
  server.publish('AAPL', 'AAPL'); // 5, 6: the live table's cursor is 6

  const replay = recorder();
  const sub = hub.subscribe(SRC, { lastEventId: 0, symbols: ['MSFT'] }, replay.listener);
  await settle();
  const own = server.open.find((es) => es !== shared)!;
  server.serve(own); // MSFT 2: caught up
  await settle();
  assert.is(sub.status.state, 'live');
  assert.ok(own.closed, 'handed over at once');
  const widened = server.only;
  assert.is(widened.url.searchParams.get('symbols'), 'AAPL,MSFT');
  assert.is(widened.resumeFrom, 2, 'from the replay’s cursor, the lowest');
  server.serve(widened); // 5, 6 again, which the live table drops
  server.publish('AAPL', 'MSFT');
  assert.equal(ids(replay.log.ticks), logIds(server, ['MSFT'], 0));
  assert.equal(ids(live.log.ticks), logIds(server, ['AAPL'], 4));
});

test('alone on its src, a caught-up replay’s stream becomes the shared one, with no reconnect', async () => {
  const { server, hub } = setup();
  const replay = recorder();
  hub.subscribe(SRC, { lastEventId: 2 }, replay.listener);
  await settle();
  server.serve(server.only);
  await settle();
  const first = server.only;
  const live = recorder();
  hub.subscribe(SRC, {}, live.listener);
  await settle();
  assert.is(server.only, first, 'the plain table joins the former replay stream');
  assert.is(server.sources.length, 1);
  assert.is(hub.size, 1);
  server.publish('NVDA');
  assert.equal(ids(replay.log.ticks), [3, 4, 5]);
  assert.equal(ids(live.log.ticks), [5]);
});

test('a dropped replay stream resumes from its last id; closing a replaying table leaves the shared stream alone', async () => {
  const { server, hub } = setup();
  const { live, es: shared } = await liveTable(server, hub);
  const replay = recorder();
  const sub = hub.subscribe(SRC, { lastEventId: 0 }, replay.listener);
  await settle();
  const own = server.open.find((es) => es !== shared)!;
  server.serveSlowly(own);
  await settle();
  server.replayStep(own, 2);
  own.drop();
  assert.is(sub.status.state, 'reconnecting');
  server.publish('AAPL');
  server.serveSlowly(own); // the browser reconnects with Last-Event-ID: 2
  await settle();
  server.replayStep(own, 1);
  assert.is(sub.status.state, 'replaying');
  assert.equal(ids(replay.log.ticks), [1, 2, 3]);
  assert.is(server.sources.length, 2);

  sub.close();
  await settle();
  assert.ok(own.closed);
  assert.is(server.only, shared);
  assert.is(hub.size, 1);
  server.publish('MSFT');
  assert.equal(ids(live.log.ticks), [5, 6]);
});

test.run();

// Market model 2's three kinds of events on one id sequence (`tick`, `quote`, `status`): quotes reach
// the listener of their symbol, status events reach every subscriber whatever its symbols, the
// market's session is told on status events and whenever a trade, a quote or a starting point shows
// another one, and cursors move over every event of any kind, so re-opens and hand-overs resume
// after the last quote or status, never repeating it. A server before model 2 (trades only) still
// works, and so does a listener written before it (no `quote`, no `market`). (Unit tests: a fake
// EventSource and server.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayStream } from '../src/feed/replay-stream.ts';
import { SharedStream } from '../src/feed/shared-stream.ts';
import { fakeFeed, FakeLog, FakeServer, fakeMarketTime, ids, kindOf, recorder, settle } from './helpers/fake-feed.ts';

const SRC = 'http://feed.test/stream';

/** The ids of the trades and quotes of `symbols` after `after` in the log (what `recorder().log.events` holds). */
const tradeAndQuoteIds = (server: FakeServer, symbols: string[] | null, after: number): number[] =>
  ids(server.log.after(after, symbols ? new Set(symbols) : null).filter((e) => kindOf(e) !== 'status'));

test('quotes reach the tables of their symbol, status events every table, each once', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT'], 'pre-market');
  const a = recorder();
  const m = recorder();
  const subA = hub.subscribe(SRC, { symbols: ['AAPL'] }, a.listener);
  const subM = hub.subscribe(SRC, { symbols: ['MSFT'] }, m.listener);
  await settle();
  const es = server.only;
  assert.is(es.url.searchParams.get('symbols'), 'AAPL,MSFT', 'one stream for both');
  server.serve(es);
  // 3: AAPL quote, 4: the open, 5: MSFT trade, 6: MSFT quote
  server.publish({ quote: 'AAPL' }, { status: 'regular' }, 'MSFT', { quote: 'MSFT' });
  assert.equal(ids(a.log.quotes), [3]);
  assert.equal(ids(m.log.quotes), [6]);
  assert.equal(ids(a.log.ticks), []);
  assert.equal(ids(m.log.ticks), [5]);
  assert.is(a.log.quotes[0].bid, 99.99);
  const open = { session: 'regular', marketTime: fakeMarketTime(4) };
  assert.equal(a.log.markets.at(-1), open, 'AAPL’s table hears the open although it has no symbol');
  assert.equal(m.log.markets.at(-1), open);
  assert.is(subA.cursor, 6, 'moved over the MSFT events too: everything up to 6 has been seen');
  assert.is(subM.cursor, 6);
});

test('market: told from the snapshot, on every status event, and when a trade or quote shows another session', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT'], 'pre-market');
  const r = recorder();
  hub.subscribe(SRC, {}, r.listener);
  await settle();
  server.serve(server.only);
  assert.equal(r.log.markets, [{ session: 'pre-market', marketTime: fakeMarketTime(2) }], 'from the snapshot: the newest trade’s clock');
  server.publish('AAPL', { quote: 'MSFT' });
  assert.is(r.log.markets.length, 1, 'the same session: not told again');
  server.publish({ status: 'regular' }, { status: 'regular' });
  assert.equal(
    r.log.markets.slice(1),
    [
      { session: 'regular', marketTime: fakeMarketTime(5) },
      { session: 'regular', marketTime: fakeMarketTime(6) },
    ],
    'every status event, even one repeating the session',
  );
  server.log.session = 'after-hours'; // a trade in the next session, its status event not seen
  server.publish('MSFT');
  assert.equal(r.log.markets.at(-1), { session: 'after-hours', marketTime: fakeMarketTime(7) });
  assert.is(r.log.markets.length, 4);
});

test('a table joining a running feed learns the session from /api/quotes', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT'], 'regular');
  hub.subscribe(SRC, {}, recorder().listener);
  await settle();
  server.serve(server.only);
  server.publish({ status: 'after-hours' }, { quote: 'AAPL' });
  const r = recorder();
  const sub = hub.subscribe(SRC, { symbols: ['AAPL'] }, r.listener);
  await settle();
  server.serve(server.only);
  assert.is(sub.status.state, 'live');
  assert.equal(r.log.markets, [{ session: 'after-hours', marketTime: fakeMarketTime(4) }], 'the newest event’s clock');
  assert.is(r.log.snapshotTicks[0].bid, 99.99, 'the bid of the quote newer than the trade');
});

test('a re-open resumes after the last quote or status seen, not the last tick', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT'], 'regular');
  const r = recorder();
  const sub = hub.subscribe(SRC, { symbols: ['AAPL'] }, r.listener);
  await settle();
  server.serve(server.only);
  server.publish('AAPL', { quote: 'AAPL' }); // 3, 4
  assert.is(sub.cursor, 4);

  server.streamStatus = 503; // the browser gives up; the feed re-opens from its cursor
  server.only.fail();
  await settle();
  server.publish({ quote: 'AAPL' }, { status: 'after-hours' }, 'MSFT'); // 5, 6, 7: committed meanwhile
  server.streamStatus = 200;
  server.runTimers();
  await settle();
  const again = server.only;
  assert.is(again.resumeFrom, 4, 'after the quote');
  server.serve(again);
  assert.is(sub.cursor, 6, 'the status event is ours; MSFT’s trade was not sent');

  // Now with a status event last: the silence watchdog's re-open starts from it.
  server.streamStatus = 503;
  again.fail();
  await settle();
  server.streamStatus = 200;
  server.runTimers();
  await settle();
  assert.is(server.only.resumeFrom, 6, 'after the status event');
  server.serve(server.only);
  server.publish({ quote: 'AAPL' }, 'AAPL');
  assert.equal(r.log.events, tradeAndQuoteIds(server, ['AAPL'], 2), 'every AAPL trade and quote after the snapshot, once');
  assert.equal(
    r.log.markets.map((x) => x.session),
    ['regular', 'after-hours'],
  );
});

test('a replay through quotes and status events is handed over with nothing lost or repeated', async () => {
  const server = new FakeServer(new FakeLog(['AAPL', 'MSFT'], 'pre-market'));
  server.publish('AAPL', { quote: 'MSFT' }, { status: 'regular' }, { quote: 'AAPL' }, 'MSFT', { quote: 'AAPL' });
  const hooks = { onEmpty: () => {}, openStreamsTo: () => 0, slowConnectionMs: () => 10_000 };
  const shared = new SharedStream(new URL(SRC), server.env, hooks);
  const live = recorder();
  shared.add({}, live.listener);
  await settle();
  const sharedEs = server.only;
  server.serve(sharedEs);

  const replay = new ReplayStream(new URL(SRC), server.env, hooks, { shared: () => shared, becomeShared: () => {} });
  const r = recorder();
  const sub = replay.stream.add({ lastEventId: 1 }, r.listener);
  await settle();
  const own = server.open.find((es) => es !== sharedEs)!;
  server.serveSlowly(own);
  server.replayStep(own, 4); // 2 … 5
  assert.is(sub.state, 'catching-up');
  server.publish({ quote: 'MSFT' }); // 7: live on the shared stream, waiting in the replay's
  server.replayStep(own, 2); // 6, the log's newest when the replay opened: handed over there
  assert.is(sub.state, 'caught-up', 'caught up on the log’s newest then (every event is ours)');
  assert.is(replay.state, 'handed-over');
  assert.is(sub.cursor, 6);

  await settle();
  const reopened = server.only;
  assert.is(reopened.resumeFrom, 6, 'the shared stream re-opened from the lowest cursor, after the quote');
  server.serve(reopened); // 7 again: the live table drops it
  server.publish({ status: 'after-hours' }, { quote: 'AAPL' }, 'AAPL');
  assert.equal(r.log.events, tradeAndQuoteIds(server, null, 1), 'every trade and quote after 1, once');
  assert.equal(
    r.log.markets.map((x) => x.session),
    ['pre-market', 'regular', 'after-hours'],
    'the first replayed event’s session, then each status event',
  );
  assert.equal(live.log.events, tradeAndQuoteIds(server, null, 6), 'the live table: nothing twice');
});

test('a server before market model 2: trades only, as before, and no market is told', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT']);
  const r = recorder();
  const sub = hub.subscribe(SRC, {}, r.listener);
  await settle();
  server.serve(server.only);
  server.publish('AAPL', 'MSFT');
  server.only.drop();
  server.publish('AAPL');
  server.serve(server.only); // the browser's own reconnect, with Last-Event-ID
  await settle();
  assert.equal(ids(r.log.ticks), [3, 4, 5]);
  assert.is(sub.cursor, 5);
  assert.is(sub.status.state, 'live');
  assert.equal(r.log.quotes, []);
  assert.equal(r.log.markets, []);
  assert.is(r.log.ticks[0].session, undefined);
});

test('a listener written before market model 2 (no quote, no market) on a model-2 server', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT'], 'regular');
  const r = recorder({ v1: true });
  const sub = hub.subscribe(SRC, { symbols: ['AAPL'] }, r.listener);
  await settle();
  server.serve(server.only);
  server.publish({ quote: 'AAPL' }, { status: 'after-hours' }, 'AAPL');
  assert.equal(ids(r.log.ticks), [5], 'its trades, and nothing else');
  assert.is(sub.cursor, 5);
});

test.run();

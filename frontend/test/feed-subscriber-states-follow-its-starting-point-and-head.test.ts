// A subscriber's state machine (src/feed/subscriber.ts), one transition at a time: where its
// starting point comes from (the stream's snapshot or /api/quotes), when a replay has caught up,
// what a reset, a dropped connection, a failure or a close does, and what its table is told on the
// way. (Unit tests: no stream; each test plays the stream's part by calling the transitions.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { slowConnectionMessage, Subscriber } from '../src/feed/subscriber.ts';
import { FakeLog, FakeServer, recorder } from './helpers/fake-feed.ts';

/** A subscriber on a stand-in stream, with a log of AAPL 1, MSFT 2, AAPL 3, MSFT 4. */
function setup(symbols: string[], startId: number | null) {
  const log = new FakeLog(['AAPL', 'MSFT']);
  const ticks = ['AAPL', 'MSFT', 'AAPL', 'MSFT'].map((s) => log.append(s));
  const removed: Subscriber[] = [];
  const r = recorder();
  const sub = new Subscriber(symbols, startId, r.listener, { origin: 'http://feed.test', remove: (s) => removed.push(s) });
  return { log, ticks, sub, r, removed };
}

test('waiting → caught-up from the stream snapshot: told the snapshot of its symbols, then live', () => {
  const { ticks, sub, r } = setup(['MSFT'], null);
  assert.is(sub.state, 'waiting');
  assert.is(sub.cursor, null);
  sub.snapshot(ticks.slice(2), 4);
  assert.is(sub.state, 'caught-up');
  assert.is(sub.cursor, 4);
  assert.equal(r.log.snapshots, [{ id: 4, symbols: ['MSFT'] }]);
  assert.equal(r.log.states, ['live']);
});

test('waiting → seeding → caught-up from /api/quotes; still connecting until its stream opens', () => {
  const { ticks, sub, r } = setup([], null);
  sub.seeding();
  assert.is(sub.state, 'seeding');
  assert.ok(sub.seeded(ticks.slice(2), 4));
  assert.is(sub.state, 'caught-up');
  assert.is(sub.cursor, 4);
  assert.equal(r.log.snapshots, [{ id: 4, symbols: ['AAPL', 'MSFT'] }]);
  assert.equal(r.log.states, [], 'not live before the stream serving it has opened');
  assert.is(sub.streamOpened(), false, 'nothing to learn');
  assert.equal(r.log.states, ['live']);
});

test('seeding: a snapshot that comes first wins, and the late /api/quotes answer is dropped', () => {
  const { ticks, sub, r } = setup([], null);
  sub.seeding();
  sub.snapshot(ticks.slice(2), 4);
  assert.not.ok(sub.seeded(ticks.slice(0, 2), 2), 'an older starting point would repeat ticks');
  assert.is(sub.cursor, 4);
  assert.is(r.log.snapshots.length, 1);
});

test('seeding → (a 5xx) reconnecting, then waiting to be seeded again, backing off 1 s, 2 s, …', () => {
  const { sub, r } = setup([], null);
  const server = new FakeServer(new FakeLog([]));
  let retries = 0;
  for (const expected of [1000, 2000, 4000]) {
    sub.seeding();
    sub.seedFailed('log unavailable', server.env, () => retries++);
    assert.is(sub.state, 'seeding', 'still seeding while the retry is due');
    assert.is(sub.status.state, 'reconnecting');
    assert.is(sub.status.message, 'log unavailable; retrying…');
    assert.is(server.delays.at(-1), expected);
    server.runTimers();
    assert.is(sub.state, 'waiting');
  }
  assert.is(retries, 3);
  assert.equal(r.log.states, ['reconnecting']);
});

test('catching-up → caught-up once its head is delivered: replaying, counting its own ticks, then live', () => {
  const { ticks, sub, r } = setup(['AAPL'], 0);
  assert.is(sub.state, 'catching-up');
  assert.is(sub.head, null);
  assert.ok(sub.streamOpened(), 'its head is still to be learnt');
  sub.learnHead({ lastEventId: 4, quotes: [ticks[2], ticks[3]] });
  assert.is(sub.head, 3, 'the newest AAPL tick');
  sub.receive({ kind: 'tick', event: ticks[0] });
  sub.receive({ kind: 'tick', event: ticks[1] }); // not ours, but brings the cursor along
  assert.is(sub.state, 'catching-up');
  assert.is(sub.cursor, 2);
  sub.receive({ kind: 'tick', event: ticks[2] });
  assert.is(sub.state, 'caught-up');
  assert.is(sub.status.caughtUp, 2);
  assert.equal(r.log.states, ['replaying', 'live']);
  assert.equal(
    r.log.ticks.map((t) => t.id),
    [1, 3],
  );
});

test('catching-up: a resume point beyond the log newest ends only with the first tick after it', () => {
  const { log, sub } = setup([], 9);
  sub.learnHead({ lastEventId: 4, quotes: log.latest(null) });
  assert.is(sub.head, 10, 'unconfirmed until the server answers it');
  assert.is(sub.state, 'catching-up');
});

test('catching-up → caught-up when its head cannot be learnt: live rather than replaying for ever', () => {
  const { sub, r } = setup([], 0);
  sub.streamOpened();
  sub.learnHead(null);
  assert.is(sub.state, 'caught-up');
  assert.equal(r.log.states, ['replaying', 'live']);
});

test('caught-up → catching-up when the connection drops: the head is learnt again on reopening', () => {
  const { ticks, sub, r } = setup([], null);
  sub.snapshot(ticks, 4);
  sub.fallBehind();
  assert.is(sub.state, 'catching-up');
  assert.is(sub.head, null);
  assert.ok(sub.streamOpened());
  assert.equal(r.log.states, ['live', 'replaying']);
  assert.is(sub.status.caughtUp, 0);
});

test('reset → waiting: the cursor is dropped and ticks ignored until the snapshot rebuilds it', () => {
  const { log, ticks, sub, r } = setup([], 0);
  for (const t of ticks) sub.receive({ kind: 'tick', event: t });
  sub.reset({ reason: 'expired', oldestId: 5, latestId: 6 });
  assert.is(sub.state, 'waiting');
  assert.is(sub.cursor, null);
  assert.is(r.log.resets, 1);
  const later = log.append('AAPL');
  sub.receive({ kind: 'tick', event: later });
  assert.is(r.log.ticks.length, 4, 'no tick without a starting point');
  sub.snapshot([later], later.id);
  assert.is(sub.state, 'caught-up');
  assert.is(sub.cursor, 5);
  assert.equal(r.log.snapshots, [{ id: 5, symbols: ['AAPL'] }]);
});

test('failed and closed are final: a late snapshot or head changes nothing; closing twice removes once', () => {
  const { ticks, sub, r, removed } = setup(['NOPE'], null);
  sub.fail('symbols: unknown symbol NOPE', 'UNKNOWN_SYMBOL');
  assert.is(sub.state, 'failed');
  assert.equal(sub.status, { state: 'error', caughtUp: 0, message: 'symbols: unknown symbol NOPE', code: 'UNKNOWN_SYMBOL' });
  sub.snapshot(ticks, 4);
  sub.learnHead(null);
  assert.is(sub.state, 'failed');
  assert.equal(r.log.snapshots, []);
  sub.close();
  sub.close();
  assert.is(sub.state, 'closed');
  assert.equal(removed, [sub]);
});

test('connecting → connecting with a reason once the page streams hold every connection, → live', () => {
  const { ticks, sub, r } = setup([], null);
  const server = new FakeServer(new FakeLog([]));
  let open = 6;
  sub.watchConnecting(server.env, () => 50, () => open);
  server.runTimers();
  assert.is(sub.status.state, 'connecting');
  assert.is(sub.status.message, slowConnectionMessage(6, 'http://feed.test'));
  assert.match(sub.status.message ?? '', /6 streams open to feed\.test/);
  open = 5;
  server.runTimers();
  assert.is(sub.status.message, undefined, 'no reason to give any more');
  sub.snapshot(ticks, 4);
  assert.is(server.timers.size, 0, 'the watch ends with connecting');
  assert.equal(r.log.states, ['connecting', 'connecting', 'live']);
  assert.is(slowConnectionMessage(5, 'http://feed.test'), undefined);
});

test.run();

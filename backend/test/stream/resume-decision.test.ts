// decideResume, the contract's resume rule on its own: no resume point → snapshot; a point N with
// oldestId − 1 ≤ N ≤ lastId → replay after N; older → reset "expired"; newer → reset "unknown".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideResume } from '../../stream/subscription.ts';

test('no resume point: a snapshot, whatever the log holds', () => {
  assert.equal(decideResume(undefined, 0, 0), { kind: 'snapshot' });
  assert.equal(decideResume(undefined, 1, 10), { kind: 'snapshot' });
  assert.equal(decideResume(undefined, 101, 200), { kind: 'snapshot' });
});

test('a point within an unpruned log (ids 1..10) replays after it, 0 meaning everything', () => {
  for (const n of [0, 1, 5, 9, 10]) assert.equal(decideResume(n, 1, 10), { kind: 'replay', after: n }, `N=${n}`);
});

test('on a pruned log (ids 101..200) the floor is oldestId − 1: 100 replays, 99 has expired', () => {
  assert.equal(decideResume(100, 101, 200), { kind: 'replay', after: 100 });
  assert.equal(decideResume(150, 101, 200), { kind: 'replay', after: 150 });
  assert.equal(decideResume(99, 101, 200), { kind: 'reset', reason: 'expired' });
  assert.equal(decideResume(0, 101, 200), { kind: 'reset', reason: 'expired' });
});

test('a point at the head replays nothing and goes live; one past it is unknown', () => {
  assert.equal(decideResume(200, 101, 200), { kind: 'replay', after: 200 });
  assert.equal(decideResume(201, 101, 200), { kind: 'reset', reason: 'unknown' });
  assert.equal(decideResume(2 ** 53, 101, 200), { kind: 'reset', reason: 'unknown' });
});

test('an empty log: only 0 (its head) is within it, anything else is unknown', () => {
  assert.equal(decideResume(0, 0, 0), { kind: 'replay', after: 0 });
  assert.equal(decideResume(1, 0, 0), { kind: 'reset', reason: 'unknown' });
  assert.equal(decideResume(5000, 0, 0), { kind: 'reset', reason: 'unknown' });
});

test('an edge that started over mid-feed (its log holds 5001..5100): 5000 replays, older has expired', () => {
  // A follower that cleared its log takes the feed up at whatever id the stream still holds.
  assert.equal(decideResume(5000, 5001, 5100), { kind: 'replay', after: 5000 });
  assert.equal(decideResume(4999, 5001, 5100), { kind: 'reset', reason: 'expired' });
  assert.equal(decideResume(0, 5001, 5100), { kind: 'reset', reason: 'expired' });
  // Its first tick only: the floor and the head are one apart.
  assert.equal(decideResume(5000, 5001, 5001), { kind: 'replay', after: 5000 });
  assert.equal(decideResume(5001, 5001, 5001), { kind: 'replay', after: 5001 });
  assert.equal(decideResume(5002, 5001, 5001), { kind: 'reset', reason: 'unknown' });
});

test('an edge that is behind: a point it has not caught up to is unknown, the same point once caught up replays', () => {
  // The stream route first waits (up to 5 s) for the edge's log to reach N; the decision then
  // sees the log as it is: still behind → unknown, caught up → replay.
  assert.equal(decideResume(150, 1, 100), { kind: 'reset', reason: 'unknown' });
  assert.equal(decideResume(150, 1, 150), { kind: 'replay', after: 150 });
  // A cleared edge log that has not taken anything up yet is empty: everything but 0 is unknown.
  assert.equal(decideResume(150, 0, 0), { kind: 'reset', reason: 'unknown' });
});

test.run();

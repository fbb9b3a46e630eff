import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogGapError, openLog } from '../../log/log.ts';
import type { LoggedEvent } from '../../types.ts';
import { draft, drafts, quoteDraft, spanOnDisk, statusDraft, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
let feed: LoggedEvent[];
test.before.each(() => {
  tmp = tempDir();
  // The leader's feed: 30 events with ids 1..30, each round an AAPL trade, an MSFT quote and an
  // NVDA trade, or (every fifth round) a status event.
  const leader = openLog({ path: ':memory:', retention: 1000 });
  feed = [];
  for (let round = 1; round <= 10; round++) {
    feed.push(...leader.append([draft('AAPL', round), quoteDraft('MSFT', round), round % 5 === 0 ? statusDraft('after-hours', round) : draft('NVDA', round)]));
  }
  leader.close();
});
test.after.each(() => tmp.remove());

test('a follower stores the leader’s events of every kind byte for byte, with the leader’s ids', () => {
  const follower = openLog({ path: tmp.file(), retention: 1000 });
  assert.equal(follower.appendReplicated(feed.slice(0, 12)), feed.slice(0, 12));
  assert.equal(follower.appendReplicated(feed.slice(12)), feed.slice(12));
  assert.equal(follower.readAfter(0, null, 100), feed);
  assert.equal(follower.latest().map((t) => t.id), [28, 27]);
  assert.equal(follower.latestQuotes().map((t) => t.id), [29]);
  assert.equal(follower.newestEvent(), feed[29]);
  follower.close();
});

test('ticks at or below lastId are skipped, so redelivery is harmless', () => {
  const follower = openLog({ path: tmp.file(), retention: 1000 });
  follower.appendReplicated(feed.slice(0, 10));
  assert.equal(follower.appendReplicated(feed.slice(0, 10)), []);
  const stored = follower.appendReplicated(feed.slice(5, 15));
  assert.equal(stored.map((t) => t.id), [11, 12, 13, 14, 15]);
  assert.is(follower.lastId(), 15);
  follower.close();
  assert.equal(spanOnDisk(tmp.file()), { count: 15, min: 1, max: 15 });
});

test('a gap throws LogGapError naming expected and got, and writes nothing', () => {
  const follower = openLog({ path: tmp.file(), retention: 1000 });
  follower.appendReplicated(feed.slice(0, 10));
  assert.throws(() => follower.appendReplicated(feed.slice(11, 20)), (e: unknown) => e instanceof LogGapError && e.expected === 11 && e.got === 12);
  // A hole in the middle of an otherwise contiguous batch: its good head must not be stored either.
  assert.throws(() => follower.appendReplicated([feed[10], feed[11], feed[13]]), (e: unknown) => e instanceof LogGapError && e.expected === 13 && e.got === 14);
  assert.is(follower.lastId(), 10);
  assert.equal(spanOnDisk(tmp.file()), { count: 10, min: 1, max: 10 });
  assert.equal(follower.appendReplicated(feed.slice(10)).length, 20);
  follower.close();
});

test('an empty follower may start at any id, then must continue from there', () => {
  const follower = openLog({ path: tmp.file(), retention: 1000 });
  assert.equal(follower.appendReplicated(feed.slice(20, 25)).map((t) => t.id), [21, 22, 23, 24, 25]);
  assert.is(follower.oldestId(), 21);
  assert.equal(follower.stats().count, 5);
  assert.throws(() => follower.appendReplicated(feed.slice(26)), (e: unknown) => e instanceof LogGapError && e.expected === 26 && e.got === 27);
  assert.equal(follower.append(drafts(['AAPL'])).map((t) => t.id), [26], 'a promoted follower continues the sequence');
  follower.close();

  const reopened = openLog({ path: tmp.file(), retention: 1000 });
  assert.is(reopened.oldestId(), 21);
  assert.is(reopened.lastId(), 26);
  reopened.close();
});

test('a tick whose JSON disagrees with its id is refused', () => {
  const follower = openLog({ path: tmp.file(), retention: 1000 });
  assert.throws(() => follower.appendReplicated([{ ...feed[0], json: feed[1].json }]), /carries id 2/);
  assert.is(follower.lastId(), 0);
  follower.close();
});

test('an event whose kind and symbol disagree is refused: a status has no symbol, a trade or quote has one', () => {
  const follower = openLog({ path: tmp.file(), retention: 1000 });
  follower.appendReplicated(feed.slice(0, 14));
  const status = feed[14];
  assert.is(status.kind, 'status');
  assert.throws(() => follower.appendReplicated([{ ...status, symbol: 'AAPL' }]), /status event has no symbol/);
  assert.throws(() => follower.appendReplicated([{ ...feed[15], symbol: '' }]), /no symbol/);
  assert.throws(() => follower.appendReplicated([{ ...status, kind: 'trade' as never }]), /unknown kind/);
  assert.is(follower.lastId(), 14);
  assert.equal(follower.appendReplicated(feed.slice(14)).length, 16);
  follower.close();
});

test('replicated events are pruned like appended ones', () => {
  const follower = openLog({ path: tmp.file(), retention: 8, pruneBatch: 2 });
  for (let i = 0; i < feed.length; i += 3) follower.appendReplicated(feed.slice(i, i + 3));
  assert.equal(spanOnDisk(tmp.file()), { count: 8, min: 23, max: 30 });
  assert.is(follower.oldestId(), 23);
  follower.close();
});

test.run();

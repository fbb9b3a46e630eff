import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { drafts, spanOnDisk, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA'];
let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('the newest `retention` events are kept, and oldestId follows the pruning', () => {
  const log = openLog({ path: tmp.file(), retention: 100, pruneBatch: 10 });
  for (let round = 1; round <= 60; round++) {
    log.append(drafts(SYMBOLS, round));
    const span = spanOnDisk(tmp.file());
    const stats = log.stats();
    assert.ok(span.count <= 100, `round ${round}: ${span.count} rows on disk`);
    assert.is(stats.count, span.count, 'stats agree with the disk');
    assert.is(log.oldestId(), span.min);
    assert.is(log.lastId(), span.max);
  }
  assert.equal(spanOnDisk(tmp.file()), { count: 100, min: 321, max: 420 });
  log.close();
});

test('a batch larger than pruneBatch still converges to the retention', () => {
  const big = Array.from({ length: 5 }, () => SYMBOLS).flat(); // 35 rows per append
  const log = openLog({ path: tmp.file(), retention: 100, pruneBatch: 10 });
  for (let round = 1; round <= 20; round++) log.append(drafts(big, round));
  assert.equal(log.stats().count, 100);
  assert.equal(spanOnDisk(tmp.file()), { count: 100, min: 601, max: 700 });
  log.close();
});

test('reading from before the oldest retained id starts at the oldest', () => {
  const log = openLog({ path: tmp.file(), retention: 100, pruneBatch: 10 });
  for (let round = 1; round <= 30; round++) log.append(drafts(SYMBOLS, round));
  const oldest = log.oldestId();
  assert.is(oldest, 111);
  assert.is(log.readAfter(0, null, 5)[0].id, oldest);
  assert.is(log.readAfter(oldest - 50, { symbols: new Set(['AAPL']), kinds: null }, 5)[0].id >= oldest, true);
  assert.is(log.readAfter(0, null, 1000).length, 100);
  log.close();
});

test('opening with a lower retention prunes the backlog down to it', () => {
  const first = openLog({ path: tmp.file(), retention: 10_000 });
  for (let round = 1; round <= 100; round++) first.append(drafts(SYMBOLS, round));
  first.close();
  assert.equal(spanOnDisk(tmp.file()), { count: 700, min: 1, max: 700 });

  const reopened = openLog({ path: tmp.file(), retention: 50, pruneBatch: 7 });
  assert.equal(spanOnDisk(tmp.file()), { count: 50, min: 651, max: 700 });
  assert.is(reopened.oldestId(), 651);
  assert.is(reopened.stats().count, 50);
  assert.equal(reopened.append(drafts(['AAPL'])).map((t) => t.id), [701]);
  assert.is(reopened.oldestId(), 652);
  reopened.close();
});

test('a symbol whose every tick was pruned drops out of latest()', () => {
  const log = openLog({ path: tmp.file(), retention: 10, pruneBatch: 10 });
  log.append(drafts(['RARE']));
  for (let round = 1; round <= 4; round++) log.append(drafts(['AAPL', 'MSFT'], round));
  assert.equal(log.latest().map((t) => t.symbol), ['AAPL', 'MSFT', 'RARE'], '9 rows: RARE (id 1) is still kept');
  log.append(drafts(['AAPL', 'MSFT']));
  assert.equal(log.latest().map((t) => t.symbol), ['AAPL', 'MSFT']);
  log.close();
});

test.run();

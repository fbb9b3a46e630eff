import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { drafts, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('latest() is the newest tick of each symbol, in symbol order, optionally filtered', () => {
  const log = openLog({ path: tmp.file(), retention: 1000 });
  assert.equal(log.latest(), []);
  log.append(drafts(['MSFT', 'AAPL', 'NVDA'], 1)); // 1..3
  log.append(drafts(['AAPL', 'MSFT'], 2)); // 4..5
  log.append(drafts(['AAPL'], 3)); // 6
  assert.equal(log.latest().map((t) => [t.symbol, t.id]), [['AAPL', 6], ['MSFT', 5], ['NVDA', 3]]);
  assert.equal(log.latest(new Set(['NVDA', 'MSFT', 'ZZZZ'])).map((t) => t.id), [5, 3]);
  assert.equal(log.latest(null).length, 3);
  assert.equal(log.latest(new Set()), []);
  assert.is(log.latest(new Set(['AAPL']))[0].json, log.readAfter(5, null, 1)[0].json);
  log.close();
});

test('latest() after a reopen is rebuilt from the file and matches what was cached', () => {
  const log = openLog({ path: tmp.file(), retention: 1000 });
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'BRK.B', 'JPM', 'V', 'XOM', 'WMT'];
  for (let round = 1; round <= 40; round++) log.append(drafts(symbols.slice(0, 1 + (round % symbols.length)), round));
  const before = log.latest();
  log.close();

  const reopened = openLog({ path: tmp.file(), retention: 1000 });
  assert.equal(reopened.latest(), before);
  assert.equal(before.length, symbols.length);
  reopened.close();
});

test.run();

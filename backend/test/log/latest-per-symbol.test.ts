import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { draft, drafts, quoteDraft, statusDraft, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('latest() is the newest trade of each symbol, in symbol order, optionally filtered; quotes and status events are not trades', () => {
  const log = openLog({ path: tmp.file(), retention: 1000 });
  assert.equal(log.latest(), []);
  assert.is(log.newestEvent(), null);
  log.append(drafts(['MSFT', 'AAPL', 'NVDA'], 1)); // 1..3
  log.append([draft('AAPL', 2), quoteDraft('NVDA', 2), draft('MSFT', 2)]); // 4..6
  log.append([draft('AAPL', 3), quoteDraft('AAPL', 3), statusDraft('after-hours', 3)]); // 7..9
  assert.equal(log.latest().map((t) => [t.symbol, t.id]), [['AAPL', 7], ['MSFT', 6], ['NVDA', 3]]);
  assert.equal(log.latest(new Set(['NVDA', 'MSFT', 'ZZZZ'])).map((t) => t.id), [6, 3]);
  assert.equal(log.latest(null).length, 3);
  assert.equal(log.latest(new Set()), []);
  assert.is(log.latest(new Set(['AAPL']))[0].json, log.readAfter(6, null, 1)[0].json);
  assert.equal(log.latestQuotes().map((t) => [t.symbol, t.id]), [['AAPL', 8], ['NVDA', 5]]);
  assert.equal(log.newestEvent()?.id, 9);
  log.close();
});

test('latest(), latestQuotes() and newestEvent() after a reopen are rebuilt from the file and match what was cached', () => {
  const log = openLog({ path: tmp.file(), retention: 1000 });
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'BRK.B', 'JPM', 'V', 'XOM', 'WMT'];
  for (let round = 1; round <= 40; round++) {
    const some = symbols.slice(0, 1 + (round % symbols.length));
    log.append([...drafts(some, round), ...some.filter((_, i) => i % 2 === round % 2).map((symbol) => quoteDraft(symbol, round))]);
    if (round % 10 === 0) log.append([statusDraft('after-hours', round)]);
  }
  const before = { trades: log.latest(), quotes: log.latestQuotes(), newest: log.newestEvent() };
  log.close();

  const reopened = openLog({ path: tmp.file(), retention: 1000 });
  assert.equal({ trades: reopened.latest(), quotes: reopened.latestQuotes(), newest: reopened.newestEvent() }, before);
  assert.equal(before.trades.length, symbols.length);
  assert.equal(before.quotes.length, symbols.length);
  assert.is(before.newest?.kind, 'status');
  reopened.close();
});

test.run();

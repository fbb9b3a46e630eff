// A filtered read is filtered whatever the newest-tick cache holds. The cache decides only how to
// read (one rowid scan when the filter covers every symbol the log knows, else per-symbol index
// scans); it must never decide what is returned. Issue 9 saw `?lastEventId=0&symbols=AAPL` answered
// with all 12 symbols by a node whose cache was empty while its file had rows (rows written by
// another process: the case the one-writer lock now refuses, reproduced here with a raw connection).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { openLog } from '../../log/log.ts';
import { tempDir, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('rows the cache never saw are still filtered by symbol', () => {
  const path = tmp.file();
  const log = openLog({ path, retention: 1000 });
  const other = new Database(path);
  const insert = other.prepare('INSERT INTO ticks (id, symbol, ts, json) VALUES (?, ?, ?, ?)');
  ['AAPL', 'MSFT', 'NVDA', 'AAPL', 'MSFT'].forEach((symbol, i) => insert.run(i + 1, symbol, 1000 + i, JSON.stringify({ id: i + 1, symbol })));
  other.close();

  const read = log.readAfter(0, new Set(['AAPL']), 100);
  assert.equal(read.map((t) => [t.id, t.symbol]), [[1, 'AAPL'], [4, 'AAPL']]);
  assert.equal(log.readAfter(0, new Set(['MSFT', 'NVDA']), 100).map((t) => t.id), [2, 3, 5]);
  log.close();
});

test.run();

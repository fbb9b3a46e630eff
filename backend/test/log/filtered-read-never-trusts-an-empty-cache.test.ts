// A filtered read is filtered whatever the newest-event caches hold. The caches decide only how to
// read (one rowid scan when the filter covers every symbol the log knows, else per-symbol index
// scans); they must never decide what is returned. Issue 9 saw `?lastEventId=0&symbols=AAPL` answered
// with all 12 symbols by a node whose cache was empty while its file had rows (rows written by
// another process: the case the one-writer lock now refuses, reproduced here with a raw connection).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { openLog } from '../../log/log.ts';
import type { EventFilter } from '../../types.ts';
import { tempDir, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

const only = (symbols: string[], kinds: EventFilter['kinds'] = null): EventFilter => ({ symbols: new Set(symbols), kinds });

test('rows the cache never saw are still filtered by symbol and kind', () => {
  const path = tmp.file();
  const log = openLog({ path, retention: 1000 });
  const other = new Database(path);
  const insert = other.prepare('INSERT INTO ticks (id, kind, symbol, ts, json) VALUES (?, ?, ?, ?, ?)');
  const rows: Array<[string, string]> = [
    ['tick', 'AAPL'],
    ['quote', 'MSFT'],
    ['status', ''],
    ['tick', 'NVDA'],
    ['quote', 'AAPL'],
    ['tick', 'MSFT'],
  ];
  rows.forEach(([kind, symbol], i) => insert.run(i + 1, kind, symbol, 1000 + i, JSON.stringify({ id: i + 1, symbol, kind })));
  other.close();

  // Status events are market-wide: they pass every symbol filter.
  assert.equal(log.readAfter(0, only(['AAPL']), 100).map((t) => [t.id, t.kind, t.symbol]), [[1, 'tick', 'AAPL'], [3, 'status', ''], [5, 'quote', 'AAPL']]);
  assert.equal(log.readAfter(0, only(['MSFT', 'NVDA']), 100).map((t) => t.id), [2, 3, 4, 6]);
  assert.equal(log.readAfter(0, only(['MSFT', 'NVDA'], new Set(['tick'])), 100).map((t) => t.id), [4, 6]);
  assert.equal(log.readAfter(0, { symbols: null, kinds: new Set(['quote']) }, 100).map((t) => t.id), [2, 5]);
  log.close();
});

test.run();

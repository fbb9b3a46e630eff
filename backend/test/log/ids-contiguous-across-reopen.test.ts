import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { drafts, spanOnDisk, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA'];
let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('ids run 1, 2, 3… across many appends of different sizes', () => {
  const log = openLog({ path: tmp.file(), retention: 1_000_000 });
  const seen: number[] = [];
  for (let round = 1; round <= 50; round++) {
    const batch = drafts(SYMBOLS.slice(0, 1 + (round % 3)), round);
    const logged = log.append(batch);
    assert.is(logged.length, batch.length);
    seen.push(...logged.map((tick) => tick.id));
  }
  assert.equal(seen, Array.from({ length: seen.length }, (_, i) => i + 1));
  assert.is(log.lastId(), seen.length);
  assert.is(log.oldestId(), 1);
  assert.equal(log.stats().count, seen.length);
  log.close();
  assert.equal(spanOnDisk(tmp.file()), { count: seen.length, min: 1, max: seen.length });
});

test('a reopened log continues at max(id) + 1', () => {
  const file = tmp.file();
  for (let open = 0; open < 3; open++) {
    const log = openLog({ path: file, retention: 1_000_000 });
    assert.is(log.lastId(), open * 6);
    const logged = log.append(drafts(SYMBOLS, open).concat(drafts(SYMBOLS, open)));
    assert.equal(logged.map((tick) => tick.id), [1, 2, 3, 4, 5, 6].map((i) => open * 6 + i));
    log.close();
  }
  assert.equal(spanOnDisk(file), { count: 18, min: 1, max: 18 });
});

test('the stored JSON is the tick with id first, in the Tick field order, and nothing else', () => {
  const log = openLog({ path: tmp.file(), retention: 10 });
  // Keys deliberately out of order, plus one that must not reach the log.
  const shuffled = { changePct: 0.5, symbol: 'AAPL', ts: 7, price: 1, bid: 1, ask: 2, size: 3, volume: 4, open: 5, high: 6, low: 0.5, prevClose: 1, change: 0, extra: 'x' };
  const [tick] = log.append([shuffled]);
  const expected = '{"id":1,"ts":7,"symbol":"AAPL","price":1,"bid":1,"ask":2,"size":3,"volume":4,"open":5,"high":6,"low":0.5,"prevClose":1,"change":0,"changePct":0.5}';
  assert.is(tick.json, expected);
  assert.is(log.readAfter(0, null, 10)[0].json, expected, 'replay returns the stored bytes');
  log.close();
});

test('parent directories of the path are created', () => {
  const file = tmp.file('nested/deeper/ticks.db');
  const log = openLog({ path: file, retention: 10 });
  log.append(drafts(SYMBOLS));
  assert.ok(log.stats().bytes > 0);
  log.close();
  assert.equal(spanOnDisk(file), { count: 3, min: 1, max: 3 });
});

test(':memory: works and reports no bytes', () => {
  const log = openLog({ path: ':memory:', retention: 10 });
  assert.equal(log.append(drafts(SYMBOLS)).map((t) => t.id), [1, 2, 3]);
  assert.equal(log.stats(), { count: 3, oldestId: 1, lastId: 3, bytes: 0 });
  log.close();
});

test('close is idempotent and leaves no WAL behind', async () => {
  const fs = await import('node:fs');
  const log = openLog({ path: tmp.file(), retention: 10 });
  log.append(drafts(SYMBOLS));
  log.close();
  log.close();
  assert.not.ok(fs.existsSync(`${tmp.file()}-wal`) && fs.statSync(`${tmp.file()}-wal`).size > 0);
});

test.run();

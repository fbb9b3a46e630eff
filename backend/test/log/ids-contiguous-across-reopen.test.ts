import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { draft, drafts, quoteDraft, spanOnDisk, statusDraft, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

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

/** `value` with its keys in reverse order and one more key that must not reach the log. */
function shuffled<T extends object>(value: T): T {
  return Object.fromEntries([['extra', 'x'], ...Object.entries(value).reverse()]) as T;
}

test('the stored JSON of each kind is in its wire order, id first and kind last, and nothing else', () => {
  const log = openLog({ path: tmp.file(), retention: 10 });
  const logged = log.append([shuffled(draft('AAPL', 7)), shuffled(quoteDraft('AAPL', 8)), shuffled(statusDraft('after-hours', 9))]);
  const expected = [
    '{"id":1,"ts":1763920000007,"symbol":"AAPL","price":100.07,"bid":99.99,"ask":100.01,"size":100,"volume":7000,"open":100,"high":101,"low":99,"prevClose":100,"change":0.07,"changePct":0.07,"bidSize":300,"askSize":500,"marketTime":"2026-03-02T09:30:00.007-05:00","session":"regular","kind":"tick"}',
    '{"id":2,"ts":1763920000008,"symbol":"AAPL","bid":99.08,"ask":99.1,"bidSize":200,"askSize":400,"marketTime":"2026-03-02T09:30:00.008-05:00","session":"regular","kind":"quote"}',
    '{"id":3,"ts":1763920000009,"marketTime":"2026-03-02T09:30:00.009-05:00","session":"after-hours","kind":"status"}',
  ];
  assert.equal(logged.map((event) => event.json), expected);
  assert.equal(logged.map((event) => [event.kind, event.symbol]), [['tick', 'AAPL'], ['quote', 'AAPL'], ['status', '']]);
  assert.equal(log.readAfter(0, null, 10).map((event) => event.json), expected, 'replay returns the stored bytes');
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

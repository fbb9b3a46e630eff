import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import type { MarketEventDraft, MarketSession, TickDraft } from '../../types.ts';
import { draft, drafts, quoteDraft, spanOnDisk, statusDraft, tempDir, withRawDb, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('a transaction that aborts half-way writes nothing, and the next append takes the next id', () => {
  const log = openLog({ path: tmp.file(), retention: 100 });
  log.append(drafts(['AAPL', 'MSFT', 'NVDA']));
  // Added behind the log's back, on its own connection: the third row of the next batch (id 6) fails.
  withRawDb(tmp.file(), (db) =>
    db.exec(`CREATE TRIGGER fail_id_6 BEFORE INSERT ON ticks WHEN NEW.id = 6
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END`),
  );
  assert.throws(() => log.append(drafts(['AAPL', 'MSFT', 'NVDA', 'AMZN'])), /disk says no/);
  assert.is(log.lastId(), 3);
  const { count, oldestId, lastId } = log.stats();
  assert.equal({ count, oldestId, lastId }, { count: 3, oldestId: 1, lastId: 3 });
  assert.equal(spanOnDisk(tmp.file()), { count: 3, min: 1, max: 3 }, 'ids 4 and 5 were rolled back');
  assert.equal(log.latest().map((t) => t.id), [1, 2, 3], 'the newest-tick cache did not see the failed batch');
  assert.is(log.readAfter(3, null, 10).length, 0);
  assert.ok(log.healthy(), 'a constraint failure is not a broken database');

  withRawDb(tmp.file(), (db) => db.exec('DROP TRIGGER fail_id_6'));
  const retried = log.append(drafts(['AAPL', 'MSFT', 'NVDA', 'AMZN']));
  assert.equal(retried.map((t) => t.id), [4, 5, 6, 7], 'no id skipped, none reused');
  log.close();
  assert.equal(spanOnDisk(tmp.file()), { count: 7, min: 1, max: 7 });
});

test('a draft of any kind with a missing or malformed field is refused and leaves no trace', () => {
  const log = openLog({ path: tmp.file(), retention: 100 });
  log.append(drafts(['AAPL']));
  const { symbol: _dropped, ...noSymbol } = draft('MSFT');
  const { price: _price, ...noPrice } = draft('MSFT');
  const { marketTime: _time, ...noMarketTime } = draft('MSFT');
  const { bidSize: _size, ...quoteWithoutSize } = quoteDraft('MSFT');
  const bad: MarketEventDraft[][] = [
    [draft('AAPL'), noSymbol as TickDraft],
    [draft('AAPL'), noPrice as TickDraft],
    [draft('AAPL'), { ...draft('MSFT'), ask: Number.NaN }],
    [draft('AAPL'), noMarketTime as TickDraft],
    [draft('AAPL'), { ...draft('MSFT'), session: 'lunch' as MarketSession }],
    [draft('AAPL'), quoteWithoutSize as MarketEventDraft],
    [draft('AAPL'), { ...quoteDraft('MSFT'), symbol: '' }],
    [draft('AAPL'), { ...statusDraft('regular'), marketTime: '2026-03-02 09:30' }],
    [draft('AAPL'), { ...statusDraft('regular'), kind: 'trade' } as unknown as MarketEventDraft],
  ];
  for (const batch of bad) assert.throws(() => log.append(batch), (e: unknown) => e instanceof TypeError, JSON.stringify(batch[1]));
  assert.is(log.lastId(), 1);
  assert.equal(log.append(drafts(['AAPL'])).map((t) => t.id), [2]);
  log.close();
  assert.equal(spanOnDisk(tmp.file()), { count: 2, min: 1, max: 2 });
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { drafts, tempDir, withRawDb, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('the checkpoint of the newest append that carried one survives a reopen', () => {
  const log = openLog({ path: tmp.file(), retention: 100 });
  assert.is(log.checkpoint(), undefined);
  log.append(drafts(['AAPL']), 'state-1');
  log.append(drafts(['AAPL']));
  assert.is(log.checkpoint(), 'state-1', 'an append without a checkpoint keeps the previous one');
  log.append(drafts(['AAPL']), '{"rng":[1,2,3],"emoji":"📈"}');
  log.close();

  const reopened = openLog({ path: tmp.file(), retention: 100 });
  assert.is(reopened.checkpoint(), '{"rng":[1,2,3],"emoji":"📈"}');
  reopened.close();
});

test('a batch that fails to commit leaves the previous checkpoint in place, on disk and in memory', () => {
  const log = openLog({ path: tmp.file(), retention: 100 });
  log.append(drafts(['AAPL', 'MSFT']), 'before');
  withRawDb(tmp.file(), (db) =>
    db.exec(`CREATE TRIGGER refuse_msft BEFORE INSERT ON ticks WHEN NEW.symbol = 'MSFT'
             BEGIN SELECT RAISE(ABORT, 'refused by test'); END`),
  );
  assert.throws(() => log.append(drafts(['AAPL', 'MSFT']), 'after'), /refused by test/);
  assert.is(log.checkpoint(), 'before');
  assert.is(log.lastId(), 2);
  log.close();

  const reopened = openLog({ path: tmp.file(), retention: 100 });
  assert.is(reopened.checkpoint(), 'before', 'the checkpoint row rolled back with the ticks');
  assert.is(reopened.lastId(), 2);
  reopened.close();
});

test('an empty batch can still record a checkpoint', () => {
  const log = openLog({ path: tmp.file(), retention: 100 });
  assert.equal(log.append([], 'idle'), []);
  assert.is(log.lastId(), 0);
  log.close();
  const reopened = openLog({ path: tmp.file(), retention: 100 });
  assert.is(reopened.checkpoint(), 'idle');
  reopened.close();
});

test.run();

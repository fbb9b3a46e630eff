// A log's history (its epoch): a fresh log gets a random one, a reopened log keeps it, clear(epoch)
// takes another history with an empty log, fork(epoch) relabels the history and keeps the ticks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { draft, tempDir } from './fixtures/log-fixtures.ts';

const EPOCH = /^[0-9a-f]{16}$/;

test('a fresh log gets a new epoch and keeps it across reopening', () => {
  const tmp = tempDir();
  try {
    const log = openLog({ path: tmp.file(), retention: 100 });
    const epoch = log.epoch();
    assert.match(epoch, EPOCH);
    log.append([draft('AAPL')]);
    log.close();
    const reopened = openLog({ path: tmp.file(), retention: 100 });
    assert.is(reopened.epoch(), epoch);
    reopened.close();
    const other = openLog({ path: tmp.file('other.db'), retention: 100 });
    assert.is.not(other.epoch(), epoch, 'two fresh logs hold two histories');
    other.close();
  } finally {
    tmp.remove();
  }
});

test('clear(epoch) empties the log into that history; fork(epoch) keeps the ticks; both survive reopening', () => {
  const tmp = tempDir();
  try {
    const log = openLog({ path: tmp.file(), retention: 100 });
    log.append([draft('AAPL', 1), draft('MSFT', 2)]);
    log.clear('00000000000000aa');
    assert.equal([log.epoch(), log.lastId()], ['00000000000000aa', 0]);
    log.append([draft('AAPL', 3)]);
    log.fork('00000000000000bb');
    assert.equal([log.epoch(), log.lastId()], ['00000000000000bb', 1]);
    assert.throws(() => log.fork('not an epoch'), /not an epoch/);
    assert.throws(() => log.clear('ABC'), /not an epoch/);
    log.close();
    const reopened = openLog({ path: tmp.file(), retention: 100 });
    assert.equal([reopened.epoch(), reopened.lastId()], ['00000000000000bb', 1]);
    reopened.close();
  } finally {
    tmp.remove();
  }
});

test.run();

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { drafts, quoteDraft, statusDraft, tempDir, withRawDb, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('a corrupt page read during replay marks the log unhealthy', () => {
  const file = tmp.file();
  const writer = openLog({ path: file, retention: 100_000 });
  // What market model 2 writes: every symbol trades and quotes, and the session changes now and then.
  for (let round = 1; round <= 500; round++) {
    writer.append([...drafts(['AAPL', 'MSFT', 'NVDA'], round), ...['AAPL', 'MSFT', 'NVDA'].map((symbol) => quoteDraft(symbol, round))]);
    if (round % 100 === 0) writer.append([statusDraft(round % 200 === 0 ? 'regular' : 'after-hours', round)]);
  }
  assert.ok(writer.healthy());
  writer.close();

  // A leaf page of the ticks table from the middle of the log: opening the log only touches the
  // ends of the table and the index, so the damage is met by the full replay, not by openLog.
  const page = withRawDb(file, (db) => {
    const leaves = db
      .prepare("SELECT pageno FROM dbstat WHERE name = 'ticks' AND pagetype = 'leaf' ORDER BY pageno")
      .pluck()
      .all() as number[];
    return { number: leaves[Math.floor(leaves.length / 2)], size: db.pragma('page_size', { simple: true }) as number };
  });
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(page.size, 0xa5), 0, page.size, (page.number - 1) * page.size);
  fs.closeSync(fd);

  const log = openLog({ path: file, retention: 100_000 });
  assert.ok(log.healthy(), 'healthy until the damage is seen');
  assert.throws(() => log.readAfter(0, null, 10_000), /malformed|corrupt/i);
  assert.not.ok(log.healthy());
  log.close();
});

test('an ordinary failed append does not make the log unhealthy', () => {
  const log = openLog({ path: tmp.file(), retention: 100 });
  assert.throws(() => log.append([{ ...drafts(['AAPL'])[0], price: Number.NaN }]));
  assert.ok(log.healthy());
  log.close();
  assert.not.ok(log.healthy(), 'a closed log is not usable either');
});

test.run();

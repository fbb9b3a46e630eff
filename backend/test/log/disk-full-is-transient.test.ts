// A full disk fails the batch (nothing committed, no id used) but does not condemn the log: once
// there is space again, appends continue at the next id and the log reports itself healthy. While
// appends fail, appendErrors() says so (what /healthz's "degraded" and /metrics are built on).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type Database from 'better-sqlite3';
import { openLog } from '../../log/log.ts';
import { drafts, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

test('SQLITE_FULL fails the append, leaves no gap, and the log recovers when space returns', () => {
  const log = openLog({ path: tmp.file(), retention: 1_000_000 });
  log.append(drafts(['AAPL', 'MSFT'], 1));
  // Running out of space on demand: cap this connection's database at its current size (the
  // log's own connection, reached through a private field — there is no public way, by design).
  const db = (log as unknown as { db: Database.Database }).db;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);

  let full: (Error & { code?: string }) | undefined;
  for (let round = 2; round < 10_000 && !full; round++) {
    try {
      log.append(drafts(['AAPL', 'MSFT'], round));
    } catch (err) {
      full = err as Error & { code?: string };
    }
  }
  assert.ok(full, 'the capped database filled up');
  assert.is(full!.code, 'SQLITE_FULL');
  const lastBefore = log.lastId();
  assert.ok(log.healthy(), 'a full disk is not a broken log');
  assert.equal(log.appendErrors(), { total: 1, failing: true });
  const tooBig = drafts(Array.from({ length: 500 }, (_, i) => `S${i}`), 98);
  assert.throws(() => log.append(tooBig), /full/);
  assert.equal(log.appendErrors(), { total: 2, failing: true });
  // A draft refused before the write says nothing about the storage.
  assert.throws(() => log.append([{ ...drafts(['AAPL'])[0], price: Number.NaN }]), /finite/);
  assert.equal(log.appendErrors(), { total: 2, failing: true });

  db.pragma('max_page_count = 1073741823');
  const next = log.append(drafts(['AAPL'], 99));
  assert.is(next[0].id, lastBefore + 1, 'ids continue without a gap');
  assert.ok(log.healthy());
  assert.equal(log.appendErrors(), { total: 2, failing: false }, 'no longer failing; the count stays');
  log.close();
});

test.run();

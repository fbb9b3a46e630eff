import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { loadMigrations, migrate } from '../../log/migrate.ts';
import { tempDir, withRawDb, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

function migrationsDir(files: Record<string, string>): string {
  const dir = path.join(tmp.dir, 'migrations');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

const userVersion = (db: Database.Database) => db.pragma('user_version', { simple: true });

test('a new log gets the repository schema whatever the working directory', () => {
  const cwd = process.cwd();
  process.chdir(tmp.dir);
  try {
    openLog({ path: 'relative.db', retention: 10 }).close();
  } finally {
    process.chdir(cwd);
  }
  withRawDb(tmp.file('relative.db'), (db) => {
    assert.is(userVersion(db), loadMigrations().length);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name").pluck().all();
    assert.equal(tables, ['checkpoint', 'history', 'ticks', 'ticks_symbol_id']);
  });
  // Reopening must not try to create the tables again.
  openLog({ path: tmp.file('relative.db'), retention: 10 }).close();
});

test('pending migrations apply in order, each setting user_version to its number', () => {
  const dir = migrationsDir({
    '001_a.sql': 'CREATE TABLE a (x);',
    '002_b.sql': 'CREATE TABLE b (y); INSERT INTO b SELECT count(*) FROM a;',
  });
  const db = new Database(tmp.file());
  assert.is(migrate(db, dir), 2);
  assert.is(migrate(db, dir), 2, 'a second run is a no-op');
  fs.writeFileSync(path.join(dir, '003_c.sql'), 'ALTER TABLE b ADD COLUMN z DEFAULT 3;');
  assert.is(migrate(db, dir), 3);
  assert.equal(db.prepare('SELECT * FROM b').all(), [{ y: 0, z: 3 }]);
  db.close();
});

test('a failing migration rolls back entirely and leaves user_version at the last good one', () => {
  const dir = migrationsDir({
    '001_a.sql': 'CREATE TABLE a (x);',
    '002_broken.sql': 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);',
  });
  const db = new Database(tmp.file());
  assert.throws(() => migrate(db, dir), /nowhere/);
  assert.is(userVersion(db), 1);
  assert.is(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'").pluck().get(), 0);
  db.close();
});

test('a database newer than our migrations, or misnumbered files, are refused', () => {
  const dir = migrationsDir({ '001_a.sql': 'CREATE TABLE a (x);' });
  const db = new Database(tmp.file());
  db.pragma('user_version = 7');
  assert.throws(() => migrate(db, dir), /newer/);
  db.close();
  fs.writeFileSync(path.join(dir, '003_skip.sql'), 'SELECT 1;');
  assert.throws(() => loadMigrations(dir), /numbered/);
});

test.run();

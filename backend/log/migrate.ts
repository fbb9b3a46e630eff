// Schema migrations: numbered `NNN_name.sql` files applied in order, tracked by PRAGMA user_version.

import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { PACKAGE_ROOT } from '../package-root.ts';

/** The package's migrations, found from its root so the working directory never matters. */
const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'db', 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * loadMigrations(dir?) -> Migration[]
 *
 * Reads every `NNN_name.sql` file of `dir`, sorted by number. The numbers must run 1, 2, 3… so
 * that `user_version` alone says which ones a database has; a gap or a duplicate throws.
 */
export function loadMigrations(dir: URL | string = MIGRATIONS_DIR): Migration[] {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const migrations = fs
    .readdirSync(path)
    .map((name) => ({ name, match: /^(\d+)_[\w-]+\.sql$/.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => ({
      version: Number(match[1]),
      name,
      sql: fs.readFileSync(`${path}/${name}`, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migrations in ${path} must be numbered 1, 2, 3…; found ${migration.name} at position ${index + 1}`);
    }
  });
  return migrations;
}

/**
 * migrate(db, dir?) -> number
 *
 * Applies the migrations newer than the database's `user_version`, each in its own transaction
 * that also sets `user_version` to its number, and returns the resulting version. A database
 * written by a newer ticktape (a version we have no file for) throws rather than being guessed at.
 *
 *     const version = migrate(new Database('db/ticktape.db'));
 */
export function migrate(db: Database.Database, dir: URL | string = MIGRATIONS_DIR): number {
  const migrations = loadMigrations(dir);
  const latest = migrations.length;
  const userVersion = () => db.pragma('user_version', { simple: true }) as number;

  for (const migration of migrations) {
    // IMMEDIATE takes the write lock before re-reading the version, so two processes opening a
    // fresh file at the same moment cannot both apply the same migration.
    db.transaction(() => {
      if (userVersion() >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }

  const version = userVersion();
  if (version > latest) {
    throw new Error(`database schema version ${version} is newer than this ticktape's (${latest})`);
  }
  return version;
}

// A read-only look at a log file before it is opened. Opening migrates the schema (log.ts), and a
// log this ticktape goes on to refuse (one written by market model 1, see pipeline/checkpoint.ts)
// must not be migrated first: the ticktape that wrote it would then find a schema newer than its
// own and refuse it too, although the refusal tells the user to run that ticktape on it.
import fs from 'node:fs';
import Database from 'better-sqlite3';

/** What a log file holds at its head, as the file stands (no migration, no recovery written). */
export interface LogHead {
  lastId: number;
  /** The stored checkpoint, if any. */
  checkpoint: string | undefined;
  /** The newest event's JSON; null when the log is empty. */
  newestJson: string | null;
}

/**
 * The head of the log at `file`; null when there is nothing to look at (no file, `:memory:`, a
 * database without a ticktape schema) or the file cannot be read this way, in which case opening
 * it reports why.
 */
export function peekLog(file: string): LogHead | null {
  if (file === ':memory:' || !fs.existsSync(file)) return null;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    if ((db.pragma('user_version', { simple: true }) as number) < 1) return null;
    const newest = db.prepare('SELECT id, json FROM ticks ORDER BY id DESC LIMIT 1').get() as { id: number; json: string } | undefined;
    const checkpoint = db.prepare('SELECT value FROM checkpoint WHERE only = 1').pluck().get() as string | undefined;
    return { lastId: newest?.id ?? 0, checkpoint, newestJson: newest?.json ?? null };
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

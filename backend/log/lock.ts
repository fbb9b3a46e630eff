// One writer per log file. Two processes appending to one SQLite log would each assign the ids
// they believe come next, and all but the first would fail forever on `UNIQUE constraint failed`.
// So a log is locked for as long as it is open: a lock file beside the database (`FILE.lock`)
// holding the owner's pid, which makes the refusal name the process that holds it.
//
// Taking the lock is one atomic link(2) of a file already holding our pid, so nobody ever reads a
// lock without its pid. A lock left by a process that died without closing the log (kill -9, a
// crash) names a pid that is no longer running, and the next process takes it over: it moves the
// stale file aside (rename(2) is atomic, so of two processes doing this only one gets that file)
// and checks it moved the dead process's lock and not one that a faster process took meanwhile.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Rounds of "the lock changed hands while we looked"; more than a few means something is wrong. */
const MAX_ATTEMPTS = 10;

/**
 * new LogLockedError(file, lockFile, pid, sameProcess)
 *
 * Thrown by `lockLog` (and so by `openLog`) when another live process, or this one, has the log
 * open. The message is one line naming the database, the holder's pid and the lock file.
 */
export class LogLockedError extends Error {
  override name = 'LogLockedError';
  constructor(
    readonly file: string,
    readonly lockFile: string,
    readonly pid: number,
    readonly sameProcess: boolean,
  ) {
    super(
      sameProcess
        ? `${file} is already open in this process (pid ${pid}, lock file ${lockFile})`
        : `${file} is in use by another ticktape process (pid ${pid}, lock file ${lockFile}); ` +
            'stop that one, or give this one its own --db',
    );
  }
}

export interface LogLock {
  readonly lockFile: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

// Which lock files this process holds. A lock naming our own pid that is not in here was left by
// an earlier process that had the same pid (PID 1 of a restarted container) and is stale. This
// is process-wide by nature, like the pid itself; a server instance never reads it.
const heldByThisProcess = new Set<string>();

/**
 * lockLog(file) -> LogLock
 *
 * Takes the lock of the SQLite file `file` (whose directory must exist) for this process, or
 * throws LogLockedError naming the live process that holds it. A stale lock (its pid is not
 * running) is taken over.
 *
 *     const lock = lockLog('db/ticktape.db');   // creates db/ticktape.db.lock holding our pid
 *     lock.release();
 */
export function lockLog(file: string): LogLock {
  // Resolved through symlinks, so two names for one database share one lock.
  const lockFile = path.join(fs.realpathSync(path.dirname(path.resolve(file))), `${path.basename(file)}.lock`);
  const shown = `${file}.lock`;
  const candidate = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(candidate, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        fs.linkSync(candidate, lockFile);
        heldByThisProcess.add(lockFile);
        return ownLock(lockFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readPid(lockFile);
      if (holder === undefined) continue; // released or taken over since: try again
      if (holder === process.pid && heldByThisProcess.has(lockFile)) throw new LogLockedError(file, shown, holder, true);
      if (holder !== process.pid && holder !== null && isRunning(holder)) throw new LogLockedError(file, shown, holder, false);
      removeStale(lockFile, holder);
    }
    throw new Error(`cannot lock ${file}: ${shown} kept changing hands`);
  } finally {
    fs.rmSync(candidate, { force: true });
  }
}

function ownLock(lockFile: string): LogLock {
  let released = false;
  return {
    lockFile,
    release() {
      if (released) return;
      released = true;
      heldByThisProcess.delete(lockFile);
      // Only our own: after a takeover gone wrong we must not delete another process's lock.
      if (readPid(lockFile) === process.pid) fs.rmSync(lockFile, { force: true });
    },
  };
}

/**
 * Moves the lock aside if it still names `stalePid`. When what we moved turns out to be a lock
 * some other process took over in the meantime, it goes back (link fails if yet another process
 * got in, in which case that one holds the lock).
 */
function removeStale(lockFile: string, stalePid: number | null): void {
  const aside = `${lockFile}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readPid(aside) !== stalePid) fs.linkSync(aside, lockFile);
  } catch {
    // EEXIST: a third process holds the lock now; the next attempt reports it.
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

/** The pid in a lock file; undefined when there is no such file, null when it holds no pid. */
function readPid(file: string): number | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

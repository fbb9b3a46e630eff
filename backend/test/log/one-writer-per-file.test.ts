// A log file has one writer: opening it while another live process (or this one) has it open
// throws LogLockedError naming that process, before anything is read or written; a lock left by a
// process killed with -9 is taken over; closing releases it; logs on different files coexist.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogLockedError } from '../../log/lock.ts';
import { openLog } from '../../log/log.ts';
import { drafts, spanOnDisk, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

const CHILD = fileURLToPath(new URL('./fixtures/append-until-killed.ts', import.meta.url));
const OPEN_AND_HOLD = fileURLToPath(new URL('./fixtures/open-and-hold.ts', import.meta.url));
const RACERS = 4;

let tmp: TempDir;
const children = new Set<ChildProcess>();
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => {
  for (const child of children) child.kill('SIGKILL');
  tmp.remove();
});

/** A child process appending to `file` (so holding its lock); resolves once it has committed. */
function appendingChild(file: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.setEncoding('utf8').once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the appending child exited (${code}) before committing: ${stderr}`)));
    child.once('error', reject);
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function lockedError(open: () => unknown): LogLockedError {
  try {
    open();
  } catch (error) {
    if (error instanceof LogLockedError) return error;
    throw error;
  }
  throw new Error('the log opened although it is locked');
}

test('a second open in the same process is refused until the first is closed', () => {
  const file = tmp.file();
  const first = openLog({ path: file, retention: 100 });
  first.append(drafts(['AAPL']));
  const error = lockedError(() => openLog({ path: file, retention: 100 }));
  assert.ok(error.sameProcess);
  assert.is(error.pid, process.pid);
  assert.ok(error.message.includes(file), error.message);
  assert.not.match(error.message, /\n/);
  assert.ok(first.healthy(), 'the refused open did not disturb the open log');
  first.append(drafts(['AAPL'], 2));
  first.close();
  assert.not.ok(fs.existsSync(`${file}.lock`), 'close removes the lock file');

  const again = openLog({ path: file, retention: 100 });
  assert.is(again.lastId(), 2);
  again.close();
});

test('logs on different files in one process do not interfere', () => {
  const a = openLog({ path: tmp.file('a.db'), retention: 100 });
  const b = openLog({ path: tmp.file('b.db'), retention: 100 });
  a.append(drafts(['AAPL', 'MSFT']));
  b.append(drafts(['AAPL']));
  assert.equal([a.lastId(), b.lastId()], [2, 1]);
  a.close();
  b.close();
});

test('another live process: refused with one line naming the file and its pid, before any write', async () => {
  const file = tmp.file();
  const child = await appendingChild(file);
  assert.is(fs.readFileSync(`${file}.lock`, 'utf8').trim(), String(child.pid));
  // Had it opened the file, a retention of 1 would have pruned it at once.
  const error = lockedError(() => openLog({ path: file, retention: 1 }));
  assert.not.ok(error.sameProcess);
  assert.is(error.pid, child.pid);
  assert.ok(error.message.includes(file) && error.message.includes(`pid ${child.pid}`), error.message);
  assert.ok(error.message.includes(`${file}.lock`), error.message);
  assert.not.match(error.message, /\n/);
  await killed(child);
  assert.ok(spanOnDisk(file).min === 1, 'nothing was pruned by the refused open');
});

test('a lock left by a process killed with -9 is taken over, and released on close', async () => {
  const file = tmp.file();
  const child = await appendingChild(file);
  await killed(child);
  assert.is(fs.readFileSync(`${file}.lock`, 'utf8').trim(), String(child.pid), 'kill -9 left its lock behind');

  const log = openLog({ path: file, retention: 1_000_000 });
  assert.is(fs.readFileSync(`${file}.lock`, 'utf8').trim(), String(process.pid));
  const last = log.lastId();
  assert.ok(last >= 2);
  assert.is(log.append(drafts(['S0']))[0].id, last + 1);
  log.close();
  assert.not.ok(fs.existsSync(`${file}.lock`));
  assert.equal(
    fs.readdirSync(tmp.dir).filter((name) => name.includes('.lock')),
    [],
    'no stale or candidate lock files left behind',
  );
});

test('processes racing for one stale lock: exactly one gets it, the others name that one', async () => {
  const file = tmp.file();
  const dead = await appendingChild(file);
  await killed(dead);

  const racers = Array.from({ length: RACERS }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', OPEN_AND_HOLD, file], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const line = (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) resolve(match[0]);
        };
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          check();
        });
        child.once('exit', (code) => reject(new Error(`racer exited (${code}): ${stderr}`)));
        check();
      });
    return { child, ready: line(/^ready$/m), result: line(/^(held|locked \d+)$/m) };
  });
  // All loaded first, then all let go at once, so they meet at the lock rather than at start-up.
  await Promise.all(racers.map((r) => r.ready));
  for (const r of racers) r.child.stdin!.write('go\n');
  const results = await Promise.all(racers.map((r) => r.result));

  const winners = racers.filter((_, i) => results[i] === 'held');
  assert.is(winners.length, 1, `results: ${results.join(', ')}`);
  const winner = winners[0].child.pid!;
  for (const result of results.filter((r) => r !== 'held')) assert.is(result, `locked ${winner}`);
  assert.is(fs.readFileSync(`${file}.lock`, 'utf8').trim(), String(winner));
  await Promise.all(racers.map((r) => killed(r.child)));
});

test('a lock naming this process that it does not hold (a restarted container\'s PID 1) is stale', () => {
  const file = tmp.file();
  fs.writeFileSync(`${file}.lock`, `${process.pid}\n`);
  const log = openLog({ path: file, retention: 100 });
  log.close();
  assert.not.ok(fs.existsSync(`${file}.lock`));
});

test('an open that fails after taking the lock releases it', () => {
  const file = tmp.file();
  openLog({ path: file, retention: 100 }).close();
  const db = new Database(file);
  db.pragma('user_version = 999');
  db.close();
  for (let i = 0; i < 2; i++) {
    assert.throws(() => openLog({ path: file, retention: 100 }), /newer than this ticktape/);
  }
  assert.not.ok(fs.existsSync(`${file}.lock`));
});

test('two names for one file (a symlinked directory) share one lock', () => {
  const real = tmp.file('real');
  fs.mkdirSync(real);
  const link = tmp.file('link');
  fs.symlinkSync(real, link);
  const log = openLog({ path: path.join(real, 'ticks.db'), retention: 100 });
  const error = lockedError(() => openLog({ path: path.join(link, 'ticks.db'), retention: 100 }));
  assert.ok(error.sameProcess);
  log.close();
});

test.run();

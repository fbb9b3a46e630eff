import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { drafts, spanOnDisk, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

const CHILD = fileURLToPath(new URL('./fixtures/append-until-killed.ts', import.meta.url));
const BATCH = 25;
const LINES_BEFORE_KILL = 200;

let tmp: TempDir;
test.before.each(() => {
  tmp = tempDir();
});
test.after.each(() => tmp.remove());

/** Runs the child until it has reported `lines` commits, SIGKILLs it, and returns the ids it reported. */
function appendThenKill(file: string, lines: number): Promise<{ reported: number[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, String(BATCH)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported: number[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const line of complete) {
        const match = /^committed (\d+)$/.exec(line);
        if (match) reported.push(Number(match[1]));
      }
      if (reported.length >= lines && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own (code ${code}): ${stderr}`));
      else resolve({ reported, signal });
    });
  });
}

test('after kill -9 mid-stream the log has no gap and holds every id reported committed', async () => {
  const file = tmp.file();
  const { reported, signal } = await appendThenKill(file, LINES_BEFORE_KILL);
  assert.is(signal, 'SIGKILL');
  assert.ok(reported.length >= LINES_BEFORE_KILL);
  const highestReported = Math.max(...reported);

  const span = spanOnDisk(file);
  assert.is(span.min, 1);
  assert.is(span.count, span.max! - span.min! + 1, `ids ${span.min}..${span.max} are contiguous`);
  assert.ok(span.max! >= highestReported, `reported ${highestReported} committed, disk has up to ${span.max}`);
  assert.is(span.max! % BATCH, 0, 'only whole batches are on disk');

  const log = openLog({ path: file, retention: Number.MAX_SAFE_INTEGER });
  assert.is(log.lastId(), span.max);
  assert.is(log.checkpoint(), `after:${span.max}`, 'the checkpoint belongs to the last batch on disk');
  const next = log.append(drafts(['AAPL', 'MSFT']));
  assert.equal(next.map((t) => t.id), [span.max! + 1, span.max! + 2]);
  log.close();
  assert.equal(spanOnDisk(file), { count: span.max! + 2, min: 1, max: span.max! + 2 });
});

test('a second kill -9 on the same file continues the same sequence', async () => {
  const file = tmp.file();
  await appendThenKill(file, 20);
  const first = spanOnDisk(file);
  const { reported } = await appendThenKill(file, 20);
  assert.is(reported[0], first.max! + BATCH, 'the restarted writer picked up at max(id) + 1');
  const second = spanOnDisk(file);
  assert.is(second.count, second.max! - second.min! + 1);
  assert.is(second.min, 1);
});

test.run();

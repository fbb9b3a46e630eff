// The test runner behind `npm test`: every backend/test and frontend/test `*.test.ts` file in its own
// process (`node --import tsx FILE`), two at a time, each with a deadline. Separate processes keep
// servers, ports, Redis instances and browsers of one file from leaking into another.
//
//   node scripts/test.mjs [PATH-SUBSTRING ...]     only files whose path contains one of them
//
// The last line is always `N passed, N failed` (`, N skipped` when some were), counted from uvu's
// own closing lines; the exit code is 1 when anything failed or nothing ran.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEST_DIRS = ['backend/test', 'frontend/test'];
const CONCURRENCY = 2; // the machines this runs on have two cores
const FILE_TIMEOUT_MS = 180_000;
// A file that must take longer (one that installs the packed package, compiling better-sqlite3)
// says so in its first lines: `// test-deadline: 600 s`.
const DEADLINE_LINE = /^\/\/ test-deadline: (\d+) s$/m;

function deadlineOf(file) {
  const head = readFileSync(join(ROOT, file), 'utf8').slice(0, 2000);
  const match = DEADLINE_LINE.exec(head);
  return match ? Number(match[1]) * 1000 : FILE_TIMEOUT_MS;
}

/** Every `*.test.ts` under `dir` (relative to ROOT, `/`-separated), sorted. */
function findTestFiles(dir) {
  let entries;
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  const files = [];
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...findTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files.sort();
}

// uvu 0.5.6 closes each run with (dist/index.mjs, `exec`):
//   "\n  Total:     N" "\n  Passed:    N" "\n  Skipped:   N" "\n  Duration:  X.XXms\n\n"
// where Total counts the tests that were run or attempted and Skipped those skipped beside them.
const ANSI = /\x1b\[[0-9;]*m/g;

function lastCount(text, label) {
  const matches = [...text.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)\\s*$`, 'gm'))];
  return matches.length ? Number(matches[matches.length - 1][1]) : null;
}

function parseSummary(stdout) {
  const text = stdout.replace(ANSI, '');
  const total = lastCount(text, 'Total');
  const passed = lastCount(text, 'Passed');
  const skipped = lastCount(text, 'Skipped');
  if (total === null || passed === null) return null;
  return { total, passed, skipped: skipped ?? 0 };
}

/** Kills the file's whole process group: whatever it started and did not stop (servers, redis-server). */
function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone
  }
}

// tsx's esbuild service outlives node by a moment and is no leak; anything else still in the group
// once the test process has exited is a process the test forgot to stop.
const EXPECTED_STRAGGLERS = new Set(['esbuild']);

/** Names of the live processes in group `pgid` (Linux /proc; elsewhere nothing is reported). */
function groupMembers(pgid) {
  const names = [];
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return names;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const [state, , pgrp] = stat.slice(close + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') names.push(stat.slice(stat.indexOf('(') + 1, close));
    } catch {
      // it exited while we looked
    }
  }
  return names.filter((name) => !EXPECTED_STRAGGLERS.has(name));
}

const running = new Set();

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout or a leftover child can be killed as one.
      detached: true,
    });
    running.add(child.pid);
    let output = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));

    let timedOut = false;
    let leftovers = [];
    let exit = null;
    const timeoutMs = deadlineOf(file);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
      // A grandchild in another process group could still hold the pipes open.
      child.stdout.destroy();
      child.stderr.destroy();
    }, timeoutMs);

    child.on('exit', (code, signal) => {
      exit = { code, signal };
      leftovers = groupMembers(child.pid);
      killGroup(child.pid);
    });
    child.on('error', (error) => (output += `\nfailed to start: ${error.message}\n`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid);
      exit ??= { code, signal };
      resolve({ file, output, stdout, exit, timedOut, timeoutMs, leftovers, ms: Date.now() - started });
    });
  });
}

/** Counts for one file. Only what uvu reported, plus one failure for a crash or hang it could not report. */
function score(result) {
  const summary = parseSummary(result.stdout);
  const passed = summary?.passed ?? 0;
  const skipped = summary?.skipped ?? 0;
  let failed = summary ? summary.total - summary.passed : 0;
  const problems = [];
  if (result.timedOut) problems.push(`timed out after ${result.timeoutMs / 1000} s`);
  else if (result.exit.signal) problems.push(`killed by ${result.exit.signal}`);
  else if (result.exit.code !== 0 && failed === 0) problems.push(`exit code ${result.exit.code}`);
  if (!summary) problems.push('no uvu summary (did it call test.run()?)');
  if (failed === 0 && problems.length > 0) failed = 1;
  return { passed, failed, skipped, problems };
}

function describe({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
}

function report(result, counts) {
  const status = counts.failed > 0 ? 'FAIL' : 'ok  ';
  const notes = [...counts.problems];
  if (result.leftovers.length) notes.push(`WARNING: left ${result.leftovers.join(', ')} running (killed)`);
  const seconds = (result.ms / 1000).toFixed(1);
  const body = result.output.replace(/\s+$/, '');
  process.stdout.write(
    `\n=== ${result.file}\n` +
      (body ? `${body}\n` : '') +
      `${status} ${result.file}: ${describe(counts)} (${seconds} s)` +
      (notes.length ? ` — ${notes.join('; ')}` : '') +
      '\n',
  );
}

async function main() {
  const filters = process.argv.slice(2);
  const files = TEST_DIRS.flatMap(findTestFiles).filter(
    (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
  );
  if (files.length === 0) {
    process.stdout.write(`no test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}\n`);
  }

  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failedFiles = [];
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const result = await runFile(files[next++]);
      const counts = score(result);
      report(result, counts);
      totals.passed += counts.passed;
      totals.failed += counts.failed;
      totals.skipped += counts.skipped;
      if (counts.failed > 0) failedFiles.push(result.file);
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));

  process.stdout.write('\n');
  if (failedFiles.length) process.stdout.write(`failed files:\n${failedFiles.map((f) => `  ${f}\n`).join('')}`);
  process.stdout.write(`${describe(totals)}\n`);
  process.exitCode = totals.failed > 0 || totals.passed + totals.failed === 0 ? 1 : 0;
}

// The children run in their own process groups, so a Ctrl-C here would not reach them.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const pid of running) killGroup(pid);
    process.exit(130);
  });
}

await main();

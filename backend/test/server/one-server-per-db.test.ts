// One server per database. The README's second example run while a first server is up on the same
// `--db` used to join it silently and fail every append; now it exits non-zero with one stderr line
// naming the file and the process that holds it, and the first server carries on. A server killed
// with -9 leaves a stale lock that the next start takes over (continuing the log's own seed, with
// one warning for a `--seed` that cannot apply). In one process, servers on different databases
// still run side by side, and a second one on the same database is refused.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { LogLockedError } from '../../log/lock.ts';
import { getJson, waitForLastId } from '../helpers/http.ts';
import { exitOf, logLine, spawnTicktape, startChildServer, stopChild, type ChildServer, type TicktapeProcess } from '../helpers/process.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { readLogFile } from './fixtures.ts';

const SEED = 907;

const dir = tempDir('ticktape-one-per-db-');
const db = path.join(dir, 'ticks.db');
const processes: TicktapeProcess[] = [];
const servers: TestServer[] = [];

test.before(async () => {
  await ensureFrontendBuilt();
});

test.after(async () => {
  await Promise.all(processes.map((p) => stopChild(p)));
  await Promise.all(servers.map((s) => s.close()));
});


const lockHolder = () => fs.readFileSync(`${db}.lock`, 'utf8').trim();

let first: ChildServer;

test('a second process on the same --db exits non-zero with one line naming the file and the first process', async () => {
  first = await startChildServer(['--port', '0', '--db', db, '--seed', String(SEED), '--symbols', 'AAPL,MSFT', '--interval', '5']);
  processes.push(first);
  await waitForLastId(first.url, 10, 20_000);

  // The README's example, as a new user runs it while the first server is up.
  const second = spawnTicktape(['--port', '0', '--seed', '42', '--symbols', 'AAPL,MSFT', '--db', db]);
  processes.push(second);
  const exit = await exitOf(second);
  assert.ok(exit.code !== 0 && exit.code !== null, `exit ${JSON.stringify(exit)}`);
  const lines = second.stderr.split('\n').filter((line) => line !== '');
  assert.is(lines.length, 1, `stderr:\n${second.stderr}`);
  assert.match(lines[0], /^ticktape: cannot start: /);
  assert.ok(lines[0].includes(db), `names the file: ${lines[0]}`);
  assert.ok(lines[0].includes(`pid ${first.pid}`), `names the other process: ${lines[0]}`);
  assert.not.match(second.stdout, /listening on/);

  // The first server never noticed.
  const before = (await getJson(`${first.url}/healthz`)).body.lastEventId;
  await waitForLastId(first.url, before + 10);
  const { status, body } = await getJson(`${first.url}/healthz`);
  assert.is(status, 200);
  assert.is(body.status, 'ok');
  assert.is(first.stderr, '', 'no append failure in the first server');
});

test('after kill -9, a restart takes the stale lock over and continues the log with its own seed', async () => {
  const killed = first.kill('SIGKILL');
  assert.ok(killed);
  assert.is((await first.exited).signal, 'SIGKILL');
  assert.is(lockHolder(), String(first.pid), 'the killed server left its lock behind');
  const lastBefore = readLogFile(db).maxId;

  const restarted = await startChildServer(['--port', '0', '--db', db, '--seed', '42', '--symbols', 'AAPL,MSFT', '--interval', '5']);
  processes.push(restarted);
  assert.is(lockHolder(), String(restarted.pid));
  await waitForLastId(restarted.url, lastBefore + 10, 20_000);

  const start = logLine(restarted.stdout, 'start');
  assert.ok(start, restarted.stdout);
  assert.is(start.seed, String(SEED), 'the seed the log continues from, not the one given');
  assert.is(start.seedSource, 'log');
  const warnings = restarted.stderr.split('\n').filter((line) => line !== '');
  assert.is(warnings.length, 1, `stderr:\n${restarted.stderr}`);
  const warning = logLine(restarted.stderr, 'seed.ignored');
  assert.ok(warning, restarted.stderr);
  assert.is(warning.level, 'warn');
  assert.is(warning.seed, '42');
  assert.is(warning.logSeed, String(SEED));
  assert.ok(warning.message.includes(db) && warning.message.includes(`seed ${SEED}`), warning.message);

  assert.equal(await stopChild(restarted), { code: 0, signal: null });
  assert.not.ok(fs.existsSync(`${db}.lock`), 'a clean stop removes the lock');
});

test('in one process: servers on different databases run side by side; a second one on the same database is refused', async () => {
  const a = await startTestServer({ interval: 5, symbols: 'AAPL', seed: 1 });
  servers.push(a);
  const b = await startTestServer({ interval: 5, symbols: 'MSFT', seed: 2 });
  servers.push(b);
  await Promise.all([waitForLastId(a.url, 5), waitForLastId(b.url, 5)]);

  let refused: unknown;
  try {
    servers.push(await startTestServer({ db: a.db, interval: 5, symbols: 'AAPL', seed: 1 }));
  } catch (error) {
    refused = error;
  }
  assert.instance(refused, LogLockedError);
  assert.ok((refused as LogLockedError).message.includes(a.db));

  for (const s of [a, b]) {
    const last = s.log.lastId();
    await waitForLastId(s.url, last + 5);
    assert.is((await getJson(`${s.url}/healthz`)).body.status, 'ok');
  }
});

test.run();

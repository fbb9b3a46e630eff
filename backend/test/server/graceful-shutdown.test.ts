// SIGTERM and SIGINT: the process stops generating, ends every stream, closes the log cleanly
// (WAL checkpointed into the main file) and exits 0 within the contract's 5 s; a restart on the
// same file continues the ids.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { contiguity, waitForLastId, waitUntil } from '../helpers/http.ts';
import { logLine, spawnTicktape, startChildServer, stopChild, type TicktapeProcess } from '../helpers/process.ts';
import { tempDir } from '../helpers/server.ts';
import { buildLog } from '../helpers/log.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { eventsBetween, readLogFile } from './fixtures.ts';
import { parseOptions } from '../../config.ts';

/** The contract's bound on a graceful stop (not a speed target). */
const SHUTDOWN_BOUND_MS = 5000;

const dir = tempDir('ticktape-shutdown-');
const children: TicktapeProcess[] = [];
const connections: SseConnection[] = [];

test.before(async () => {
  await ensureFrontendBuilt();
});

test.after(async () => {
  for (const conn of connections) conn.close();
  await Promise.all(children.map((child) => stopChild(child)));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Fills a log file with `steps` batches of the market model's events for `--symbols symbols`; returns how many. */
function prefill(db: string, symbols: string, steps: number): number {
  const parsed = parseOptions(['--symbols', symbols, '--seed', '3'], {});
  if (parsed.kind !== 'config') throw new Error('unreachable');
  return buildLog(db, parsed.config.universe, steps, parsed.config.seed);
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`no ${name} in /metrics`);
  return Number(match[1]);
}

function fileSize(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: streams end, the log is closed cleanly, exit 0 within 5 s, and a restart continues the ids`, async () => {
    const db = path.join(dir, `${signal}.db`);
    const args = ['--port', '0', '--interval', '5', '--symbols', 'AAPL,MSFT,IBM:140', '--seed', '5', '--db', db, '--heartbeat', '60000'];
    const child = await startChildServer(args);
    children.push(child);
    const live = await connectSse(`${child.url}/stream`);
    const replaying = await connectSse(`${child.url}/stream`, { 'Last-Event-ID': '0' });
    connections.push(live, replaying);
    await Promise.all([live, replaying].map((c) => c.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 100)));

    const sent = Date.now();
    assert.ok(child.kill(signal));
    const exit = await child.exited;
    const tookMs = Date.now() - sent;
    console.log(`  ${signal} → exit in ${tookMs} ms`);
    assert.equal(exit, { code: 0, signal: null }, `exit; stderr:\n${child.stderr}`);
    assert.ok(tookMs <= SHUTDOWN_BOUND_MS, `exit took ${tookMs} ms, over the contract's ${SHUTDOWN_BOUND_MS} ms`);
    assert.is(logLine(child.stdout, 'shutdown')?.signal, signal);
    assert.ok(logLine(child.stdout, 'stopped'), `no event=stopped line in:\n${child.stdout}`);
    assert.is(child.stderr, '', 'a graceful stop writes nothing on stderr');

    // The server ended both streams (the clients never closed them).
    await Promise.all([live.ended, replaying.ended]);

    // Closed cleanly: everything checkpointed into the main file, the WAL truncated or removed.
    const wal = fileSize(`${db}-wal`);
    assert.ok(wal === null || wal === 0, `${db}-wal holds ${wal} bytes after a graceful stop`);
    const stopped = readLogFile(db);
    assert.is(stopped.minId, 1);
    assert.is(stopped.count, stopped.maxId, 'gap-free from id 1');
    // Nothing reached a client that the log does not hold.
    for (const conn of [live, replaying]) {
      const ids = marketEventsOf(conn.events).map((t) => t.id);
      assert.is(contiguity(ids), null);
      assert.ok(ids[ids.length - 1] <= stopped.maxId, `a client saw ${ids[ids.length - 1]}, the log ends at ${stopped.maxId}`);
    }
    // The shutdown line reports the last id, and no batch was committed after it.
    assert.is(Number(logLine(child.stdout, 'shutdown')?.lastEventId), stopped.maxId);

    const restarted = await startChildServer(args);
    children.push(restarted);
    assert.is(Number(logLine(restarted.stdout, 'start')?.lastEventId), stopped.maxId);
    await waitForLastId(restarted.url, stopped.maxId + 30);
    const across = await eventsBetween(restarted.url, stopped.maxId - 3, stopped.maxId + 30);
    assert.equal(across.map((t) => t.id), Array.from({ length: 33 }, (_, i) => stopped.maxId - 2 + i));
    assert.equal(await stopChild(restarted), { code: 0, signal: null });
  });
}

test('SIGTERM the moment the log file appears (mid-start) still exits 0 and leaves a clean log', async () => {
  // The log is opened before the server listens; a signal in between used to kill the process
  // with the default action (exit by signal, log left open) instead of a graceful stop.
  const logDir = path.join(dir, 'early');
  fs.mkdirSync(logDir);
  const db = path.join(logDir, 'ticks.db');
  const watcher = fs.watch(logDir);
  const proc = spawnTicktape(['--port', '0', '--interval', '5', '--symbols', 'AAPL,MSFT', '--db', db]);
  children.push(proc);
  try {
    await new Promise<void>((resolve, reject) => {
      watcher.once('change', () => resolve());
      void proc.exited.then((e) => reject(new Error(`exited ${JSON.stringify(e)} before opening its log:\n${proc.stderr}`)));
      setTimeout(() => reject(new Error('no log file within 30 s')), 30_000).unref();
    });
  } finally {
    watcher.close();
  }
  const sent = Date.now();
  assert.ok(proc.kill('SIGTERM'), 'still running when the log file appeared');
  const exit = await proc.exited;
  const tookMs = Date.now() - sent;
  assert.equal(exit, { code: 0, signal: null }, `exit; stdout:\n${proc.stdout}\nstderr:\n${proc.stderr}`);
  assert.ok(tookMs <= SHUTDOWN_BOUND_MS, `exit took ${tookMs} ms`);
  assert.is(logLine(proc.stdout, 'shutdown')?.signal, 'SIGTERM');
  assert.ok(logLine(proc.stdout, 'stopped'));
  const wal = fileSize(`${db}-wal`);
  assert.ok(wal === null || wal === 0, `${db}-wal holds ${wal} bytes`);
  const left = readLogFile(db);
  assert.is(left.count, left.maxId, 'gap-free from id 1 (or empty)');
});

test('SIGTERM with a client that stopped reading mid-replay still exits 0 within 5 s', async () => {
  // A replay waits for the socket to drain before reading on; a stopped reader never drains it.
  // The log must be far larger than what the kernel buffers for one connection (a few MB): about
  // 100 000 events of 150 to 300 bytes.
  const db = path.join(dir, 'stalled.db');
  const symbols = 'AAPL,MSFT,NVDA,TSLA,JPM,IBM:140,XOM,QAA:50';
  const total = prefill(db, symbols, 2500);
  assert.ok(total > 80_000, `${total} events`);
  const child = await startChildServer(['--port', '0', '--interval', '50', '--symbols', symbols, '--db', db]);
  children.push(child);
  const stalled = await connectSse(`${child.url}/stream`, { 'Last-Event-ID': '0' });
  connections.push(stalled);
  stalled.pause();
  await waitUntil(async () => (await metric(child.url, 'ticktape_replayed_events_total')) > 1000, 'the replay to start');

  const sent = Date.now();
  child.kill('SIGTERM');
  const exit = await child.exited;
  const tookMs = Date.now() - sent;
  console.log(`  SIGTERM with a stalled replay → exit in ${tookMs} ms`);
  assert.equal(exit, { code: 0, signal: null }, `exit; stderr:\n${child.stderr}`);
  assert.ok(tookMs <= SHUTDOWN_BOUND_MS, `exit took ${tookMs} ms, over the contract's ${SHUTDOWN_BOUND_MS} ms`);

  // Reading again, it finds what the kernel held, then the end: it was still replaying.
  stalled.resume();
  await stalled.ended;
  const ids = marketEventsOf(stalled.events).map((t) => t.id);
  assert.is(contiguity(ids), null);
  assert.ok(ids.length < total, `the client got all ${ids.length} events: it was not stalled`);
});

test.run();

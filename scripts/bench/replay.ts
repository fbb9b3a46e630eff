// Replay: one client resuming from `Last-Event-ID: 0` on a 1,000,000-tick log receives every tick
// (then goes live). The log is built with the real simulator and `openLog` before the server
// starts; the server (a child process) pages through it 500 rows at a time with back-pressure, so
// its memory should stay flat: we read VmRSS every 50 ms and VmHWM (peak RSS) at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLog } from '../../backend/log/log.ts';
import { createMarketSimulator } from '../../backend/simulator/market.ts';
import { BUILTIN_UNIVERSE } from '../../backend/simulator/universe.ts';
import { startServerChild } from './server-child.ts';
import { openCounter } from './sse-counter.ts';
import { fixed, heading, int, mib, pct, table } from './report.ts';

const TICKS = 1_000_000;
const APPEND_BATCH = 996; // about 20 market steps of 50 events
const FILTER = 'AAPL';
const REPLAY_TIMEOUT_MS = 90_000;
const MEMORY_POLL_MS = 50;

export async function benchReplay(): Promise<void> {
  heading(
    'Replay from Last-Event-ID: 0',
    [
      `log: ${int(TICKS)} events (trades, quotes, status) from the market model (12 symbols, seed 1, the server's defaults), appended with openLog in batches of ~${APPEND_BATCH};`,
      'server child on it (--interval 1000, so live ticks barely interfere); one raw http.get client, counting frames,',
      'reads until it has every logged tick. Time is from the request to the last replayed tick; the file is in the page cache.',
      'RSS: server child before the request, max of VmRSS polled every 50 ms, and VmHWM (kernel peak) after. Fresh server per row.',
    ].join('\n'),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticktape-bench-replay-'));
  try {
    const db = path.join(dir, 'ticks.db');
    const started = performance.now();
    const filtered = buildLog(db);
    const buildSeconds = (performance.now() - started) / 1000;
    const fileBytes = ['', '-wal'].reduce((sum, suffix) => sum + (fs.existsSync(db + suffix) ? fs.statSync(db + suffix).size : 0), 0);
    console.log(`   built ${int(TICKS)} ticks in ${fixed(buildSeconds)} s (${int(TICKS / buildSeconds)} ticks/s), ${mib(fileBytes)} MiB on disk\n`);

    const rows: string[][] = [];
    for (const [label, query, expected] of [
      ['all symbols', '', TICKS],
      [`?symbols=${FILTER}`, `?symbols=${FILTER}`, filtered],
    ] as const) {
      const r = await replayOnce(db, query, expected);
      rows.push([
        label,
        int(expected),
        fixed(r.firstEventMs, 1),
        fixed(r.seconds, 2),
        int(expected / r.seconds),
        fixed(r.bytes / 2 ** 20 / r.seconds),
        pct((100 * r.serverCpu) / r.seconds),
        mib(r.rssBefore),
        mib(r.rssMax),
        mib(r.peak),
      ]);
    }
    table(['replay', 'events', 'first event ms', 'seconds', 'events/s', 'MiB/s', 'server CPU', 'RSS before MiB', 'max RSS MiB', 'VmHWM MiB'], rows);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the log; returns how many of its events FILTER's stream gets (its own and every status event). */
function buildLog(file: string): number {
  const log = openLog({ path: file, retention: TICKS * 2 });
  const simulator = createMarketSimulator({ universe: BUILTIN_UNIVERSE, seed: 1, intervalMs: 500, speed: 60 }); // the server's defaults
  const start = Date.now() - Math.ceil(TICKS / 12) * 500;
  let filtered = 0;
  let step = 0;
  try {
    while (log.lastId() < TICKS) {
      const batch = [];
      while (batch.length < APPEND_BATCH && log.lastId() + batch.length < TICKS) {
        for (const draft of simulator.step(start + step++ * 500)) batch.push(draft);
      }
      batch.length = Math.min(batch.length, TICKS - log.lastId());
      for (const draft of batch) if (draft.kind === 'status' || draft.symbol === FILTER) filtered++;
      // The cast goes once the log appends MarketEventDraft[] (issue 8's wiring of the log).
      log.append(batch as unknown as Parameters<typeof log.append>[0], simulator.checkpoint());
    }
  } finally {
    log.close();
  }
  return filtered;
}

async function replayOnce(db: string, query: string, expected: number) {
  const server = await startServerChild({ db, interval: 1000, retention: TICKS * 2, heartbeat: 600_000, seed: 1 });
  try {
    const rssBefore = server.memory().rss;
    let rssMax = rssBefore;
    const poll = setInterval(() => {
      rssMax = Math.max(rssMax, server.memory().rss);
    }, MEMORY_POLL_MS);
    const cpuBefore = server.cpuSeconds();
    const requested = performance.now();
    const client = await openCounter(`${server.url}/stream${query}`, { headers: { 'Last-Event-ID': '0' } });
    try {
      await client.waitFrames(1, REPLAY_TIMEOUT_MS);
      const firstEventMs = performance.now() - requested;
      // The replayed ticks (the retry line is part of the first one's block).
      await client.waitFrames(expected, REPLAY_TIMEOUT_MS);
      const seconds = (performance.now() - requested) / 1000;
      clearInterval(poll);
      const memory = server.memory();
      return {
        seconds,
        firstEventMs,
        bytes: client.bytes,
        serverCpu: server.cpuSeconds() - cpuBefore,
        rssBefore,
        rssMax: Math.max(rssMax, memory.rss),
        peak: memory.peak,
      };
    } finally {
      clearInterval(poll);
      client.close();
    }
  } finally {
    await server.stop();
  }
}

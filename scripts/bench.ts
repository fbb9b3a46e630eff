// `npm run bench [-- NAME…]`: ticktape's benchmarks. They print figures with their units and the
// machine they ran on; none passes or fails on speed. Each is bounded in count and time, runs on
// 127.0.0.1 only, and removes its temp files and child processes.
//
//   npm run bench                    every benchmark (about 2 minutes)
//   npm run bench -- fanout replay   only those
import { performance } from 'node:perf_hooks';
import { benchFanout } from './bench/fanout.ts';
import { benchGeneration } from './bench/generation.ts';
import { benchLatency } from './bench/latency.ts';
import { benchLog } from './bench/log.ts';
import { benchRedisBus } from './bench/redis-bus.ts';
import { benchReplay } from './bench/replay.ts';
import { machineLine } from './bench/report.ts';
import { benchSmoothness } from './bench/smoothness.ts';

const BENCHMARKS: Record<string, { run: () => Promise<void>; what: string }> = {
  generation: { run: benchGeneration, what: 'market model v2 in-process: events/s alone, with checkpoints, and appended to the SQLite log' },
  log: { run: benchLog, what: 'SQLite log: append, readAfter pages, open, pruning (scripts/bench/log-process.ts)' },
  fanout: { run: benchFanout, what: 'SSE fan-out to 1, 100, 1000 clients: ticks/s, events/s, MiB/s, server CPU' },
  latency: { run: benchLatency, what: 'tick ts -> client receipt, p50/p99/max, light load and 1000 clients' },
  replay: { run: benchReplay, what: 'replay of a 1M-tick log from Last-Event-ID: 0, all and one symbol; server RSS' },
  redis: { run: benchRedisBus, what: 'Redis bus: 12-tick batches publisher -> follower (skipped without redis-server)' },
  smoothness: { run: benchSmoothness, what: 'demo page frame gaps and long tasks, 100 symbols at 1,000 ticks/s (skipped without Chromium)' },
};

const names = process.argv.slice(2);
if (names.includes('--help') || names.includes('-h')) {
  console.log('usage: npm run bench [-- NAME…]\n');
  for (const [name, { what }] of Object.entries(BENCHMARKS)) console.log(`  ${name.padEnd(10)} ${what}`);
  process.exit(0);
}
const unknown = names.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}

console.log(machineLine());
const started = performance.now();
let failed = 0;
for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
  const t0 = performance.now();
  try {
    await BENCHMARKS[name].run();
  } catch (err) {
    failed++;
    console.error(`\nbench ${name} failed: ${(err as Error).stack ?? err}`);
  }
  console.log(`   (${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log(`\n${machineLine()}\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
// A failure means a benchmark could not run (not that it was slow).
process.exit(failed > 0 ? 1 : 0);

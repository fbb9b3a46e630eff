// Latency from generation to receipt: each tick's `ts` is the wall clock when its batch was
// generated, just before the commit to SQLite; probe clients on the same machine (same clock)
// record receipt time − ts for every tick. So a figure covers generate + commit + fan-out +
// loopback + the probe's read. `ts` has ms resolution: figures carry up to 1 ms of that.
import { measureLive, otherCpuPercent } from './live.ts';
import { fixed, heading, int, openFileLimit, pct, percentile, table } from './report.ts';

const WINDOW_MS = 4000;
const PROBES = 20;
const RUNS = [
  { clients: 1, intervalMs: 50, load: 'light' },
  { clients: 1000, intervalMs: 50, load: 'many clients' },
  { clients: 1000, intervalMs: 2, load: 'saturated' },
];

export async function benchLatency(): Promise<void> {
  heading(
    'Latency, tick generated -> client received',
    [
      `server child, 12 symbols; N live clients, of which up to ${PROBES} are probes in a process of their own that parse every`,
      'tick and record receipt time (performance.timeOrigin + now()) - tick.ts; the rest are counting clients in this process.',
      `Half the probes connect before the counting clients, half after; ${WINDOW_MS / 1000} s window after 1 s warm-up.`,
      'first/last p50: the early and the late probes (the server writes a batch to its clients one after another).',
      'CPU in % of one core: server child, clients (this process + probe process), other processes (/proc/stat).',
    ].join('\n'),
  );
  const limit = openFileLimit();
  const rows: string[][] = [];
  for (const run of RUNS) {
    if (run.clients + 64 > limit) {
      rows.push([run.load, int(run.clients), `skipped: ulimit -n is ${limit}`]);
      continue;
    }
    const probes = Math.min(run.clients, PROBES);
    const r = await measureLive({ clients: run.clients, intervalMs: run.intervalMs, windowMs: WINDOW_MS, probes });
    const sorted = (lists: number[][]) => Float64Array.from(lists.flat()).sort();
    const all = sorted(r.latencies);
    const half = Math.ceil(r.latencies.length / 2);
    const early = sorted(r.latencies.slice(0, half));
    const late = sorted(r.latencies.slice(half));
    rows.push([
      run.load,
      int(run.clients),
      `${run.intervalMs} ms`,
      int(r.generated / r.seconds),
      int(r.delivered / r.seconds),
      int(all.length),
      fixed(percentile(all, 50)),
      fixed(percentile(all, 99)),
      fixed(all.length ? all[all.length - 1] : Number.NaN),
      fixed(percentile(early, 50)),
      late.length ? fixed(percentile(late, 50)) : '-',
      pct((100 * r.serverCpuSeconds) / r.seconds),
      pct((100 * r.clientCpuSeconds) / r.seconds),
      pct(otherCpuPercent(r)),
    ]);
  }
  table(
    ['load', 'clients', 'interval', 'ticks/s', 'delivered/s', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'first p50', 'last p50', 'server CPU', 'client CPU', 'other CPU'],
    rows,
  );
}

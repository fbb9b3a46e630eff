// SSE fan-out: how many tick events a server delivers per second to 1, 100 and 1000 live clients,
// and what it costs the server in CPU. The server runs in a child process with a fast scheduler;
// the clients are minimal counting clients in this process, so both share the machine's CPUs.
import { measureLive, otherCpuPercent } from './live.ts';
import { fixed, heading, int, mib, openFileLimit, pct, table } from './report.ts';

const INTERVAL_MS = 2;
const WINDOW_MS = 5000;
const CLIENT_COUNTS = [1, 100, 1000];

export async function benchFanout(): Promise<void> {
  heading(
    'SSE fan-out',
    [
      `server child (backend/server.ts via the real option parser), --interval ${INTERVAL_MS} ms, 12 symbols, temp SQLite db;`,
      `N raw http.get clients on 127.0.0.1 counting "\\n\\n" frame ends; ${WINDOW_MS / 1000} s window after 1 s warm-up.`,
      'ticks/s: log head delta; delivered/s: frames all clients got; kept up: delivered / (ticks x N); MiB/s: bytes received.',
      'CPU in % of one core: server child (/proc/PID/stat), this process = the clients (process.cpuUsage),',
      'other = the rest of the machine in the window (/proc/stat); µs/event = server CPU / delivered.',
      "dropped/cut: client streams that ended / the server's slow-client disconnects. Clients connect while generation is paused.",
    ].join('\n'),
  );
  const limit = openFileLimit();
  const rows: string[][] = [];
  for (const clients of CLIENT_COUNTS) {
    // One socket per client here and one in the server child, plus some slack.
    if (clients + 64 > limit) {
      rows.push([int(clients), `skipped: ulimit -n is ${limit}`]);
      continue;
    }
    const r = await measureLive({ clients, intervalMs: INTERVAL_MS, windowMs: WINDOW_MS, probes: 0 });
    rows.push([
      int(clients),
      int(r.generated / r.seconds),
      int(r.delivered / r.seconds),
      pct((100 * r.delivered) / (r.generated * clients)),
      fixed(r.bytes / 2 ** 20 / r.seconds),
      pct((100 * r.serverCpuSeconds) / r.seconds),
      pct((100 * r.clientCpuSeconds) / r.seconds),
      pct(otherCpuPercent(r)),
      mib(r.serverRss),
      `${int(r.dropped)}/${int(r.slowDisconnects)}`,
      fixed((1e6 * r.serverCpuSeconds) / r.delivered, 2),
    ]);
  }
  table(
    ['clients', 'ticks/s', 'delivered/s', 'kept up', 'MiB/s', 'server CPU', 'client CPU', 'other CPU', 'server RSS MiB', 'dropped/cut', 'server µs/event'],
    rows,
  );
}

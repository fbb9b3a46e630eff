// Runs the server under benchmark in a child process (scripts/bench/server-process.ts) and reads
// what it costs from /proc: CPU time (utime + stime of /proc/PID/stat) and memory (VmRSS, VmHWM of
// /proc/PID/status).
import fs from 'node:fs';
import { processCpuSeconds, spawnBenchProcess } from './processes.ts';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 6_000;
/** Bearer token for the admin routes of every benchmark server (loopback only). */
const ADMIN_TOKEN = 'bench';

export interface ServerChild {
  readonly url: string;
  readonly pid: number;
  /** CPU seconds (user + system) the server has used so far. */
  cpuSeconds(): number;
  /** Resident set size now and its peak (VmHWM), in bytes. */
  memory(): { rss: number; peak: number };
  /** GET a JSON route. */
  json<T = Record<string, unknown>>(route: string): Promise<T>;
  /** POST an admin route (`pause`, `resume`). */
  admin(action: string): Promise<void>;
  /** One value of /metrics by its sample name. */
  metric(name: string): Promise<number>;
  /** SIGTERM by PID, wait for the exit (SIGKILL past the deadline). */
  stop(): Promise<void>;
}

/** Options by CLI name, e.g. `{ interval: 2, db: '/tmp/x.db' }`; port 0 and host 127.0.0.1 are forced. */
export async function startServerChild(options: Record<string, string | number>): Promise<ServerChild> {
  const args = Object.entries({ ...options, port: 0, host: '127.0.0.1', 'admin-token': ADMIN_TOKEN }).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const child = spawnBenchProcess('server-process.ts', args);
  child.stdin!.end();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${stderr}`));
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`server exited early (${code ?? signal})`)));
  });
  child.stdout!.resume();
  const pid = child.pid!;

  return {
    url,
    pid,
    cpuSeconds() {
      return processCpuSeconds(pid);
    },
    memory() {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
      return { rss: kib('VmRSS'), peak: kib('VmHWM') };
    },
    async json<T>(route: string) {
      const res = await fetch(url + route);
      return (await res.json()) as T;
    },
    async admin(action: string) {
      const res = await fetch(`${url}/api/admin/${action}`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      if (!res.ok) throw new Error(`admin ${action}: HTTP ${res.status}`);
    },
    async metric(name: string) {
      const text = await (await fetch(url + '/metrics')).text();
      const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return match ? Number(match[1]) : Number.NaN;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(pid, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

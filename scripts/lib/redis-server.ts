// Real redis-server processes for tests and benchmarks: each starts its own on a free loopback port,
// with no persistence, and stops it by PID. backend/test/helpers/redis-server.ts re-exports these
// beside `redisSuite`, which skips or fails Redis tests when the binary is missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REDIS_BINARY = 'redis-server';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 20;

export interface RedisHandle {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** PID of the current process (changes on restart). */
  readonly pid: number;
  /** SIGTERM by PID, then wait for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL by PID (a crash), then wait for the process to exit. */
  kill(): Promise<void>;
  /** Start a fresh, empty server on the same port (stopping the current one first if it runs). */
  restart(): Promise<void>;
}

/** Whether `redis-server` is an executable on PATH. */
export function redisAvailable(): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, REDIS_BINARY), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

// Servers still running in this process. A process-wide registry is the point here: whatever a
// failing test (or benchmark) leaves behind must be killed when the process exits, by PID.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllRunning(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllRunning);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // 'exit' handlers do not run on a fatal signal: clean up, then die of the same signal.
    process.once(signal, () => {
      killAllRunning();
      process.kill(process.pid, signal);
    });
  }
}

/** A port that was free a moment ago (listen on 0, read the port, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket, so the harness does not depend on the client under test. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG'));
    });
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  // The child is unref'd so a forgotten server cannot hold the test process open; while someone
  // awaits its exit, it must hold the event loop or Node could quit mid-await.
  child.ref();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function logTail(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'redis.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}

interface Spawned {
  child: ChildProcess;
  dir: string;
}

async function spawnServer(port: number): Promise<Spawned> {
  installExitHook();
  const dir = mkdtempSync(path.join(tmpdir(), 'ticktape-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  args.push('--dir', dir, '--logfile', path.join(dir, 'redis.log'));
  const child = spawn(REDIS_BINARY, args, { stdio: 'ignore' });
  child.unref();
  let spawnError: Error | null = null;
  child.on('error', (err) => {
    spawnError = err;
  });
  running.add(child);
  child.once('exit', () => running.delete(child));

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError || hasExited(child)) break;
    if (await ping(port)) return { child, dir };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const why = spawnError
    ? (spawnError as Error).message
    : hasExited(child)
      ? `exited with ${child.exitCode ?? child.signalCode}`
      : `no PONG within ${START_TIMEOUT_MS} ms`;
  const tail = logTail(dir);
  if (!hasExited(child)) {
    child.kill('SIGKILL');
    await waitForExit(child, STOP_TIMEOUT_MS);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`${REDIS_BINARY} on 127.0.0.1:${port} did not start: ${why}\n${tail}`);
}

async function endServer(spawned: Spawned, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const { child, dir } = spawned;
  if (!hasExited(child) && child.pid) {
    process.kill(child.pid, signal);
    if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
      process.kill(child.pid, 'SIGKILL');
      await waitForExit(child, STOP_TIMEOUT_MS);
    }
  }
  running.delete(child);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Start a real redis-server on a free loopback port (or `opts.port`), without persistence, and wait
 * until it answers PING.
 */
export async function startRedis(opts: { port?: number } = {}): Promise<RedisHandle> {
  let port = opts.port ?? (await freePort());
  let current: Spawned;
  // The free port can be taken between probing and binding; with a chosen port, try a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      current = await spawnServer(port);
      break;
    } catch (err) {
      if (opts.port !== undefined || attempt >= 3) throw err;
      port = await freePort();
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.child.pid!;
    },
    stop: () => endServer(current, 'SIGTERM'),
    kill: () => endServer(current, 'SIGKILL'),
    async restart() {
      await endServer(current, 'SIGTERM');
      current = await spawnServer(port);
    },
  };
}

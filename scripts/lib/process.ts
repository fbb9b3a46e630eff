// The real entry point as a child process, for tests and scripts (npm run chaos) of what only a process has: its stdout and
// stderr, its exit code, signals, and kill -9. We spawn node itself (`node --import tsx
// backend/main.ts`), not `npx tsx` or `npm start`: those put a wrapper process between us and the
// server, and killing the wrapper with SIGKILL would leave the server running, orphaned.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Compiling main's imports with tsx on a loaded two-core CI machine can take a while. */
const START_DEADLINE_MS = 30_000;
const LISTENING = /^listening on (http:\/\/\S+)$/m;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TicktapeProcess {
  readonly pid: number;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once the process has exited and its output has been read to the end. */
  readonly exited: Promise<Exit>;
  /** Sends `signal`; false when the process has already exited. */
  kill(signal?: NodeJS.Signals): boolean;
}

export interface ChildServer extends TicktapeProcess {
  /** From the `listening on http://HOST:PORT` line. */
  readonly url: string;
}

export interface SpawnOptions {
  /** Environment variables on top of the parent's, from which every ticktape option was removed. */
  env?: Record<string, string>;
  /** How long to wait for `listening on …` (startServer only). */
  timeoutMs?: number;
  /** What to run instead of `node --import tsx backend/main.ts` (e.g. `npm start --`); args follow it. */
  command?: string[];
  /** Working directory (default: the repository's root). */
  cwd?: string;
  /**
   * Run in a process group of its own and signal the whole group, as a terminal's Ctrl-C does:
   * for wrappers such as `npx`, which exit on SIGTERM without passing it on to the server.
   */
  processGroup?: boolean;
}

// Whatever a test forgets (or a failed assertion skips), the test process does not leave behind.
const live = new Map<ChildProcess, (signal: NodeJS.Signals) => void>();
process.on('exit', () => {
  for (const kill of live.values()) kill('SIGKILL');
});

/** The parent's environment without PORT, HOST, REDIS_URL or TICKTAPE_*, so only the test's values count. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  const ours = /^(PORT|HOST|REDIS_URL|TICKTAPE_.*)$/;
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !ours.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Starts `backend/main.ts args…` (or `options.command`), from the repository root unless `options.cwd`; does not wait for anything. */
export function spawnTicktape(args: string[], options: SpawnOptions = {}): TicktapeProcess {
  const [file, ...prefix] = options.command ?? [process.execPath, '--import', 'tsx', 'backend/main.ts'];
  const child = spawn(file, [...prefix, ...args], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup ?? false,
  });
  const signal = (sig: NodeJS.Signals) => {
    if (!options.processGroup) return void child.kill(sig);
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // ESRCH: the whole group has exited
    }
  };
  live.set(child, signal);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close' comes after 'exit' and after both pipes have ended, so the output is complete.
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    pid: child.pid!,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    kill: (sig: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) {
        // The wrapper is gone; a server it left in the group still holds the pipes open.
        if (options.processGroup) signal(sig);
        return false;
      }
      signal(sig);
      return true;
    },
  };
}

/**
 * Starts a ticktape server process and resolves once it prints `listening on URL`. Rejects (and
 * kills it) if it exits first or misses the deadline, with its output in the message.
 */
export async function startChildServer(args: string[], options: SpawnOptions = {}): Promise<ChildServer> {
  const proc = spawnTicktape(args, options);
  const timeoutMs = options.timeoutMs ?? START_DEADLINE_MS;
  const deadline = Date.now() + timeoutMs;
  const describe = () => `\n--- stdout\n${proc.stdout}\n--- stderr\n${proc.stderr}`;
  let exit: Exit | null = null;
  void proc.exited.then((e) => (exit = e), () => {});
  for (;;) {
    const match = LISTENING.exec(proc.stdout);
    if (match) return Object.assign(proc, { url: match[1] });
    if (exit !== null) throw new Error(`ticktape ${args.join(' ')} exited (${JSON.stringify(exit)}) before listening${describe()}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await proc.exited;
      throw new Error(`ticktape ${args.join(' ')} did not print "listening on" within ${timeoutMs} ms${describe()}`);
    }
    // Output arrives on the event loop; a short poll keeps this simple and bounded by the deadline.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Compiling main's imports on a loaded CI machine is slow; this bounds a hang, not the speed. */
const EXIT_DEADLINE_MS = 30_000;

/** Resolves with the process's exit; rejects, with its output, if it still runs after `timeoutMs`. */
export async function exitOf(proc: TicktapeProcess, timeoutMs = EXIT_DEADLINE_MS): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${proc.stdout}\n${proc.stderr}`)), timeoutMs);
  });
  try {
    return await Promise.race([proc.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For test.after: SIGTERM, then SIGKILL if it is still running after `graceMs`. Never throws, so
 * one stuck child cannot keep the others from being stopped.
 */
export async function stopChild(proc: TicktapeProcess | undefined, graceMs = 6000): Promise<Exit | undefined> {
  if (!proc) return undefined;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  try {
    return await proc.exited;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The `key=value` fields of the first structured log line with `event=NAME`, or undefined. */
export function logLine(output: string, event: string): Record<string, string> | undefined {
  const line = output.split('\n').find((l) => new RegExp(`(^| )event=${event}( |$)`).test(l));
  if (line === undefined) return undefined;
  const fields: Record<string, string> = {};
  // Values are bare words, or JSON strings when they hold spaces, quotes or '='.
  for (const m of line.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    fields[m[1]] = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
  }
  return fields;
}

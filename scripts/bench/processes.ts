// Benchmark parts in processes of their own (the server under benchmark, latency probes, the log
// and page benchmarks), so what one measures is not the event loop or memory of another. Every
// child is stopped by PID, and killed at exit if a benchmark fails half-way.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOCK_TICKS } from './report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) {
    try {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** `node --import tsx scripts/bench/ENTRY ARGS…` from the repository root, killed at exit if still running. */
export function spawnBenchProcess(entry: string, args: string[], stdio: StdioOptions = 'pipe'): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench', entry), ...args], { cwd: ROOT, stdio });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Runs `scripts/bench/ENTRY ARGS…` with this process's stdout and stderr; rejects unless it exits 0. */
export async function runBenchProcess(entry: string, args: string[] = []): Promise<void> {
  const child = spawnBenchProcess(entry, args, 'inherit');
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status, signal) => resolve(signal ? 128 : status));
  });
  if (code !== 0) throw new Error(`scripts/bench/${entry} exited with ${code}`);
}

/** CPU seconds (user + system) a process has used, from fields 14 and 15 of /proc/PID/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name, which may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

// What every benchmark prints: the machine it ran on, aligned tables, and number formats with units.
// Figures only: nothing here judges a result.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc's CPU times. */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function machineLine(): string {
  const cpuinfo = safeRead('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const load = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  return `machine: ${os.availableParallelism()} CPUs (nproc), ${model}, ${memGiB} GiB RAM, node ${process.version}, ${os.platform()} ${os.release()}; load average ${load}`;
}

/**
 * CPU seconds spent by the whole machine (all CPUs, every process), from the first line of
 * /proc/stat: everything but idle and iowait. Set against the benchmark's own processes, it shows
 * how much other work shared the CPUs during a measurement.
 */
export function machineBusySeconds(): number {
  const fields = safeRead('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return Number.NaN;
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/** The soft limit on open files of this process (`ulimit -n`), from /proc; Infinity when unknown. */
export function openFileLimit(): number {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(safeRead('/proc/self/limits'));
  if (!match || match[1] === 'unlimited') return Infinity;
  return Number(match[1]);
}

export function heading(title: string, how: string): void {
  console.log(`\n== ${title} ==`);
  for (const line of how.split('\n')) console.log(`   ${line}`);
}

/** Right-aligns every column but the first; a header row, a rule, then the rows. */
export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '   ' + cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log('   ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

export const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
export const pct = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(0)}%` : 'n/a');

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

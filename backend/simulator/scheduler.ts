// The generation clock: calls onTick on a fixed grid start + k·interval, one setTimeout at a time.
// Each timer is computed from the grid, not from the previous firing, so lateness never
// accumulates. A timer that fires late (event loop blocked, machine suspended) produces exactly
// one call and the grid skips the missed slots: catching up would dump a burst of stale batches
// on clients, and the simulated path is indexed by step count, so it loses nothing.
import type { Scheduler } from './types.ts';

export interface SchedulerOptions {
  /** Period in ms; must be positive. */
  intervalMs: number;
  /** Called with now() once per slot. It should handle its own errors; see onError. */
  onTick: (ts: number) => void;
  /** Wall clock in ms since the epoch; also the `ts` handed to onTick. */
  now?: () => number;
  /**
   * Hears what onTick threw. The scheduler only catches so that one bad batch cannot stop the
   * feed; the default reports to stderr, because a silent failure each period is worse.
   */
  onError?: (error: unknown) => void;
}

type Mode = 'stopped' | 'running' | 'paused';

function reportToStderr(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`scheduler: onTick threw: ${message}\n`);
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { intervalMs, onTick, now = Date.now, onError = reportToStderr } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`intervalMs must be a positive number, got ${intervalMs}`);
  }

  let mode: Mode = 'stopped';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let anchor = 0;
  let slot = 0;
  // Bumped by every start/resume/stop/pause, so a callback that outlives its run (onTick called
  // stop() then start()) cannot schedule a second timer chain.
  let run = 0;

  function clearTimer(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  function arm(thisRun: number): void {
    let delay = anchor + slot * intervalMs - now();
    if (delay > intervalMs) {
      // The wall clock stepped backwards: restart the grid here rather than stall until it catches up.
      anchor = now();
      slot = 1;
      delay = intervalMs;
    }
    timer = setTimeout(() => fire(thisRun), Math.max(0, delay));
  }

  function fire(thisRun: number): void {
    timer = undefined;
    if (thisRun !== run || mode !== 'running') return;
    const ts = now();
    // Timers run on libuv's cached loop time and can fire a millisecond before the wall clock
    // reaches the slot: wait out the remainder so every call lands in its own slot.
    if (ts < anchor + slot * intervalMs) return arm(thisRun);
    try {
      onTick(ts);
    } catch (error) {
      onError(error);
    }
    if (thisRun !== run || mode !== 'running') return;
    slot = Math.max(slot + 1, Math.floor((now() - anchor) / intervalMs) + 1);
    arm(thisRun);
  }

  function begin(): void {
    mode = 'running';
    run += 1;
    anchor = now();
    slot = 1;
    arm(run);
  }

  function halt(next: Mode): void {
    mode = next;
    run += 1;
    clearTimer();
  }

  return {
    start() {
      if (mode === 'stopped') begin();
    },
    stop() {
      halt('stopped');
    },
    pause() {
      if (mode === 'running') halt('paused');
    },
    resume() {
      // A fresh grid from now: the first batch after a resume comes one interval later.
      if (mode === 'paused') begin();
    },
    generating: () => mode === 'running',
  };
}

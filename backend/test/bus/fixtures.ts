// Small real pieces for bus tests: an in-memory BusSource standing in for the SQLite log (the bus
// only needs readAfter/lastId), a follower that records what it receives, a logger that records
// what it is told, and a deadline-bounded wait.
import type { BusSource } from '../../bus/bus.ts';
import type { Logger, LogLevel } from '../../logger.ts';
import type { LoggedEvent } from '../../types.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG'];

export function makeTick(id: number, writer = 'a'): LoggedEvent {
  const symbol = SYMBOLS[id % SYMBOLS.length];
  // `writer` changes the bytes (the size), so tests can tell two writers' ticks with the same id
  // apart; the shape is a whole tick's, in wire order, since a follower checks every entry.
  const size = [...writer].reduce((sum, char) => sum * 31 + char.charCodeAt(0), 0) % 1_000_000;
  const price = 100 + (id % 97) / 100;
  const json = JSON.stringify({
    id, ts: 1_763_920_000_000 + id, symbol, price, bid: price - 0.01, ask: price + 0.01, size, volume: id * 100,
    open: 100, high: 101, low: 99, prevClose: 100, change: price - 100, changePct: 0,
  });
  return { id, symbol, json };
}

export interface ArraySource extends BusSource {
  readonly ticks: LoggedEvent[];
  /** Commit `count` new ticks (ids continue from lastId) and return them, like the log's append. */
  append(count: number): LoggedEvent[];
}

export function createArraySource(writer = 'a', epoch = '00000000000000aa'): ArraySource {
  const ticks: LoggedEvent[] = [];
  return {
    ticks,
    epoch: () => epoch,
    append(count) {
      const next = ticks.length + 1;
      const batch = Array.from({ length: count }, (_, i) => makeTick(next + i, writer));
      ticks.push(...batch);
      return batch;
    },
    readAfter(afterId, limit) {
      // ids are 1..n at index id-1
      return ticks.slice(Math.max(0, afterId), Math.max(0, afterId) + limit);
    },
    lastId() {
      return ticks.length;
    },
  };
}

export interface Collector {
  readonly ids: number[];
  readonly ticks: LoggedEvent[];
  readonly errors: Error[];
  handler(batch: LoggedEvent[]): void;
  onError(err: Error): void;
}

export function createCollector(): Collector {
  const ids: number[] = [];
  const ticks: LoggedEvent[] = [];
  const errors: Error[] = [];
  return {
    ids,
    ticks,
    errors,
    handler(batch) {
      for (const tick of batch) {
        ids.push(tick.id);
        ticks.push(tick);
      }
    },
    onError(err) {
      errors.push(err);
    },
  };
}

export interface LogEntry {
  event: string;
  fields: Record<string, unknown>;
  level: LogLevel;
}

export function createRecordingLogger(): { logger: Logger; entries: LogEntry[]; count(event: string): number } {
  const entries: LogEntry[] = [];
  return {
    entries,
    logger: (event, fields = {}, level = 'info') => {
      entries.push({ event, fields, level });
    },
    count: (event) => entries.filter((entry) => entry.event === event).length,
  };
}

/** Poll `condition` until it holds; fail naming `what` once `timeoutMs` passes. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once every queued microtask (the memory bus's deliveries) has run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

// Small real pieces for bus tests: an in-memory BusSource of events of every kind standing in for
// the SQLite log (the bus only needs readAfter/lastId), a follower that records what it receives, a logger that records
// what it is told, and a deadline-bounded wait.
import type { BusSource } from '../../bus/bus.ts';
import { serializeEvent, symbolOf } from '../../log/event-json.ts';
import type { Logger, LogLevel } from '../../logger.ts';
import type { LoggedEvent, MarketEventDraft } from '../../types.ts';
import { draft, quoteDraft, statusDraft } from '../log/fixtures/log-fixtures.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG'];

/**
 * Event `id` of a feed, as the log would have written it: a status event every 7th id, else a quote
 * at even ids and a trade at odd ones, so a feed carries every kind under one id sequence (a status
 * event under the symbol `''`). `writer` changes the bytes (the `ts`), so tests can tell two
 * writers' events with the same id apart; the shape is a whole event's, in wire order, since a
 * follower checks every entry.
 */
export function makeEvent(id: number, writer = 'a'): LoggedEvent {
  const symbol = SYMBOLS[id % SYMBOLS.length];
  const mark = [...writer].reduce((sum, char) => sum * 31 + char.charCodeAt(0), 0) % 1000;
  const made: MarketEventDraft = id % 7 === 0 ? statusDraft('regular', id) : id % 2 === 0 ? quoteDraft(symbol, id) : draft(symbol, id);
  const event = { ...made, ts: made.ts + mark };
  return { id, kind: event.kind, symbol: symbolOf(event), json: serializeEvent(id, event) };
}

export interface ArraySource extends BusSource {
  readonly ticks: LoggedEvent[];
  /** Commit `count` new events (ids continue from lastId) and return them, like the log's append. */
  append(count: number): LoggedEvent[];
}

export function createArraySource(writer = 'a', epoch = '00000000000000aa'): ArraySource {
  const ticks: LoggedEvent[] = [];
  return {
    ticks,
    epoch: () => epoch,
    append(count) {
      const next = ticks.length + 1;
      const batch = Array.from({ length: count }, (_, i) => makeEvent(next + i, writer));
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

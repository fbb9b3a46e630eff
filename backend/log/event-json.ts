// The one JSON form of each event kind. The log writes it, the stream and the API send it as it
// is, and the cluster feed and the history checks accept nothing else: the key order is the wire
// order (and `kind` is always last), so re-serialising a stored event gives the same bytes.
import { EVENT_KINDS, type MarketEventDraft, type MarketEventKind, type MarketSession } from '../types.ts';

/** Each kind's keys in wire order (types.ts `TradeTick`, `QuoteEvent`, `StatusEvent`). */
export const EVENT_KEYS: Readonly<Record<MarketEventKind, readonly string[]>> = {
  tick: [
    'id', 'ts', 'symbol', 'price', 'bid', 'ask', 'size', 'volume', 'open', 'high', 'low', 'prevClose', 'change', 'changePct',
    'bidSize', 'askSize', 'marketTime', 'session', 'kind',
  ],
  quote: ['id', 'ts', 'symbol', 'bid', 'ask', 'bidSize', 'askSize', 'marketTime', 'session', 'kind'],
  status: ['id', 'ts', 'marketTime', 'session', 'kind'],
};

/** Every key of a tick or quote after `symbol` up to `marketTime` is a number. */
const NUMERIC_KEYS: Readonly<Record<MarketEventKind, readonly string[]>> = {
  tick: EVENT_KEYS.tick.slice(EVENT_KEYS.tick.indexOf('symbol') + 1, EVENT_KEYS.tick.indexOf('marketTime')),
  quote: EVENT_KEYS.quote.slice(EVENT_KEYS.quote.indexOf('symbol') + 1, EVENT_KEYS.quote.indexOf('marketTime')),
  status: [],
};

const SESSIONS: ReadonlySet<string> = new Set<MarketSession>(['pre-market', 'regular', 'after-hours', 'closed']);

/** `2026-03-02T09:30:00.250-05:00`: what calendar.ts formatMarketTime writes. */
const MARKET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;

/**
 * The event's JSON in wire order, whatever order the draft's own keys are in; extra properties
 * never leak into the log. Spelled out as text because it runs once per generated event and is
 * about twice as fast as JSON.stringify of an object literal: numbers print the same way in both
 * (Number#toString), and every draft has passed `checkDraft` (finite numbers) before it is written;
 * strings still go through JSON.stringify.
 */
export function serializeEvent(id: number, d: MarketEventDraft): string {
  const tail = `"marketTime":${JSON.stringify(d.marketTime)},"session":${JSON.stringify(d.session)}`;
  switch (d.kind) {
    case 'tick':
      return (
        `{"id":${id},"ts":${d.ts},"symbol":${JSON.stringify(d.symbol)},"price":${d.price},"bid":${d.bid},"ask":${d.ask},` +
        `"size":${d.size},"volume":${d.volume},"open":${d.open},"high":${d.high},"low":${d.low},"prevClose":${d.prevClose},` +
        `"change":${d.change},"changePct":${d.changePct},"bidSize":${d.bidSize},"askSize":${d.askSize},${tail},"kind":"tick"}`
      );
    case 'quote':
      return (
        `{"id":${id},"ts":${d.ts},"symbol":${JSON.stringify(d.symbol)},"bid":${d.bid},"ask":${d.ask},` +
        `"bidSize":${d.bidSize},"askSize":${d.askSize},${tail},"kind":"quote"}`
      );
    case 'status':
      return `{"id":${id},"ts":${d.ts},${tail},"kind":"status"}`;
  }
}

/** Whether `value` names an event kind (`tick`, `quote` or `status`, lower case). */
export function isEventKind(value: unknown): value is MarketEventKind {
  return (EVENT_KINDS as readonly unknown[]).includes(value);
}

/** The symbol an event is logged and filtered under: `''` for the market-wide status events. */
export function symbolOf(d: MarketEventDraft): string {
  return d.kind === 'status' ? '' : d.symbol;
}

/**
 * Why `value` is not an event of its kind (the first field that is wrong), or null when it is one.
 * Checks types and ranges, not key order: see `storedEventProblem` for the stored bytes.
 */
export function eventProblem(value: Record<string, unknown>): string | null {
  const kind = value.kind;
  if (!isEventKind(kind)) return `kind must be tick, quote or status, got ${JSON.stringify(kind)}`;
  if (!Number.isSafeInteger(value.ts)) return 'ts must be an integer';
  if (typeof value.marketTime !== 'string' || !MARKET_TIME.test(value.marketTime)) {
    return 'marketTime must be ISO 8601 with milliseconds and an offset';
  }
  if (typeof value.session !== 'string' || !SESSIONS.has(value.session)) return 'session must be pre-market, regular, after-hours or closed';
  if (kind === 'status') return null;
  if (typeof value.symbol !== 'string' || value.symbol === '') return 'symbol must be a non-empty string';
  const numeric = NUMERIC_KEYS[kind];
  for (let i = 0; i < numeric.length; i++) {
    const field = value[numeric[i]];
    if (typeof field !== 'number' || !Number.isFinite(field)) return `${numeric[i]} must be a finite number`;
  }
  return null;
}

/** A malformed draft would be replayed to every client forever, so it is refused before the write. */
export function checkDraft(draft: MarketEventDraft): void {
  const problem = eventProblem(draft as unknown as Record<string, unknown>);
  if (problem !== null) {
    const what = draft.kind === 'status' || !('symbol' in draft) ? String(draft.kind) : `${draft.kind} ${String(draft.symbol)}`;
    throw new TypeError(`event draft (${what}): ${problem}`);
  }
}

/** What a stored event's JSON says of itself, once checked (see `parseStoredEvent`). */
export interface StoredEventHead {
  id: number;
  ts: number;
  kind: MarketEventKind;
  symbol: string;
}

/**
 * Reads and checks the JSON of a stored event: exactly what the log writes for its kind (same keys
 * in the same order, so re-serialising gives the same bytes: no whitespace, hence no line break that
 * could end an SSE frame), with valid fields. Throws a TypeError saying what is wrong.
 */
export function parseStoredEvent(json: string): StoredEventHead {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TypeError('not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('not an object');
  const record = value as Record<string, unknown>;
  const problem = eventProblem(record);
  if (problem !== null) throw new TypeError(problem);
  const kind = record.kind as MarketEventKind;
  const keys = Object.keys(record);
  const expected = EVENT_KEYS[kind];
  if (keys.length !== expected.length || keys.some((key, i) => key !== expected[i])) throw new TypeError(`not the fields of a ${kind} event`);
  if (!Number.isSafeInteger(record.id) || (record.id as number) < 1) throw new TypeError('id must be a positive integer');
  if (JSON.stringify(record) !== json) throw new TypeError("not in the log's serialisation");
  return { id: record.id as number, ts: record.ts as number, kind, symbol: kind === 'status' ? '' : (record.symbol as string) };
}

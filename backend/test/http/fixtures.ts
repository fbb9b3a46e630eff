// Shared pieces for the HTTP API tests: the error-shape check every 4xx must pass, the tick-field
// checks and a Prometheus text reader.
import * as assert from 'uvu/assert';
import type { TradeTick } from '../../types.ts';
import type { JsonResponse } from '../helpers/http.ts';

/** Lines such as `    at handler (/work/backend/http/api.ts:12:3)` or any source path. */
const STACK_TRACE = /\n\s+at\s|\bat\s+\S+\s+\(|\.ts:\d+|\.js:\d+|node_modules|node:internal/;

/**
 * The contract's error shape: exactly `{"error","code"}`, both non-empty strings, JSON content type,
 * the expected status, a message naming what was wrong, and nothing that looks like a stack trace.
 */
export function assertError(res: JsonResponse, status: number, code: string, names?: RegExp | string): void {
  const context = `${res.status} ${JSON.stringify(res.body)}`;
  assert.is(res.status, status, context);
  assert.match(String(res.headers.get('content-type')), /^application\/json/, context);
  assert.equal(Object.keys(res.body).sort(), ['code', 'error'], context);
  assert.type(res.body.error, 'string');
  assert.ok(res.body.error.length > 0, context);
  assert.is(res.body.code, code, context);
  if (names !== undefined) assert.match(res.body.error, names, context);
  assert.not.match(JSON.stringify(res.body), STACK_TRACE, `no stack trace in ${context}`);
}

export function assertNoStackTrace(text: string, context: string): void {
  assert.not.match(text, STACK_TRACE, `no stack trace in ${context}: ${text.slice(0, 200)}`);
}

/** Every field of the contract's tick (a trade print of market model 2), in wire order. */
export const TICK_FIELDS = [
  'id', 'ts', 'symbol', 'price', 'bid', 'ask', 'size', 'volume', 'open', 'high', 'low', 'prevClose', 'change', 'changePct',
  'bidSize', 'askSize', 'marketTime', 'session', 'kind',
] as const;

const SESSIONS = ['pre-market', 'regular', 'after-hours', 'closed'];
/** `2026-03-02T09:30:00.250-05:00`: New York exchange time with its offset. */
const MARKET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-0[45]:00$/;

const MONEY_FIELDS = ['price', 'bid', 'ask', 'open', 'high', 'low', 'prevClose', 'change'] as const;

/** True when `x` is a whole number of cents (up to binary floating-point noise). */
export function onCentGrid(x: number): boolean {
  return Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;
}

/**
 * Every tick field present with its type, prices on the cent grid, a sane quote and session. A
 * symbol's state (`/api/quotes`, the snapshot) has a tick's shape but carries its current quote,
 * which may be newer than the trade: `state` skips the check that the trade is inside the quote.
 */
export function assertTickShape(tick: TradeTick, context = `tick ${JSON.stringify(tick)}`, { state = false } = {}): void {
  assert.equal(Object.keys(tick), [...TICK_FIELDS], `${context}: exactly the contract's fields, in order`);
  assert.ok(Number.isSafeInteger(tick.id) && tick.id > 0, `${context}: id is a positive integer`);
  assert.ok(Number.isSafeInteger(tick.ts) && tick.ts > 1.5e12 && tick.ts < 1e13, `${context}: ts is epoch milliseconds`);
  assert.type(tick.symbol, 'string');
  for (const field of MONEY_FIELDS) {
    assert.type(tick[field], 'number');
    assert.ok(Number.isFinite(tick[field]), `${context}: ${field} is finite`);
    assert.ok(onCentGrid(tick[field]), `${context}: ${field} ${tick[field]} is on the cent grid`);
  }
  assert.ok(Number.isSafeInteger(tick.size) && tick.size > 0, `${context}: size is a positive integer`);
  assert.ok(Number.isSafeInteger(tick.volume) && tick.volume >= tick.size, `${context}: volume counts at least this trade`);
  assert.type(tick.changePct, 'number');
  assert.ok(tick.bid < tick.ask, `${context}: bid < ask`);
  if (!state) assert.ok(tick.bid <= tick.price && tick.price <= tick.ask, `${context}: the trade is inside the quote`);
  for (const field of ['bidSize', 'askSize'] as const) {
    assert.ok(Number.isSafeInteger(tick[field]) && tick[field] > 0, `${context}: ${field} is a positive integer`);
  }
  assert.match(tick.marketTime, MARKET_TIME, `${context}: marketTime is New York time with its offset`);
  assert.ok(SESSIONS.includes(tick.session), `${context}: session ${tick.session}`);
  assert.is(tick.kind, 'tick', `${context}: kind`);
  assert.ok(tick.low <= tick.price && tick.price <= tick.high, `${context}: low <= price <= high`);
  assert.ok(tick.low <= tick.open && tick.open <= tick.high, `${context}: low <= open <= high`);
  // change is price − prevClose to the cent; changePct is its ratio to prevClose, rounded to 0.001.
  assert.is(Math.round(tick.change * 100), Math.round(tick.price * 100) - Math.round(tick.prevClose * 100), `${context}: change`);
  const pct = (tick.change / tick.prevClose) * 100;
  assert.ok(Math.abs(tick.changePct - pct) <= 0.0005 + 1e-9, `${context}: changePct ${tick.changePct} vs ${pct}`);
}

/**
 * The samples of a Prometheus text exposition: `name` for an unlabelled one, `name{labels}` exactly
 * as exposed for a labelled one (`ticktape_http_requests_total{route="/healthz",method="GET",status="200"}`).
 * Only a reader for assertions: the exposition's syntax is checked by promtool (metrics-exposition.test.ts).
 */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

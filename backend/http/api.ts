// The JSON API: universe, latest quotes, paged history and health. Event JSON is stored text, so
// responses splice it in rather than parse and re-serialise every event.
import Router from '@koa/router';
import type { Bus } from '../bus/bus.ts';
import type { EventLog } from '../log/event-log.ts';
import { marketState } from '../log/symbol-state.ts';
import { QUOTES_MAX_HISTORY, type EventFilter, type LoggedEvent, type UniverseView } from '../types.ts';
import { errors } from './errors.ts';
import { parseCount, parseEventKinds, parseSymbolFilter, single } from './params.ts';

export const TICKS_DEFAULT_LIMIT = 1000;
export const TICKS_MAX_LIMIT = 10000;

export interface ApiDeps {
  role: string;
  universe: UniverseView;
  log: EventLog;
  bus: Bus;
  clients: () => number;
  generating: () => boolean;
  /** The node's open conflict with the cluster's history, null when none. */
  conflict: () => string | null;
}

export function apiRoutes(router: Router, deps: ApiDeps): void {
  const { log } = deps;
  router.get('/api/symbols', (ctx) => {
    ctx.body = { symbols: deps.universe.specs() };
  });

  router.get('/api/quotes', (ctx) => {
    const filter = parseSymbolFilter(ctx.query.symbols, deps.universe.names());
    const history = parseHistory(ctx.query.history);
    // One synchronous step: quotes, history and lastEventId describe the same moment of the log.
    const market = fromLog(log, () => marketState(log, filter));
    const prices = history === null ? null : fromLog(log, () => log.recentPrices(filter, history));
    ctx.type = 'application/json';
    const historyField = prices === null ? '' : `,"history":${JSON.stringify(Object.fromEntries(prices))}`;
    const sessionFields = market.session === null ? '' : `,"session":${JSON.stringify(market.session)},"marketTime":${JSON.stringify(market.marketTime)}`;
    ctx.body = `{"lastEventId":${log.lastId()},"quotes":[${market.states.join(',')}]${sessionFields}${historyField}}`;
  });

  // Trades only, as before event kinds: a reader written for ticks pages through exactly the ticks.
  router.get('/api/ticks', (ctx) => {
    const symbols = parseSymbolFilter(ctx.query.symbols, deps.universe.names());
    const page = readPage(log, ctx.query, { symbols, kinds: new Set(['tick']) });
    ctx.type = 'application/json';
    ctx.body = `{"ticks":[${page.events.map((t) => t.json).join(',')}],"next":${page.next}}`;
  });

  router.get('/api/events', (ctx) => {
    const symbols = parseSymbolFilter(ctx.query.symbols, deps.universe.names());
    const kinds = parseEventKinds(ctx.query.events);
    const page = readPage(log, ctx.query, { symbols, kinds });
    ctx.type = 'application/json';
    ctx.body = `{"events":[${page.events.map((t) => t.json).join(',')}],"next":${page.next}}`;
  });

  // `unavailable`: the log cannot be used at all. `degraded`: it still answers reads (history,
  // replay, quotes) but its newest append failed, so this node's feed has stopped moving; a load
  // balancer should send clients elsewhere until an append succeeds again.
  router.get('/healthz', (ctx) => {
    const readable = log.healthy();
    const conflict = deps.conflict();
    const status = !readable ? 'unavailable' : log.appendErrors().failing ? 'degraded' : conflict ? 'conflict' : 'ok';
    const bus = deps.bus;
    ctx.status = status === 'ok' ? 200 : 503;
    ctx.body = {
      status,
      role: deps.role,
      bus: bus.kind,
      redis: bus.state(),
      lastEventId: readable ? log.lastId() : null,
      oldestEventId: readable ? log.oldestId() : null,
      clients: deps.clients(),
      generating: deps.generating(),
      epoch: log.epoch(),
      conflict,
    };
  });
}

/** One page of `/api/ticks` or `/api/events`: `after` and `limit` from the query. */
function readPage(log: EventLog, query: Record<string, string | string[] | undefined>, filter: EventFilter): { events: LoggedEvent[]; next: number | null } {
  const after = parseCount('after', query.after, 0);
  const limit = parseLimit(query.limit);
  const events = fromLog(log, () => log.readAfter(after, filter, limit));
  // A full page may have more behind it; a short one means the reader is caught up.
  return { events, next: events.length === limit ? events[events.length - 1].id : null };
}

/**
 * `history`: absent (null: no history field), or a whole number of prices per symbol from 0 to 500,
 * which bounds one request's reads to symbols × 500 rows.
 */
function parseHistory(raw: string | string[] | undefined): number | null {
  const text = single(raw);
  if (text === undefined) return null;
  if (!/^[0-9]{1,4}$/.test(text) || Number(text) > QUOTES_MAX_HISTORY) {
    throw errors.badInteger('history', text, `a whole number of prices per symbol from 0 to ${QUOTES_MAX_HISTORY}`);
  }
  return Number(text);
}

/**
 * `limit`: default 1000; digits only, read as a decimal whole number like `lastEventId` (leading
 * zeros allowed: `000001` is 1), at least 1, and any larger number, however long, is clamped to 10000.
 */
function parseLimit(raw: string | string[] | undefined): number {
  const text = single(raw);
  if (text === undefined) return TICKS_DEFAULT_LIMIT;
  if (!/^[0-9]+$/.test(text) || BigInt(text) < 1n) throw errors.badInteger('limit', text, 'an integer ≥ 1');
  return BigInt(text) > BigInt(TICKS_MAX_LIMIT) ? TICKS_MAX_LIMIT : Number(text);
}

/**
 * Reads from the log, answering 503 when it is unusable: already known to be, or found to be by
 * this very read (a storage error such as a corrupt page marks the log unhealthy as it throws).
 */
function fromLog<T>(log: EventLog, read: () => T): T {
  if (!log.healthy()) throw errors.logUnavailable();
  try {
    return read();
  } catch (err) {
    if (!log.healthy()) throw errors.logUnavailable();
    throw err;
  }
}

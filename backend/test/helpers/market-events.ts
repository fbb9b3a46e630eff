// Shared by the tests of event kinds (issue 8): a tape that shows every kind within a second, and
// the contract's filter rules written out here, apart from the server's, to check the server by.
import type { EventLog } from '../../log/event-log.ts';
import type { MarketEvent, MarketEventKind } from '../../types.ts';

/**
 * Server options for a fast tape: 10 ms batches of 2000 market seconds (a regular session is 12
 * batches, so status events come every few dozen ids) and a budget of 30 trade and quote events a
 * batch, enough for every symbol of a small universe to print trades each batch.
 */
export const FAST_MARKET = { interval: 10, speed: 200_000, 'max-events-per-second': 3000 } as const;

/** What `?symbols=` and `?events=` select; absent = every symbol / every kind. */
export interface KindFilter {
  symbols?: readonly string[];
  kinds?: readonly MarketEventKind[];
}

/** The contract's rule: kinds as listed; a symbol filter keeps status events, which are market-wide. */
export function selects(filter: KindFilter, event: MarketEvent): boolean {
  if (filter.kinds && !filter.kinds.includes(event.kind)) return false;
  if (filter.symbols && event.kind !== 'status' && !filter.symbols.includes(event.symbol)) return false;
  return true;
}

/** Every event of a server's log, parsed, in id order. */
export function eventsOf(log: EventLog, afterId = 0): MarketEvent[] {
  return log.readAfter(afterId, null, 1_000_000).map((row) => JSON.parse(row.json) as MarketEvent);
}

/** The event's keys in wire order, as the contract lists them (written out, not imported). */
export const WIRE_KEYS: Record<MarketEventKind, string[]> = {
  tick: [
    'id', 'ts', 'symbol', 'price', 'bid', 'ask', 'size', 'volume', 'open', 'high', 'low', 'prevClose', 'change', 'changePct',
    'bidSize', 'askSize', 'marketTime', 'session', 'kind',
  ],
  quote: ['id', 'ts', 'symbol', 'bid', 'ask', 'bidSize', 'askSize', 'marketTime', 'session', 'kind'],
  status: ['id', 'ts', 'marketTime', 'session', 'kind'],
};

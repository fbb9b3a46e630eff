// What a table needs to be right at once: each symbol's state, read from the log's newest events.
// The snapshot of `/stream` and the quotes of `/api/quotes` are these entries. An entry has the
// shape of a tick, so a client written for ticks reads it as one: the symbol's last trade, with
// the bid, ask and sizes of its current quote (its newest quote event, when that is newer than the
// trade) and the market's current session (the newest event's, which a `status` may have changed
// since the trade). Its `id` stays the trade's.
import type { MarketEvent, MarketSession, QuoteEvent, TradeTick } from '../types.ts';
import type { EventLog } from './event-log.ts';
import { serializeEvent } from './event-json.ts';

export interface MarketState {
  /** Per symbol that has traded (of `symbols` when given), in symbol order: its entry's JSON. */
  states: string[];
  /** The market's session and the newest event's market time; null on an empty log. */
  session: MarketSession | null;
  marketTime: string | null;
}

/** The state of `symbols` (every symbol when null) as of the log's newest event. */
export function marketState(log: EventLog, symbols: ReadonlySet<string> | null): MarketState {
  const newestRow = log.newestEvent();
  const newest = newestRow === null ? null : (JSON.parse(newestRow.json) as MarketEvent);
  const quotes = new Map(log.latestQuotes(symbols).map((quote) => [quote.symbol, quote]));
  const states = log.latest(symbols).map((tradeRow) => {
    const quoteRow = quotes.get(tradeRow.symbol);
    const quoteIsNewer = quoteRow !== undefined && quoteRow.id > tradeRow.id;
    const sessionChanged = newest !== null && !tradeRow.json.endsWith(`"session":${JSON.stringify(newest.session)},"kind":"tick"}`);
    // The common case (no quote since the trade, same session) passes the stored bytes through.
    if (!quoteIsNewer && !sessionChanged) return tradeRow.json;
    const trade = JSON.parse(tradeRow.json) as TradeTick;
    if (quoteIsNewer) {
      const quote = JSON.parse(quoteRow.json) as QuoteEvent;
      trade.bid = quote.bid;
      trade.ask = quote.ask;
      trade.bidSize = quote.bidSize;
      trade.askSize = quote.askSize;
    }
    if (newest !== null) trade.session = newest.session;
    return serializeEvent(trade.id, trade);
  });
  return { states, session: newest?.session ?? null, marketTime: newest?.marketTime ?? null };
}

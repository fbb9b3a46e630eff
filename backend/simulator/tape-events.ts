// The events market model v2 puts on the tape, built from a symbol's state: a quote, a trade print
// (which also updates the day's statistics and takes the displayed size it hits), a session status;
// and the merge of the symbols' events into one step's tape. Drafts are built in wire key order
// (SPEC-8: `id` first, then these keys, `kind` last), so `{ id, ...draft }` serialises as the wire does.
import type { MarketEventDraft, MarketSession, QuoteEvent, StatusEvent, TradeTick } from '../types.ts';
import { formatMarketTime, type TradingDay } from './calendar.ts';
import type { SymbolState } from './market-state.ts';
import { quoteSize, tradeSide, tradeSize } from './microstructure.ts';
import { fromCents, roundTo } from './prices.ts';
import type { SymbolModel } from './regime.ts';
import type { Rng } from './rng.ts';

export type SymbolEventDraft = Omit<TradeTick, 'id'> | Omit<QuoteEvent, 'id'>;

/** The market's new session, at market time `at`. */
export function statusEvent(ts: number, at: number, day: TradingDay, session: MarketSession): Omit<StatusEvent, 'id'> {
  return { ts, marketTime: formatMarketTime(at, day), session, kind: 'status' };
}

/** The symbol's quote in force. `marketTime` is set when the step's tape is merged. */
export function quoteEvent(ts: number, s: SymbolState, session: MarketSession): Omit<QuoteEvent, 'id'> {
  return {
    ts,
    symbol: s.symbol,
    bid: fromCents(s.bid),
    ask: fromCents(s.ask),
    bidSize: s.bidSize,
    askSize: s.askSize,
    marketTime: '',
    session,
    kind: 'quote',
  };
}

/** One print against the quote in force: at the ask, the bid or (rarely) the midpoint. */
export function printTrade(
  ts: number,
  s: SymbolState,
  model: SymbolModel,
  rng: Rng,
  session: MarketSession,
): Omit<TradeTick, 'id'> {
  const side = tradeSide(rng);
  const size = tradeSize(rng);
  const priceCents = side === 1 ? s.ask : side === -1 ? s.bid : (s.bid + s.ask) / 2;
  s.volume += size;
  s.open ??= priceCents;
  s.high = s.high === null ? priceCents : Math.max(s.high, priceCents);
  s.low = s.low === null ? priceCents : Math.min(s.low, priceCents);
  if (session === 'regular') s.regularLast = priceCents;
  const change = priceCents - s.prevClose;
  const tick: Omit<TradeTick, 'id'> = {
    ts,
    symbol: s.symbol,
    price: fromCents(priceCents),
    bid: fromCents(s.bid),
    ask: fromCents(s.ask),
    size,
    volume: s.volume,
    open: fromCents(s.open),
    high: fromCents(s.high),
    low: fromCents(s.low),
    prevClose: fromCents(s.prevClose),
    change: roundTo(change / 100, 4),
    changePct: roundTo((change / s.prevClose) * 100, 3),
    bidSize: s.bidSize,
    askSize: s.askSize,
    marketTime: '',
    session,
    kind: 'tick',
  };
  // The print takes displayed shares; an emptied level is refilled by the next order in line.
  const lots = Math.ceil(size / 100) * 100;
  if (side === 1) s.askSize = s.askSize > lots ? s.askSize - lots : quoteSize(rng, model.meanLots);
  else if (side === -1) s.bidSize = s.bidSize > lots ? s.bidSize - lots : quoteSize(rng, model.meanLots);
  return tick;
}

/**
 * Appends the symbols' events to `out` round-robin (each symbol's in order) and spreads them over
 * the step's market time [t0, t0 + duration): the j-th of `total` at t0 + ⌊(j + ½)·duration/total⌋.
 */
export function mergeStep(
  perSymbol: readonly SymbolEventDraft[][],
  out: MarketEventDraft[],
  t0: number,
  duration: number,
  day: TradingDay,
): void {
  let total = 0;
  for (const events of perSymbol) total += events.length;
  const base = out.length;
  for (let round = 0; out.length - base < total; round++) {
    for (const events of perSymbol) if (round < events.length) out.push(events[round]);
  }
  for (let j = base; j < out.length; j++) {
    out[j].marketTime = formatMarketTime(t0 + Math.floor(((j - base + 0.5) * duration) / total), day);
  }
}

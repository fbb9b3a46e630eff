// Continuing a path from its log's events when no checkpoint is usable (a former cluster leader
// whose log has grown by replication past its own checkpoint). The engine's full state is not in
// the events, so the continuation is a new path that starts where the tape stands: the clock in
// the session of the newest event, each symbol at its newest quote's mid with that quote, the
// day's statistics from its newest trade when that is of the same trading day, the volatility
// regime at its stationary mean, and fresh generator streams keyed by (seed, last id), so the same
// log always resumes to the same tape and no resumed path replays the one the run began with.
import type { MarketEvent, QuoteEvent, SymbolSpec, TradeTick } from '../types.ts';
import type { TradingDay, TradingHours } from './calendar.ts';
import { parseMarketTime, placeClock, type ClockPlace } from './market-clock.ts';
import {
  MARKET_ACTIVITY_STREAM,
  MARKET_STEP_STREAM,
  activityStreamName,
  freshSymbol,
  startDayStats,
  stepStreamName,
  type EngineState,
  type SymbolState,
} from './market-state.ts';
import { ModelVersionError } from './market-version.ts';
import { PRICE_CEILING, PRICE_FLOOR } from './prices.ts';
import { createRng, symbolStream } from './rng.ts';

/** What the log tells about where its tape stands (SPEC-8 `resumeFromEvents`). */
export interface LogLatest {
  /** The newest trade of each symbol (more are allowed: the newest by id counts). */
  trades: readonly TradeTick[];
  /** The newest quote of each symbol (likewise). */
  quotes: readonly QuoteEvent[];
  /** The log's newest event of any kind, or null for an empty log. */
  newest: MarketEvent | null;
  lastId: number;
}

/** The state and trading day a path resumed from `latest` continues from. */
export function resumedState(
  latest: LogLatest,
  universe: readonly SymbolSpec[],
  seed: number,
  hours: TradingHours,
  stepMs: number,
): { state: EngineState; day: TradingDay } | null {
  if (latest.newest === null) return null;
  const at = marketTimeOf(latest.newest);
  const place = placeClock(at, stepMs, hours);
  const epoch = latest.lastId;
  const stream = (name: string) => createRng(symbolStream(seed, name, epoch));
  const stepRngs = universe.map((spec) => stream(stepStreamName(spec.symbol)));
  const activityRngs = universe.map((spec) => stream(activityStreamName(spec.symbol)));
  const trades = newestBySymbol(latest.trades);
  const quotes = newestBySymbol(latest.quotes);
  const symbols = universe.map((spec, i) => {
    const trade = trades.get(spec.symbol);
    const quote = quotes.get(spec.symbol);
    return trade || quote ? resumedSymbol(spec.symbol, trade, quote, place) : freshSymbol(spec, activityRngs[i]);
  });
  const state: EngineState = {
    clock: {
      t: place.t,
      dayNumber: place.day.dayNumber,
      sessionIndex: place.sessionIndex,
      minute: place.minute,
      opening: place.opening,
      newDay: place.newDay,
      steps: 0,
      allowance: 0,
      reported: 0,
      dailyMarket: 0,
      intradayMarket: 0,
    },
    symbols,
    marketStep: stream(MARKET_STEP_STREAM),
    marketActivity: stream(MARKET_ACTIVITY_STREAM),
    stepRngs,
    activityRngs,
  };
  return { state, day: place.day };
}

/** A market time from the log; an event without one was written by market model 1. */
function marketTimeOf(event: { marketTime?: unknown; id: number }): number {
  if (typeof event.marketTime !== 'string') throw new ModelVersionError(1);
  const at = parseMarketTime(event.marketTime);
  if (Number.isNaN(at)) {
    throw new Error(`cannot resume from the log: event ${event.id} has marketTime ${JSON.stringify(event.marketTime)}, not ISO 8601`);
  }
  return at;
}

function newestBySymbol<T extends { id: number; symbol: string }>(events: readonly T[]): Map<string, T> {
  const newest = new Map<string, T>();
  for (const e of events) {
    const held = newest.get(e.symbol);
    if (!held || e.id > held.id) newest.set(e.symbol, e);
  }
  return newest;
}

/** Money from the log as positive cents (a midpoint print's half cent kept), or a clear refusal. */
function cents(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`cannot resume from the log: ${what} is ${JSON.stringify(value)}, not a positive price`);
  }
  return Math.max(1, Math.round(value * 200) / 2);
}

function size(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 100;
}

function resumedSymbol(symbol: string, trade: TradeTick | undefined, quote: QuoteEvent | undefined, place: ClockPlace): SymbolState {
  // The quote in force: the newer of the quote and the trade (a trade carries the quote it met).
  const inForce = quote && (!trade || quote.id > trade.id) ? quote : trade!;
  const bid = cents(inForce.bid, `${symbol}'s bid (event ${inForce.id})`);
  const ask = cents(inForce.ask, `${symbol}'s ask (event ${inForce.id})`);
  if (trade) marketTimeOf(trade);
  const s: SymbolState = {
    symbol,
    // The engine's price is the efficient mid, which the quote brackets.
    price: Math.min(PRICE_CEILING, Math.max(PRICE_FLOOR, (bid + ask) / 200)),
    shock: 1,
    prevClose: 0,
    open: null,
    high: null,
    low: null,
    volume: 0,
    regularLast: 0,
    bid,
    ask,
    bidSize: size(inForce.bidSize),
    askSize: size(inForce.askSize),
    dailyOwn: 0,
    intradayOwn: 0,
  };
  const what = (field: string) => `${symbol}'s ${field} (event ${trade?.id})`;
  if (trade && !place.newDay && trade.marketTime.slice(0, 10) === place.day.date) {
    // Same trading day: its statistics carry on.
    s.prevClose = cents(trade.prevClose, what('prevClose'));
    s.open = cents(trade.open, what('open'));
    s.high = cents(trade.high, what('high'));
    s.low = cents(trade.low, what('low'));
    s.volume = Number.isSafeInteger(trade.volume) && trade.volume >= 0 ? trade.volume : 0;
    if (trade.session === 'regular') s.regularLast = cents(trade.price, what('price'));
    return s;
  }
  // A new day for this symbol: the previous one closed at the last regular print, which an
  // after-hours trade carries as its prevClose (the engine moves prevClose at the regular close).
  startDayStats(s);
  if (!trade) s.prevClose = Math.round((bid + ask) / 2);
  else if (trade.session === 'after-hours') s.prevClose = cents(trade.prevClose, what('prevClose'));
  else s.prevClose = cents(trade.price, what('price'));
  return s;
}

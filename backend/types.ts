// The data shapes shared by every module, and by the frontend (type-only imports, plus the one
// limit of the API that clients size their requests by).

/** One simulated trade, as stored in the log and sent to clients. Field order is the wire order. */
export interface Tick {
  /** Log sequence: positive, +1 per tick across the whole log, never reused. */
  id: number;
  /** Milliseconds since the epoch (wall clock at generation). */
  ts: number;
  symbol: string;
  price: number;
  bid: number;
  ask: number;
  size: number;
  volume: number;
  open: number;
  high: number;
  low: number;
  prevClose: number;
  change: number;
  changePct: number;
}

/** A trade print before the log has given it an id. */
export type TickDraft = Omit<TradeTick, 'id'>;

/** One instrument of the universe, in the `--config` / `GET /api/symbols` shape. */
export interface SymbolSpec {
  symbol: string;
  name: string;
  /** Initial price. */
  price: number;
  /** Annualised volatility, e.g. 0.25 for 25 %. */
  volatility: number;
  /** Annualised drift, e.g. 0.08. */
  drift: number;
  /** Full bid-ask spread in basis points of the price. */
  spreadBps: number;
  /** Sensitivity to the common market factor; defaults to 1. */
  beta?: number;
  /**
   * Average daily volume in shares: the expected volume of a regular session (market model v2).
   * Defaults to the built-in figure for a built-in symbol, else about $1 bn of stock a day.
   */
  adv?: number;
}

/**
 * A market event together with its JSON text, serialized exactly once (when it is committed or read
 * from the log) so that the stream, the API and the bus pass the same bytes around without
 * re-encoding.
 */
export interface LoggedEvent {
  id: number;
  kind: MarketEventKind;
  /** The event's symbol; `''` for a status event, which is market-wide. */
  symbol: string;
  json: string;
  /** The history the event belongs to, on events read from the cluster feed (see log.epoch()). */
  epoch?: string;
}

/** Which events a reader wants: upper-case symbols (status events pass any), kinds; null = all. */
export interface EventFilter {
  symbols: ReadonlySet<string> | null;
  kinds: ReadonlySet<MarketEventKind> | null;
}

/** Every event kind, in the order the docs list them. */
export const EVENT_KINDS = ['tick', 'quote', 'status'] as const satisfies readonly MarketEventKind[];

/** The answer of `GET /api/quotes`; `history` only when asked for with `?history=N`. */
export interface QuotesAnswer {
  lastEventId: number;
  /**
   * Per symbol that has traded, its state: the last trade's fields with the current quote's bid,
   * ask and sizes, and the market's current session (see log.ts `symbolStates`).
   */
  quotes: TradeTick[];
  /** The market's current session and the newest event's market time; absent on an empty log. */
  session?: MarketSession;
  marketTime?: string;
  /** Per quoted symbol, its last N trade prices, oldest first, ending with its quote's price. */
  history?: Record<string, number[]>;
}

/** The most prices per symbol `GET /api/quotes?history=N` returns; a larger N is a 400. */
export const QUOTES_MAX_HISTORY = 500;

/**
 * The symbols a node serves and validates requests against: fixed on a generator (its own
 * universe), adopted from the cluster on an edge (the generator's), so it can change at run time.
 */
export interface UniverseView {
  specs(): readonly SymbolSpec[];
  /** Upper-case symbol names of `specs()`. */
  names(): ReadonlySet<string>;
}

// ---- Market model v2 (backend/simulator/market.ts): a log of market events of several kinds ----

/** Which part of the trading day an event belongs to, in New York exchange time. */
export type MarketSession = 'pre-market' | 'regular' | 'after-hours' | 'closed';

/** Fields every market event carries besides its id. */
interface MarketEventBase {
  /** Log sequence, one sequence across all kinds. */
  id: number;
  /** Milliseconds since the epoch (wall clock at generation). */
  ts: number;
  /** Simulated exchange time, ISO 8601 with the New York offset: `2026-03-02T09:30:00.250-05:00`. */
  marketTime: string;
  session: MarketSession;
}

/**
 * A trade print: today's `Tick`, unchanged, plus the exchange clock and the sizes of the quote in
 * force. `price` is the print (at the bid or the ask, sometimes the midpoint), `bid`/`ask` the
 * quote it traded against, `volume` the day's volume of the whole market (printed or not).
 */
export interface TradeTick extends Tick {
  kind: 'tick';
  marketTime: string;
  /** Shares bid / offered at the quote in force (round lots). */
  bidSize: number;
  askSize: number;
  session: MarketSession;
}

/** A change of one symbol's best bid and offer. */
export interface QuoteEvent extends MarketEventBase {
  kind: 'quote';
  symbol: string;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
}

/** A market-wide session change (pre-market, open, after-hours, close); `session` is the new one. */
export interface StatusEvent extends MarketEventBase {
  kind: 'status';
}

export type MarketEvent = TradeTick | QuoteEvent | StatusEvent;
export type MarketEventKind = MarketEvent['kind'];

/** What the market model produces: an event before the log has given it an id. */
export type MarketEventDraft =
  | Omit<TradeTick, 'id'>
  | Omit<QuoteEvent, 'id'>
  | Omit<StatusEvent, 'id'>;

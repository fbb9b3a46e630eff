// What the feed promises its users (the component, and embedders who use `FeedHub` directly), and
// the browser facilities it is given (`FeedEnvironment`), so that tests can pass fakes.

import type { MarketSession, QuoteEvent, StatusEvent, Tick, TradeTick } from '../../../backend/types.ts';

/**
 * A trade as the stream sends it: a `Tick` from any server; from one running market model 2 a
 * `TradeTick`, which adds `kind`, `marketTime`, `session`, `bidSize` and `askSize`.
 */
export type FeedTick = Tick & Partial<Omit<TradeTick, keyof Tick>>;

/** The market's session and exchange clock, as the newest event told (market model 2). */
export interface MarketInfo {
  session: MarketSession;
  /** ISO 8601 with the New York offset: `2026-03-02T09:30:00.250-05:00`. */
  marketTime: string;
}

/** An event of the stream, by its SSE type (`tick` from any server; `quote`, `status` from model 2). */
export type FeedEvent =
  | { kind: 'tick'; event: FeedTick }
  | { kind: 'quote'; event: QuoteEvent }
  | { kind: 'status'; event: StatusEvent };

export type FeedState = 'connecting' | 'live' | 'replaying' | 'reconnecting' | 'error';

export interface FeedStatus {
  state: FeedState;
  /** Ticks (trades) delivered while catching up since the last (re)connection. */
  caughtUp: number;
  /** Human-readable reason, for `reconnecting` and `error`. */
  message?: string;
  /** The server's error code (`UNKNOWN_SYMBOL`, …) when it answered 4xx. */
  code?: string;
}

export interface ResetInfo {
  /** `history`: the resume point belongs to another history than the server's (its log was replaced). */
  reason: 'expired' | 'unknown' | 'history';
  oldestId: number;
  latestId: number;
  /** The history the server serves (absent from servers before epochs). */
  epoch?: string;
}

/**
 * What a subscriber is told. Calls never happen synchronously inside `subscribe()`. Every event
 * (trade, quote, status) comes at most once, in id order, whichever of these methods it goes to.
 */
export interface FeedListener {
  /**
   * Replace all state with these ticks (the latest per symbol as of log id `id`; from a model-2
   * server with `bid`, `ask`, `bidSize`, `askSize` of the symbol's current quote).
   */
  snapshot(ticks: readonly FeedTick[], id: number): void;
  /** The resume point was outside the log: clear all state; a snapshot follows. */
  reset(info: ResetInfo): void;
  /** One live or replayed trade, in id order, never twice. */
  tick(tick: FeedTick): void;
  /** One live or replayed change of a symbol's best bid and offer (market model 2), in id order, never twice. */
  quote?(quote: QuoteEvent): void;
  /**
   * The market's session: on every `status` event (the session entered), and whenever a trade, a
   * quote or a starting point (snapshot, /api/quotes) shows another session than the last one told.
   * Never from a server without sessions (before market model 2).
   */
  market?(market: MarketInfo): void;
  /** The connection state changed (not called for every `caughtUp` increment). */
  status(status: FeedStatus): void;
}

export interface SubscribeOptions {
  /** Upper-case symbols to receive; empty or absent for the whole universe. */
  symbols?: readonly string[];
  /** Replay every event with an id above this one (0 = the start of the log). */
  lastEventId?: number | null;
}

/** The handle `subscribe()` returns. */
export interface FeedSubscription {
  /** The current status; `caughtUp` is always up to date here. */
  readonly status: FeedStatus;
  /** The id of the newest event (trade, quote, status) or snapshot this subscriber has been brought up to. */
  readonly cursor: number | null;
  close(): void;
}

/** The part of `EventSource` the feed uses, so tests can pass a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((this: any, ev: Event) => any) | null;
  onerror: ((this: any, ev: Event) => any) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export interface FeedEnvironment {
  EventSource: new (url: string) => EventSourceLike;
  fetch: (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** The page's address, against which relative `src` values resolve. */
  baseUrl: () => string;
}

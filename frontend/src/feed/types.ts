// What the feed promises its users (the component, and embedders who use `FeedHub` directly), and
// the browser facilities it is given (`FeedEnvironment`), so that tests can pass fakes.

import type { Tick } from '../../../backend/types.ts';

export type FeedState = 'connecting' | 'live' | 'replaying' | 'reconnecting' | 'error';

export interface FeedStatus {
  state: FeedState;
  /** Ticks delivered while catching up since the last (re)connection. */
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

/** What a subscriber is told. Calls never happen synchronously inside `subscribe()`. */
export interface FeedListener {
  /** Replace all state with these ticks (the latest per symbol as of log id `id`). */
  snapshot(ticks: readonly Tick[], id: number): void;
  /** The resume point was outside the log: clear all state; a snapshot follows. */
  reset(info: ResetInfo): void;
  /** One live or replayed tick, in id order, never twice. */
  tick(tick: Tick): void;
  /** The connection state changed (not called for every `caughtUp` increment). */
  status(status: FeedStatus): void;
}

export interface SubscribeOptions {
  /** Upper-case symbols to receive; empty or absent for the whole universe. */
  symbols?: readonly string[];
  /** Replay every tick with an id above this one (0 = the start of the log). */
  lastEventId?: number | null;
}

/** The handle `subscribe()` returns. */
export interface FeedSubscription {
  /** The current status; `caughtUp` is always up to date here. */
  readonly status: FeedStatus;
  /** The id of the newest tick (or snapshot) this subscriber has been brought up to. */
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

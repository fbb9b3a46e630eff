// One table's subscription: which events it wants, how far it has been brought (its cursor), where
// it stands, and what it is told. The streams (shared-stream.ts) decide what happens; the transitions
// of a subscriber's state, and the status its table shows, are all here.
//
// The log is one id sequence over events of three kinds (trades `tick`, `quote`s, market `status`),
// so the cursor moves over every event the stream brings, of any kind: a resume from it (a re-open,
// a hand-over, the browser's Last-Event-ID) then neither repeats a quote nor skips a status.

import type { MarketSession } from '../../../backend/types.ts';
import { backOff } from './requests.ts';
import type {
  FeedEnvironment,
  FeedEvent,
  FeedListener,
  FeedState,
  FeedStatus,
  FeedSubscription,
  FeedTick,
  MarketInfo,
  ResetInfo,
} from './types.ts';

/** Browsers open at most this many HTTP/1.1 connections to one server (scheme, host and port). */
const HTTP1_CONNECTIONS_PER_SERVER = 6;

/**
 * Where a subscriber stands. It has a cursor exactly in `catching-up` and `caught-up`.
 *
 *   waiting ──the stream's snapshot──────────────────────────────────────▶ caught-up
 *   waiting ──seeding()──▶ seeding ──seeded(): /api/quotes answered──────▶ caught-up
 *                          seeding ──seedFailed(): a 5xx; after a backoff──▶ waiting
 *   subscribed with a resume point ─▶ catching-up ──its head delivered───▶ caught-up
 *   catching-up, caught-up ──fallBehind(): the connection dropped────────▶ catching-up (head to learn)
 *   catching-up, caught-up ──reset(): resume point outside the log───────▶ waiting (a snapshot follows)
 *   any ──fail()──▶ failed;   any ──close()──▶ closed
 *
 * `head` is the id of the newest event of ours that existed when the stream (re)opened, once learnt
 * from /api/quotes: delivering it means caught up (any later event is live by definition).
 */
export type SubscriberState = 'waiting' | 'seeding' | 'catching-up' | 'caught-up' | 'failed' | 'closed';

/** The stream a subscriber is served by, as far as the subscriber needs it. */
export interface SubscriberStream {
  /** The origin (scheme, host, port) of the stream: the unit of the browser's connection limit. */
  readonly origin: string;
  remove(sub: Subscriber): void;
}

export class Subscriber implements FeedSubscription {
  readonly symbols: ReadonlySet<string> | null;
  /** Every event of ours (of any kind) with an id up to this one has been delivered. */
  cursor: number | null;
  /** The session last told to `listener.market` (null: none yet, or forgotten by a reset). */
  #toldSession: MarketSession | null = null;
  /** Our own replay stream, then (after the hand-over) the src's shared one. */
  stream: SubscriberStream;
  #state: SubscriberState;
  /** In `catching-up`: where it ends, once learnt (see SubscriberState). */
  #head: number | null = null;
  /** The wait before retrying a failed /api/quotes request (see `backOff`). */
  #seedDelay = 0;
  #status: FeedStatus = { state: 'connecting', caughtUp: 0 };
  /** Cancels the watch on a connection that is slow to come (see `watchConnecting`). */
  #stopWatching: (() => void) | null = null;

  constructor(
    symbols: readonly string[],
    startId: number | null,
    readonly listener: FeedListener,
    stream: SubscriberStream,
    /** Subscribed without a `src`: the stream is `/stream` of the page's own origin. */
    readonly defaultSrc = false,
  ) {
    this.symbols = symbols.length ? new Set(symbols) : null;
    this.cursor = startId;
    this.stream = stream;
    this.#state = startId === null ? 'waiting' : 'catching-up';
  }

  get state(): SubscriberState {
    return this.#state;
  }

  get head(): number | null {
    return this.#head;
  }

  get status(): FeedStatus {
    return this.#status;
  }

  /** Neither failed nor closed. */
  get active(): boolean {
    return this.#state !== 'failed' && this.#state !== 'closed';
  }

  wants(symbol: string): boolean {
    return this.symbols === null || this.symbols.has(symbol);
  }

  // ── Transitions ────────────────────────────────────────────────────────────────────────────

  /** waiting → seeding: asking /api/quotes for a starting point. */
  seeding(): void {
    if (this.#state === 'waiting') this.#state = 'seeding';
  }

  /**
   * seeding → caught-up from /api/quotes (`market`: the answer's `session` and `marketTime`, from a
   * model-2 server); false (and nothing done) if no longer seeding.
   */
  seeded(ticks: readonly FeedTick[], id: number, market: MarketInfo | null = null): boolean {
    if (this.#state !== 'seeding') return false;
    this.#seedDelay = 0;
    this.#start(ticks, id, market);
    return true;
  }

  /**
   * /api/quotes failed (a 5xx, unreachable): say why, and once a backoff has passed go seeding →
   * waiting, to be seeded again by `retry` (if the stream's snapshot has not started us meanwhile).
   */
  seedFailed(message: string, clock: Pick<FeedEnvironment, 'setTimeout'>, retry: () => void): void {
    this.#seedDelay = backOff(this.#seedDelay);
    this.setStatus('reconnecting', { message: `${message}; retrying…` });
    clock.setTimeout(() => {
      if (this.#state === 'seeding') this.#state = 'waiting';
      retry();
    }, this.#seedDelay);
  }

  /** The stream's snapshot: a new starting point, whatever came before. */
  snapshot(ticks: readonly FeedTick[], id: number): void {
    if (!this.active) return;
    this.#start(ticks, id, marketOfSnapshot(ticks));
    this.setStatus('live');
  }

  /**
   * The resume point was outside the log: drop the cursor; the snapshot that follows starts us
   * again, and tells the market's session afresh (the log may be another market's).
   */
  reset(info: ResetInfo): void {
    if (this.#state === 'catching-up' || this.#state === 'caught-up') this.#state = 'waiting';
    this.cursor = null;
    this.#toldSession = null;
    this.listener.reset(info);
  }

  /**
   * An event of the stream, of any kind: delivered if it is ours and after our cursor. The stream is
   * gap-free from at or below our cursor, so everything of ours up to its id has now been seen,
   * ours or not, whatever its kind. A `status` event has no symbol: it is every subscriber's.
   */
  receive({ kind, event }: FeedEvent): void {
    if (this.cursor === null || event.id <= this.cursor) return;
    this.cursor = event.id;
    const catchingUp = this.#state === 'catching-up';
    if (kind === 'status') {
      this.#tellMarket(event, true);
    } else if (this.wants(event.symbol)) {
      this.#tellMarket(event, false);
      if (kind === 'quote') this.listener.quote?.(event);
      else {
        if (catchingUp) this.#status = { ...this.#status, caughtUp: this.#status.caughtUp + 1 };
        this.listener.tick(event);
      }
    }
    if (catchingUp) this.checkCaughtUp();
  }

  /** Tells the listener the market's session: always for a status event, else when it changed. */
  #tellMarket(event: Partial<MarketInfo>, always: boolean): void {
    const { session, marketTime } = event;
    if (session === undefined || marketTime === undefined) return; // a server before sessions
    if (!always && session === this.#toldSession) return;
    this.#toldSession = session;
    this.listener.market?.({ session, marketTime });
  }

  /** The connection dropped: the server's head moves on meanwhile, so it is to be learnt again. */
  fallBehind(): void {
    if (this.cursor === null || !this.active) return;
    this.#state = 'catching-up';
    this.#head = null;
  }

  /**
   * Learnt from /api/quotes (`quotes` of our symbols, `lastEventId` the log's newest): where our
   * catching up ends. Null: the request failed, so we cannot tell; say live rather than replay forever.
   */
  learnHead(answer: { lastEventId?: number; quotes?: FeedTick[] } | null): void {
    if (this.#state !== 'catching-up') return;
    if (answer === null) {
      this.#state = 'caught-up';
      this.setStatus('live');
      return;
    }
    // Every symbol: every event is ours, so the log's newest is the head. Some symbols: the newest
    // trade of ours (the quotes' ids are their trades'); quote and status events after it, which
    // /api/quotes does not number, are replayed as live ones, which they nearly are.
    let head = 0;
    if (this.symbols === null && typeof answer.lastEventId === 'number') head = answer.lastEventId;
    else for (const q of answer.quotes ?? []) if (this.wants(q.symbol) && q.id > head) head = q.id;
    // A cursor beyond the log's newest id is not "nothing left to replay": the server will answer
    // it with `reset` and a snapshot (or, on an edge still catching up, with later ticks). Until
    // one of those arrives the cursor is unconfirmed, and a subscriber handed over with it would
    // drop every tick below it. So its replay ends with the first tick after the cursor, or the reset.
    const newest = typeof answer.lastEventId === 'number' ? answer.lastEventId : head;
    this.#head = this.cursor !== null && this.cursor > newest ? this.cursor + 1 : head;
    this.checkCaughtUp();
  }

  /**
   * The stream serving us has opened: `replaying` from zero if behind, else `live`. True when our
   * head is still to be learnt (after the browser's own reconnection).
   */
  streamOpened(): boolean {
    if (this.cursor === null) return false;
    if (this.#state !== 'catching-up') {
      this.setStatus('live');
      return false;
    }
    this.#status = { ...this.#status, caughtUp: 0 };
    this.setStatus('replaying');
    if (this.#head === null) return true;
    this.checkCaughtUp();
    return false;
  }

  /** The server refused us (or is not ticktape): terminal. */
  fail(message: string, code?: string): void {
    this.#state = 'failed';
    this.unwatch();
    this.setStatus('error', { message, ...(code ? { code } : {}) });
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.unwatch();
    this.stream.remove(this);
  }

  /** → caught-up from a starting point: the latest of each of our symbols as of log id `id`. */
  #start(ticks: readonly FeedTick[], id: number, market: MarketInfo | null): void {
    this.#state = 'caught-up';
    this.cursor = id;
    this.listener.snapshot(
      ticks.filter((t) => this.wants(t.symbol)),
      id,
    );
    if (market) this.#tellMarket(market, false);
  }

  /** catching-up → caught-up once the head has been delivered. */
  checkCaughtUp(): void {
    if (this.#state === 'catching-up' && this.#head !== null && this.cursor !== null && this.cursor >= this.#head) {
      this.#state = 'caught-up';
      this.setStatus('live');
    }
  }

  // ── Status: what the table shows ──────────────────────────────────────────────────────────

  /** Tells the listener, unless nothing it shows has changed. */
  setStatus(state: FeedState, extra: { message?: string; code?: string } = {}): void {
    if (state !== 'connecting') this.unwatch();
    const caughtUp = state === 'connecting' ? 0 : this.#status.caughtUp;
    if (state === this.#status.state && extra.message === this.#status.message) return;
    this.#status = { state, caughtUp, ...extra };
    this.listener.status(this.#status);
  }

  /**
   * A stream the browser never opens gives no event at all: over HTTP/1.1 it waits, silently and for
   * ever, for one of the six connections the page may have to that server. So while the subscriber
   * is still connecting, look every `ms()` milliseconds; when the page's own streams hold all six,
   * say so and how to fix it, instead of "Connecting…" with no reason.
   */
  watchConnecting(clock: Pick<FeedEnvironment, 'setTimeout' | 'clearTimeout'>, ms: () => number, openStreamsTo: (origin: string) => number): void {
    const timer = clock.setTimeout(() => {
      this.#stopWatching = null;
      if (!this.active || this.#status.state !== 'connecting') return;
      const origin = this.stream.origin;
      const message = slowConnectionMessage(openStreamsTo(origin), origin);
      this.setStatus('connecting', message ? { message } : {});
      this.watchConnecting(clock, ms, openStreamsTo);
    }, ms());
    this.#stopWatching = () => clock.clearTimeout(timer);
  }

  unwatch(): void {
    this.#stopWatching?.();
    this.#stopWatching = null;
  }
}

/** Why a stream to `origin` has not opened, when the page's `open` streams hold every connection. */
export function slowConnectionMessage(open: number, origin: string): string | undefined {
  if (open < HTTP1_CONNECTIONS_PER_SERVER) return undefined;
  return (
    `Waiting for a connection: this page already has ${open} streams open to ${new URL(origin).host}, and browsers open at most ` +
    `${HTTP1_CONNECTIONS_PER_SERVER} connections per server over HTTP/1.1. Give these tables one src ` +
    '(tables with the same src share one stream), or serve ticktape over HTTP/2 (a proxy such as nginx in front)'
  );
}

/**
 * The market's session and clock as a snapshot shows them (model 2): every entry carries the
 * current session; the clock is the newest entry's (the newest trade's). Null from an older server.
 */
export function marketOfSnapshot(ticks: readonly FeedTick[]): MarketInfo | null {
  let newest: FeedTick | null = null;
  for (const t of ticks) if (t.session !== undefined && t.marketTime !== undefined && (!newest || t.id > newest.id)) newest = t;
  return newest ? { session: newest.session!, marketTime: newest.marketTime! } : null;
}

/** The symbols any of `subs` wants (null: every symbol). */
export function unionOf(subs: Iterable<Subscriber>): ReadonlySet<string> | null {
  const union = new Set<string>();
  for (const sub of subs) {
    if (sub.symbols === null) return null;
    for (const s of sub.symbols) union.add(s);
  }
  return union;
}

/** The cursor of the subscriber brought least far. */
export function lowestCursor(subs: Iterable<Subscriber>): number | null {
  let low: number | null = null;
  for (const sub of subs) if (sub.cursor !== null && (low === null || sub.cursor < low)) low = sub.cursor;
  return low;
}

export function sameSymbols(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const s of a) if (!b.has(s)) return false;
  return true;
}

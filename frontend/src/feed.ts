// The shared tick feed: one EventSource per page and stream URL for every <ticker-table> showing
// the live market, whatever their number. Browsers allow only six HTTP/1.1 connections per origin,
// so ten tables must not open ten streams.
//
// A feed subscribes to the union of its subscribers' symbols. Each subscriber has a cursor: "every
// tick of mine with an id up to here has been delivered to me". The stream is gap-free and ordered,
// so a feed opened from the lowest cursor can serve everyone: a subscriber drops ticks at or below
// its own cursor. When the union changes the feed re-opens the stream from that lowest cursor, so
// nobody loses a tick across the switch.
//
// A table that asks for a replay (`lastEventId`) does not join the shared feed at first: it gets a
// replay feed of its own (a second EventSource), because re-opening the shared stream from an old
// id would freeze every live table on that src until the replay had caught up (seconds, on a log of
// a million ticks). Once the replay has caught up, the table is handed over to the shared feed with
// its cursor, and its own stream is closed: the shared stream is re-opened from the lowest cursor
// (by then a recent id), exactly as when a table joins with new symbols, so nothing is lost and
// the others drop the ticks that come again. Ten live tables and any number of finished replays
// thus use one connection, which matters because a page has only six per origin. With no shared
// feed on that src, the replay feed simply becomes the shared one, with no reconnection.
// (Cursors of two differently filtered streams cannot be compared to find a moment when no
// re-open is needed: the server writes each batch to one filter group before the next, so either
// stream can be a batch ahead of the other.)
//
// Protocol facts relied on (WHATWG HTML, "Server-sent events", and docs/CONTRACT):
// - the browser reconnects by itself after a network error and sends `Last-Event-ID`, which the
//   server prefers to our `lastEventId` query parameter;
// - after an HTTP error, a wrong content type or a CORS failure it "fails the connection":
//   readyState becomes CLOSED and it never retries; the `error` event carries no detail, so we
//   fetch the same URL to read the server's JSON `{"error","code"}`;
// - without a resume point the server starts with `snapshot` (id = newest log id); with one it
//   replays, or sends `reset` followed by a snapshot when the id is outside the log.

import type { Tick } from '../../backend/types.ts';

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
  reason: 'expired' | 'unknown';
  oldestId: number;
  latestId: number;
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

// EventSource.readyState values.
const CONNECTING = 0;
const CLOSED = 2;

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;
const DIAGNOSE_TIMEOUT_MS = 10_000;
/** How long a subscriber may stay `connecting` before the feed looks for a reason to show. */
export const SLOW_CONNECTION_MS = 10_000;
/** Browsers open at most this many HTTP/1.1 connections to one server (scheme, host and port). */
const HTTP1_CONNECTIONS_PER_SERVER = 6;

/** The default stream address: `/stream` of the page's origin. */
export function resolveStreamUrl(src: string | null | undefined, baseUrl: string): URL {
  return new URL(src && src.trim() ? src.trim() : '/stream', baseUrl);
}

type Problem = {
  status: number | null;
  message: string;
  code?: string;
  /** The answer was not ticktape's: an error page rather than its JSON, or not an event stream. */
  foreign?: boolean;
};

class Subscriber implements FeedSubscription {
  readonly symbols: ReadonlySet<string> | null;
  cursor: number | null;
  /** Served by the currently open stream (its union covers us, it started at or below our cursor). */
  attached = false;
  /** Behind the server's head after a (re)connection or because we asked for a replay. */
  catchingUp: boolean;
  /** The id of the newest tick of ours that existed when the stream opened, once known. */
  head: number | null = null;
  /** A request to /api/quotes for our starting point is in flight, or its retry is scheduled. */
  seeding = false;
  /** The wait before retrying a failed /api/quotes request; doubles up to RETRY_MAX_MS. */
  seedDelay = 0;
  /** Subscribed without a `src`: the stream is `/stream` of the page's own origin. */
  defaultSrc = false;
  /** Cancels the watch on a connection that is slow to come (see `Feed.#watchConnecting`). */
  stopWatching: (() => void) | null = null;
  active = true;
  /** The feed serving us: our own replay feed, then (after the hand-over) the shared one. */
  feed: Feed;
  #status: FeedStatus = { state: 'connecting', caughtUp: 0 };

  constructor(symbols: readonly string[], startId: number | null, readonly listener: FeedListener, feed: Feed) {
    this.symbols = symbols.length ? new Set(symbols) : null;
    this.cursor = startId;
    this.catchingUp = startId !== null;
    this.feed = feed;
  }

  get status(): FeedStatus {
    return this.#status;
  }

  wants(symbol: string): boolean {
    return this.symbols === null || this.symbols.has(symbol);
  }

  setState(state: FeedState, extra: { message?: string; code?: string } = {}): void {
    if (state !== 'connecting') this.unwatch();
    const caughtUp = state === 'connecting' ? 0 : this.#status.caughtUp;
    if (state === this.#status.state && extra.message === this.#status.message) return;
    this.#status = { state, caughtUp, ...extra };
    this.listener.status(this.#status);
  }

  countCaughtUp(): void {
    this.#status = { ...this.#status, caughtUp: this.#status.caughtUp + 1 };
  }

  resetCaughtUp(): void {
    this.#status = { ...this.#status, caughtUp: 0 };
  }

  unwatch(): void {
    this.stopWatching?.();
    this.stopWatching = null;
  }

  close(): void {
    if (!this.active) return;
    this.active = false;
    this.unwatch();
    this.feed.remove(this);
  }
}

interface FeedHooks {
  /** The feed has no subscriber left and has closed its stream. */
  onEmpty: () => void;
  /**
   * Only on a replay feed: offers its caught-up subscriber to the shared feed of its src. True when
   * the subscriber has moved there; false when it stays (because this feed has just become the
   * shared one).
   */
  handOver?: (sub: Subscriber) => boolean;
  /** How many streams of the page's feeds to `origin` the browser has opened. */
  openStreamsTo: (origin: string) => number;
  /** The hub's `slowConnectionMs`, read when a watch starts. */
  slowConnectionMs: () => number;
}

/**
 * One connection to a stream URL: the src's shared feed, or one replaying table's own feed until
 * it is handed over. Created and discarded by `FeedHub`.
 */
class Feed {
  readonly #url: URL;
  readonly #env: FeedEnvironment;
  readonly #onEmpty: () => void;
  readonly #hooks: FeedHooks;
  #handOver: ((sub: Subscriber) => boolean) | null;
  readonly #subs = new Set<Subscriber>();

  #es: EventSourceLike | null = null;
  /** The union the open stream was asked for (null = every symbol). */
  #esSymbols: ReadonlySet<string> | null = null;
  /** The resume point the open stream was opened with (null = from a snapshot). */
  #esFrom: number | null = null;
  /** The id of the last event received on the open stream. */
  #esLastId: number | null = null;
  #esOpened = false;
  #resetPending = false;

  #syncQueued = false;
  #syncing = false;
  #syncAgain = false;
  #retryTimer: unknown = null;
  #retryDelay = 0;
  #closed = false;

  constructor(url: URL, env: FeedEnvironment, hooks: FeedHooks) {
    this.#url = url;
    this.#env = env;
    this.#onEmpty = hooks.onEmpty;
    this.#hooks = hooks;
    this.#handOver = hooks.handOver ?? null;
  }

  /** The origin (scheme, host, port) of the stream: the unit of the browser's connection limit. */
  get origin(): string {
    return this.#url.origin;
  }

  /** Whether this feed's stream is open (it holds one of the browser's connections to its origin). */
  get streaming(): boolean {
    return this.#es !== null && this.#esOpened && this.#es.readyState !== CLOSED;
  }

  add(options: SubscribeOptions, listener: FeedListener, defaultSrc = false): FeedSubscription {
    const sub = new Subscriber(options.symbols ?? [], options.lastEventId ?? null, listener, this);
    sub.defaultSrc = defaultSrc;
    this.#subs.add(sub);
    this.#watchConnecting(sub);
    this.#requestSync();
    return sub;
  }

  /**
   * A stream the browser never opens gives no event at all: over HTTP/1.1 it waits, silently and for
   * ever, for one of the six connections the page may have to that server. So while the subscriber
   * is still connecting, look now and then; when the page's own streams hold all six, say so and
   * how to fix it, instead of "Connecting…" with no reason.
   */
  #watchConnecting(sub: Subscriber): void {
    const timer = this.#env.setTimeout(() => {
      sub.stopWatching = null;
      if (!sub.active || sub.status.state !== 'connecting') return;
      const origin = sub.feed.origin;
      const open = this.#hooks.openStreamsTo(origin);
      if (open >= HTTP1_CONNECTIONS_PER_SERVER) {
        const host = new URL(origin).host;
        sub.setState('connecting', {
          message:
            `Waiting for a connection: this page already has ${open} streams open to ${host}, and browsers open at most ` +
            `${HTTP1_CONNECTIONS_PER_SERVER} connections per server over HTTP/1.1. Give these tables one src ` +
            '(tables with the same src share one stream), or serve ticktape over HTTP/2 (a proxy such as nginx in front)',
        });
      } else {
        sub.setState('connecting');
      }
      this.#watchConnecting(sub);
    }, this.#hooks.slowConnectionMs());
    sub.stopWatching = () => this.#env.clearTimeout(timer);
  }

  remove(sub: Subscriber): void {
    this.#subs.delete(sub);
    this.#requestSync();
  }

  /** This replay feed becomes its src's shared feed: it keeps its subscriber and its stream. */
  share(): void {
    this.#handOver = null;
  }

  /**
   * Takes over a subscriber whose replay has caught up, keeping its cursor: it joins like any other
   * subscriber, so the stream is re-opened from the lowest cursor (most likely its own, recent since
   * it has caught up) unless the stream already carries its symbols from at or below its cursor.
   * Nobody loses a tick; the others drop the few that come again (at or below their own cursors).
   * False only if this feed has shut down.
   */
  adopt(sub: Subscriber): boolean {
    if (this.#closed) return false;
    sub.feed = this;
    sub.attached = false;
    this.#subs.add(sub);
    this.#requestSync();
    return true;
  }

  /** Coalesces every change made in one task into a single reconciliation. */
  #requestSync(): void {
    if (this.#syncQueued) return;
    this.#syncQueued = true;
    queueMicrotask(() => {
      this.#syncQueued = false;
      void this.#runSync();
    });
  }

  async #runSync(): Promise<void> {
    if (this.#syncing) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = true;
    try {
      do {
        this.#syncAgain = false;
        await this.#sync();
      } while (this.#syncAgain && !this.#closed);
    } finally {
      this.#syncing = false;
    }
  }

  /** Makes the open stream match the subscribers: their union, from their lowest cursor. */
  async #sync(): Promise<void> {
    if (this.#subs.size === 0) {
      this.#shutDown();
      return;
    }
    // A newcomer to a feed that is already delivering cannot wait for the server's snapshot
    // (it came long ago, or the stream will be re-opened from a resume point, which sends none):
    // it starts from /api/quotes, which also validates its symbols.
    const started = this.#esLastId !== null || [...this.#subs].some((s) => s.cursor !== null);
    if (started) {
      const fresh = [...this.#subs].filter((s) => s.cursor === null && !s.seeding);
      await Promise.all(fresh.map((s) => this.#seedFromQuotes(s)));
      if (this.#subs.size === 0) {
        this.#shutDown();
        return;
      }
    }

    // Learn where each catching-up subscriber's replay ends before (re-)opening the stream: once the
    // page's streams hold all six connections of the origin, a request after opening would never
    // be answered and the subscriber would replay forever.
    const headless = [...this.#subs].filter((s) => s.catchingUp && s.head === null && s.cursor !== null);
    if (headless.length) await this.#learnHeads(headless);

    if (this.#retryTimer !== null) return; // a reconnect is scheduled; it will reconcile
    const union = unionOf(this.#subs);
    const resume = lowestCursor(this.#subs);
    const position = this.#esLastId ?? this.#esFrom;
    const usable = this.#es !== null && this.#es.readyState !== CLOSED;
    const reopen =
      !usable ||
      !sameSymbols(this.#esSymbols, union) ||
      (resume !== null && (position === null || resume < position)) ||
      // fresh subscribers still waiting for a snapshot that this stream will never send
      (resume === null && position !== null);
    if (reopen) {
      this.#open(union, resume);
    } else {
      for (const sub of this.#subs) {
        if (sub.attached || !this.#canServe(sub)) continue;
        sub.attached = true;
        if (this.#esOpened && sub.cursor !== null && !sub.catchingUp) sub.setState('live');
        if (this.#esOpened && sub.catchingUp) this.#checkCaughtUp(sub);
      }
    }
  }

  #open(union: ReadonlySet<string> | null, resume: number | null): void {
    this.#closeStream();
    if (this.#retryTimer !== null) {
      this.#env.clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
    }
    const url = new URL(this.#url);
    if (union) url.searchParams.set('symbols', [...union].sort().join(','));
    else url.searchParams.delete('symbols');
    if (resume !== null) url.searchParams.set('lastEventId', String(resume));
    else url.searchParams.delete('lastEventId');

    const es = new this.#env.EventSource(url.href);
    this.#es = es;
    this.#esSymbols = union;
    this.#esFrom = resume;
    this.#esLastId = null;
    this.#esOpened = false;
    this.#resetPending = false;
    for (const sub of this.#subs) sub.attached = this.#canServe(sub);

    es.onopen = () => this.#handleOpen(es);
    es.onerror = () => void this.#handleError(es, url.href);
    es.addEventListener('snapshot', (e) => this.#handleSnapshot(es, e));
    es.addEventListener('reset', (e) => this.#handleReset(es, e));
    es.addEventListener('tick', (e) => this.#handleTick(es, e));
  }

  /**
   * Whether the open stream can bring `sub` up to date: from its cursor, or, without one, from the
   * snapshot the stream is yet to send. (A subscriber without a cursor on a stream resumed from an
   * id would never get a starting point; it waits for /api/quotes instead.)
   */
  #canServe(sub: Subscriber): boolean {
    if (sub.cursor !== null) return true;
    return (this.#esFrom === null && this.#esLastId === null) || this.#resetPending;
  }

  #handleOpen(es: EventSourceLike): void {
    if (es !== this.#es) return;
    this.#esOpened = true;
    this.#retryDelay = 0;
    const behind: Subscriber[] = [];
    for (const sub of this.#subs) {
      if (!sub.attached || sub.cursor === null) continue;
      if (sub.catchingUp) {
        sub.resetCaughtUp();
        sub.setState('replaying');
        // After the browser's own reconnection the head is still to be learnt.
        if (sub.head === null) behind.push(sub);
        else this.#checkCaughtUp(sub);
      } else {
        sub.setState('live');
      }
    }
    if (behind.length) void this.#learnHeads(behind);
    this.#offerHandOver();
  }

  /**
   * Finds, for each catching-up subscriber, the newest tick of its symbols that exists now: once it
   * has been delivered the subscriber has caught up. (Any later tick is live by definition.)
   */
  async #learnHeads(subs: Subscriber[]): Promise<void> {
    const answer = await this.#fetchJson(this.#apiUrl('quotes', unionOf(new Set(subs))));
    for (const sub of subs) {
      if (!sub.active || !sub.catchingUp) continue;
      if (!answer.ok) {
        // Without the head we cannot tell; say live rather than replaying forever.
        sub.catchingUp = false;
        sub.setState('live');
        continue;
      }
      const body = answer.body as { lastEventId?: number; quotes?: Tick[] };
      let head = 0;
      for (const q of body.quotes ?? []) if (sub.wants(q.symbol) && q.id > head) head = q.id;
      // A cursor beyond the log's newest id is not "nothing left to replay": the server will answer
      // it with `reset` and a snapshot (or, on an edge still catching up, with later ticks). Until
      // one of those arrives the cursor is unconfirmed, and a subscriber handed over with it would
      // drop every tick below it. So its replay ends with the first tick after the cursor, or the reset.
      const newest = typeof body.lastEventId === 'number' ? body.lastEventId : head;
      sub.head = sub.cursor !== null && sub.cursor > newest ? sub.cursor + 1 : head;
      this.#checkCaughtUp(sub);
    }
    this.#offerHandOver();
  }

  #checkCaughtUp(sub: Subscriber): void {
    if (sub.catchingUp && sub.head !== null && sub.cursor !== null && sub.cursor >= sub.head) {
      sub.catchingUp = false;
      sub.setState('live');
    }
  }

  #handleSnapshot(es: EventSourceLike, e: MessageEvent): void {
    if (es !== this.#es) return;
    const ticks = JSON.parse(e.data as string) as Tick[];
    const id = Number(e.lastEventId);
    this.#esLastId = id;
    for (const sub of this.#subs) {
      if (!sub.attached || (sub.cursor !== null && !this.#resetPending)) continue;
      sub.cursor = id;
      sub.catchingUp = false;
      sub.listener.snapshot(
        ticks.filter((t) => sub.wants(t.symbol)),
        id,
      );
      sub.setState('live');
    }
    this.#resetPending = false;
    this.#offerHandOver();
  }

  #handleReset(es: EventSourceLike, e: MessageEvent): void {
    if (es !== this.#es) return;
    const info = JSON.parse(e.data as string) as ResetInfo;
    this.#resetPending = true;
    for (const sub of this.#subs) {
      if (!sub.attached) continue;
      sub.cursor = null;
      sub.catchingUp = false;
      sub.listener.reset(info);
    }
  }

  #handleTick(es: EventSourceLike, e: MessageEvent): void {
    if (es !== this.#es) return;
    const tick = JSON.parse(e.data as string) as Tick;
    this.#esLastId = tick.id;
    for (const sub of this.#subs) {
      if (!sub.attached || sub.cursor === null || tick.id <= sub.cursor) continue;
      // The stream is gap-free from at or below our cursor, so everything of ours up to this id
      // has now been seen, whether or not this tick is one of ours.
      sub.cursor = tick.id;
      if (sub.wants(tick.symbol)) {
        if (sub.catchingUp) sub.countCaughtUp();
        sub.listener.tick(tick);
      }
      if (sub.catchingUp) this.#checkCaughtUp(sub);
    }
    this.#offerHandOver();
  }

  /**
   * On a replay feed: hands each caught-up subscriber over to the shared feed, and closes this
   * feed's stream once nobody is left.
   */
  #offerHandOver(): void {
    if (!this.#handOver || !this.#esOpened) return;
    for (const sub of this.#subs) {
      if (!this.#handOver) return; // not (or no longer) a replay feed
      if (!sub.active || !sub.attached || sub.catchingUp || sub.cursor === null) continue;
      if (this.#handOver(sub)) this.#subs.delete(sub);
    }
    if (this.#subs.size === 0) this.#shutDown();
  }

  async #handleError(es: EventSourceLike, url: string): Promise<void> {
    if (es !== this.#es) return;
    const attached = [...this.#subs].filter((s) => s.attached);
    for (const sub of attached) {
      if (sub.cursor === null) continue;
      sub.catchingUp = true;
      sub.head = null; // the server's head has moved on meanwhile
    }

    if (es.readyState === CONNECTING) {
      // The browser is reconnecting by itself and will send Last-Event-ID.
      this.#esOpened = false;
      for (const sub of attached) sub.setState('reconnecting', { message: 'Connection lost; reconnecting…' });
      return;
    }

    // The browser has given up on this stream. Find out why before deciding what to do.
    this.#closeStream();
    const problem = await this.#diagnose(url);
    if (this.#es !== null || this.#closed) return; // re-opened meanwhile

    if (problem && ((problem.status !== null && problem.status >= 400 && problem.status < 500) || problem.foreign)) {
      // A 4xx will not go away by retrying, nor will a page that is not an event stream (the
      // browser itself never retries a wrong content type). When subscribers ask for different symbols, find the
      // ones the server rejects instead of failing everyone.
      const isolated = problem.code === 'UNKNOWN_SYMBOL' && this.#subs.size > 1 && (await this.#rejectBadSubscribers());
      if (!isolated) for (const sub of [...this.#subs]) this.#fail(sub, problem);
      this.#requestSync();
      return;
    }

    this.#retryDelay = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.#retryDelay * 2));
    const message = problem ? `${problem.message}; retrying…` : 'Cannot reach the server; retrying…';
    for (const sub of this.#subs) sub.setState('reconnecting', { message });
    this.#retryTimer = this.#env.setTimeout(() => {
      this.#retryTimer = null;
      this.#requestSync();
    }, this.#retryDelay);
  }

  /** Validates each subscriber's symbols on their own; true if any were rejected (and removed). */
  async #rejectBadSubscribers(): Promise<boolean> {
    let rejected = false;
    await Promise.all(
      [...this.#subs].map(async (sub) => {
        const answer = await this.#fetchJson(this.#apiUrl('quotes', sub.symbols));
        if (!answer.ok && answer.status !== null && answer.status >= 400 && answer.status < 500) {
          this.#fail(sub, answer);
          rejected = true;
        }
      }),
    );
    return rejected;
  }

  /** Gives a newcomer its starting state, the latest quote per symbol, and its cursor. */
  async #seedFromQuotes(sub: Subscriber): Promise<void> {
    sub.seeding = true;
    const answer = await this.#fetchJson(this.#apiUrl('quotes', sub.symbols));
    sub.seeding = false;
    // Brought up to date meanwhile by a snapshot on the stream: an older starting point would
    // repeat ticks, a newer one skip them.
    if (!sub.active || sub.cursor !== null) return;
    if (answer.ok) {
      sub.seedDelay = 0;
      const body = answer.body as { lastEventId: number; quotes: Tick[] };
      sub.cursor = body.lastEventId;
      sub.listener.snapshot(
        body.quotes.filter((t) => sub.wants(t.symbol)),
        body.lastEventId,
      );
    } else if (answer.status !== null && answer.status >= 400 && answer.status < 500) {
      this.#fail(sub, answer);
    } else {
      // Not attached to any stream meanwhile, so nothing else would ask again: retry, backing off.
      sub.seedDelay = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, sub.seedDelay * 2));
      sub.setState('reconnecting', { message: `${answer.message}; retrying…` });
      sub.seeding = true;
      this.#env.setTimeout(() => {
        sub.seeding = false;
        this.#requestSync();
      }, sub.seedDelay);
    }
  }

  #fail(sub: Subscriber, problem: Problem): void {
    this.#subs.delete(sub);
    sub.unwatch();
    sub.attached = false;
    // Something other than ticktape answered at the page's own origin: most likely an embedder
    // who left out `src`.
    const hint =
      problem.foreign && sub.defaultSrc
        ? `. The table has no src, so it tried /stream of this page's origin (${this.#url.origin}): ` +
          'set src to your ticktape server\'s stream, such as src="http://HOST:8080/stream"'
        : '';
    sub.setState('error', { message: problem.message + hint, ...(problem.code ? { code: problem.code } : {}) });
  }

  /** Fetches the stream URL itself to read what the EventSource cannot tell us. */
  async #diagnose(url: string): Promise<Problem | null> {
    const controller = new AbortController();
    const timer = this.#env.setTimeout(() => controller.abort(), DIAGNOSE_TIMEOUT_MS);
    try {
      const res = await this.#env.fetch(url, { signal: controller.signal });
      if (res.ok) {
        const type = res.headers.get('Content-Type') ?? '';
        if (/^text\/event-stream\b/i.test(type)) return { status: res.status, message: 'The stream closed' };
        return {
          status: res.status,
          message: `${url} answered ${res.status} with ${type ? `Content-Type ${type}` : 'no Content-Type'}, not an event stream`,
          foreign: true,
        };
      }
      return { status: res.status, ...(await readError(res, url)) };
    } catch {
      return null;
    } finally {
      this.#env.clearTimeout(timer);
      controller.abort(); // never keep a stream open just to diagnose it
    }
  }

  async #fetchJson(url: string): Promise<({ ok: true; body: unknown } | ({ ok: false } & Problem)) & { status: number | null }> {
    try {
      const res = await this.#env.fetch(url);
      if (res.ok) return { ok: true, status: res.status, body: await res.json() };
      return { ok: false, status: res.status, ...(await readError(res, url)) };
    } catch {
      return { ok: false, status: null, message: `Cannot reach ${this.#url.origin}` };
    }
  }

  /** The HTTP API lives beside the stream: `…/stream` → `…/api/NAME`. */
  #apiUrl(name: string, symbols: ReadonlySet<string> | null): string {
    const url = new URL(`api/${name}`, this.#url);
    if (symbols) url.searchParams.set('symbols', [...symbols].sort().join(','));
    return url.href;
  }

  #closeStream(): void {
    if (!this.#es) return;
    this.#es.onopen = null;
    this.#es.onerror = null;
    this.#es.close();
    this.#es = null;
    this.#esOpened = false;
  }

  #shutDown(): void {
    this.#closeStream();
    if (this.#retryTimer !== null) this.#env.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#closed = true;
    this.#onEmpty();
  }
}

/** The server's `{"error","code"}`, or, from anything else, which URL answered what. */
async function readError(res: Response, url: string): Promise<{ message: string; code?: string; foreign?: boolean }> {
  try {
    const body = (await res.json()) as { error?: unknown; code?: unknown };
    if (typeof body.error === 'string') {
      return { message: body.error, ...(typeof body.code === 'string' ? { code: body.code } : {}) };
    }
  } catch {
    // not JSON: fall through
  }
  return { message: `${url} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, foreign: true };
}

function unionOf(subs: Iterable<Subscriber>): ReadonlySet<string> | null {
  const union = new Set<string>();
  for (const sub of subs) {
    if (sub.symbols === null) return null;
    for (const s of sub.symbols) union.add(s);
  }
  return union;
}

function lowestCursor(subs: Iterable<Subscriber>): number | null {
  let low: number | null = null;
  for (const sub of subs) if (sub.cursor !== null && (low === null || sub.cursor < low)) low = sub.cursor;
  return low;
}

function sameSymbols(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const s of a) if (!b.has(s)) return false;
  return true;
}

/** Every feed of one page (or of one test): per absolute stream URL, one shared feed and the replays. */
export class FeedHub {
  readonly #env: FeedEnvironment;
  /** The shared feed of each stream URL: every table that is not replaying. */
  readonly #shared = new Map<string, Feed>();
  /** The feeds of replaying tables, each until it hands its table over. */
  readonly #replays = new Set<Feed>();
  /**
   * Internal (tests shorten it): how long a table may stay `connecting` before its status says why,
   * when the page's streams hold every HTTP/1.1 connection to its server.
   */
  slowConnectionMs = SLOW_CONNECTION_MS;

  constructor(env: FeedEnvironment) {
    this.#env = env;
  }

  #hooks(onEmpty: () => void, handOver?: (sub: Subscriber) => boolean): FeedHooks {
    return {
      onEmpty,
      ...(handOver ? { handOver } : {}),
      openStreamsTo: (origin) => [...this.#shared.values(), ...this.#replays].filter((f) => f.origin === origin && f.streaming).length,
      slowConnectionMs: () => this.slowConnectionMs,
    };
  }

  /**
   * Subscribes to the stream at `src` (default `/stream` of the page's origin): through the shared
   * feed, or, with a `lastEventId` to replay from, through a feed of its own until caught up.
   */
  subscribe(src: string | null | undefined, options: SubscribeOptions, listener: FeedListener): FeedSubscription {
    const url = resolveStreamUrl(src, this.#env.baseUrl());
    const key = url.href;
    const defaultSrc = !src?.trim();
    if (options.lastEventId !== null && options.lastEventId !== undefined) {
      const replay: Feed = new Feed(
        url,
        this.#env,
        this.#hooks(
          () => this.#forget(key, replay),
          (sub) => this.#handOver(key, replay, sub),
        ),
      );
      this.#replays.add(replay);
      return replay.add(options, listener, defaultSrc);
    }
    let feed = this.#shared.get(key);
    if (!feed) {
      const created: Feed = new Feed(url, this.#env, this.#hooks(() => this.#forget(key, created)));
      feed = created;
      this.#shared.set(key, feed);
    }
    return feed.add(options, listener, defaultSrc);
  }

  /** A replay feed's subscriber has caught up: move it to the shared feed, or make its feed the shared one. */
  #handOver(key: string, replay: Feed, sub: Subscriber): boolean {
    const shared = this.#shared.get(key);
    if (shared) return shared.adopt(sub);
    this.#replays.delete(replay);
    replay.share();
    this.#shared.set(key, replay);
    return false;
  }

  #forget(key: string, feed: Feed): void {
    this.#replays.delete(feed);
    if (this.#shared.get(key) === feed) this.#shared.delete(key);
  }

  /** How many feeds (each with at most one open stream) there are: shared ones and replays. */
  get size(): number {
    return this.#shared.size + this.#replays.size;
  }
}

let pageHub: FeedHub | undefined;

/** The page's hub, using the browser's EventSource and fetch. */
export function pageFeedHub(): FeedHub {
  pageHub ??= new FeedHub({
    EventSource: globalThis.EventSource,
    fetch: (url, init) => globalThis.fetch(url, init),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    baseUrl: () => globalThis.location.href,
  });
  return pageHub;
}

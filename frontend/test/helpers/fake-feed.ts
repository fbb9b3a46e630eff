// An in-memory stand-in for a ticktape server and the browser's EventSource, for unit tests of
// the feed logic in Node: a gap-free log, /api/quotes, and streams that behave as the contract
// says (snapshot without a resume point, replay from one, filtered by symbols).
//
// By default it is a server before market model 2: its log holds only trades, as plain `Tick`s.
// Given a session (`new FakeLog(symbols, 'regular')`, or `status()`), it is a model-2 server: trades
// carry `kind`, `marketTime`, `session` and the quote's sizes, and `quote()` / `status()` append
// the other two kinds into the same id sequence (status events pass every symbol filter).
import type { MarketSession, QuoteEvent, StatusEvent, Tick } from '../../../backend/types.ts';
import { FeedHub } from '../../src/feed/hub.ts';
import type { EventSourceLike, FeedEnvironment, FeedTick, MarketInfo } from '../../src/feed/types.ts';

/** An event of the fake log: a trade (`kind` absent on a server before model 2), a quote, a status. */
export type FakeEvent = FeedTick | QuoteEvent | StatusEvent;

/** The SSE event type of `e`. */
export const kindOf = (e: FakeEvent): 'tick' | 'quote' | 'status' => e.kind ?? 'tick';

/** The fake market clock: 09:30 New York time on Monday 2 March 2026, plus one second per event id. */
export function fakeMarketTime(id: number): string {
  const s = 30 * 60 + id;
  const two = (n: number) => String(n).padStart(2, '0');
  return `2026-03-02T${two(9 + Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.000-05:00`;
}

export class FakeLog {
  readonly events: FakeEvent[] = [];
  readonly universe: Set<string>;
  #prices = new Map<string, number>();
  /** The market's current session; null: a server before market model 2 (trades only). */
  session: MarketSession | null;

  constructor(symbols: string[], session: MarketSession | null = null) {
    this.universe = new Set(symbols);
    this.session = session;
    symbols.forEach((s, i) => this.#prices.set(s, 100 + i));
  }

  /** The trades. */
  get ticks(): FeedTick[] {
    return this.events.filter((e): e is FeedTick => kindOf(e) === 'tick');
  }

  get lastId(): number {
    return this.events.length ? this.events[this.events.length - 1].id : 0;
  }

  /** Fields of a model-2 event with the next id; none before model 2. */
  #market(): { marketTime: string; session: MarketSession } | Record<string, never> {
    return this.session ? { marketTime: fakeMarketTime(this.lastId + 1), session: this.session } : {};
  }

  /** Appends one trade (price moves by a cent) without publishing it. */
  append(symbol: string): FeedTick {
    const price = Math.round((this.#prices.get(symbol)! + 0.01) * 100) / 100;
    this.#prices.set(symbol, price);
    const base: Tick = {
      id: this.lastId + 1,
      ts: 1_700_000_000_000 + this.events.length,
      symbol,
      price,
      bid: price - 0.01,
      ask: price + 0.01,
      size: 100,
      volume: 100 * (this.ticks.length + 1),
      open: 100,
      high: price,
      low: 100,
      prevClose: 100,
      change: price - 100,
      changePct: price - 100,
    };
    const tick: FeedTick = this.session ? { ...base, bidSize: 300, askSize: 500, ...this.#market(), kind: 'tick' } : base;
    this.events.push(tick);
    return tick;
  }

  /** Appends a quote of `symbol` (a cent either side of its last price) without publishing it. */
  quote(symbol: string, sizes = { bidSize: 200, askSize: 400 }): QuoteEvent {
    this.session ??= 'regular';
    const price = this.#prices.get(symbol)!;
    const quote: QuoteEvent = {
      id: this.lastId + 1,
      ts: 1_700_000_000_000 + this.events.length,
      symbol,
      bid: Math.round((price - 0.02) * 100) / 100,
      ask: Math.round((price + 0.02) * 100) / 100,
      ...sizes,
      marketTime: fakeMarketTime(this.lastId + 1),
      session: this.session,
      kind: 'quote',
    };
    this.events.push(quote);
    return quote;
  }

  /** Appends a market-wide session change without publishing it. */
  status(session: MarketSession): StatusEvent {
    this.session = session;
    const status: StatusEvent = {
      id: this.lastId + 1,
      ts: 1_700_000_000_000 + this.events.length,
      marketTime: fakeMarketTime(this.lastId + 1),
      session,
      kind: 'status',
    };
    this.events.push(status);
    return status;
  }

  /**
   * The snapshot (and /api/quotes): each symbol's last trade, with the bid and ask of a newer quote
   * and the market's current session, as a model-2 server builds it.
   */
  latest(symbols: ReadonlySet<string> | null): FeedTick[] {
    const latest = new Map<string, FeedTick>();
    for (const e of this.events) {
      if (e.kind === 'status' || (symbols && !symbols.has(e.symbol))) continue;
      if (e.kind === 'quote') {
        const t = latest.get(e.symbol);
        if (t) latest.set(e.symbol, { ...t, bid: e.bid, ask: e.ask, bidSize: e.bidSize, askSize: e.askSize });
      } else latest.set(e.symbol, e);
    }
    const session = this.session;
    return [...latest.values()].map((t) => (session && t.session ? { ...t, session } : t));
  }

  /** The events after `id` a stream filtered to `symbols` carries: status events pass every filter. */
  after(id: number, symbols: ReadonlySet<string> | null): FakeEvent[] {
    return this.events.filter((e) => e.id > id && (!symbols || e.kind === 'status' || symbols.has(e.symbol)));
  }
}

type Listener = (ev: MessageEvent) => void;

export class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: Event) => any) | null = null;
  onerror: ((ev: Event) => any) | null = null;
  readonly url: URL;
  /** What the browser would send as Last-Event-ID on its own reconnect. */
  lastEventId = '';
  /** While a slow replay is under way (`FakeServer.serveSlowly`): the last id it has sent. */
  replayedTo: number | null = null;
  #listeners = new Map<string, Listener[]>();

  constructor(url: string) {
    this.url = new URL(url);
  }

  get symbols(): ReadonlySet<string> | null {
    const s = this.url.searchParams.get('symbols');
    return s ? new Set(s.split(',')) : null;
  }

  get resumeFrom(): number | null {
    const v = this.url.searchParams.get('lastEventId');
    return v === null ? null : Number(v);
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = 2;
  }

  get closed(): boolean {
    return this.readyState === 2;
  }

  emit(type: string, data: unknown, id?: number): void {
    if (this.closed) return;
    if (id !== undefined) this.lastEventId = String(id);
    const event = { type, data: JSON.stringify(data), lastEventId: this.lastEventId } as unknown as MessageEvent;
    for (const l of this.#listeners.get(type) ?? []) l(event);
  }

  /** A `heartbeat` event, as the server sends it to a stream with `?heartbeat=event`: no id. */
  heartbeat(periodMs: number): void {
    this.emit('heartbeat', { periodMs });
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** A network drop: the browser will reconnect by itself. */
  drop(): void {
    this.readyState = 0;
    this.replayedTo = null;
    this.onerror?.(new Event('error'));
  }

  /** The browser gives up (HTTP error, wrong type, CORS). */
  fail(): void {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}

export class FakeServer {
  readonly sources: FakeEventSource[] = [];
  readonly fetched: string[] = [];
  readonly timers = new Map<number, () => void>();
  /** The delay of every timer set, in order. */
  readonly delays: number[] = [];
  #nextTimer = 1;
  /** When set, stream requests answer this status (as a fetch would see it). */
  streamStatus = 200;
  /** How many of the next /api/quotes requests answer 503 (a blip during a server restart, say). */
  failQuotes = 0;
  /** How many of the next /api/quotes requests never answer (until the client aborts them). */
  hangQuotes = 0;
  readonly #groups = new Map<string, number>();

  constructor(readonly log: FakeLog) {}

  get env(): FeedEnvironment {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;
    return {
      EventSource: class extends FakeEventSource {
        constructor(url: string) {
          super(url);
          server.sources.push(this);
          server.#groupOrder(this);
        }
      },
      fetch: async (url, init) => this.#fetch(new URL(url), init?.signal),
      setTimeout: (fn, ms) => {
        this.delays.push(ms);
        const handle = this.#nextTimer++;
        this.timers.set(handle, fn);
        return handle;
      },
      clearTimeout: (handle) => void this.timers.delete(handle as number),
      baseUrl: () => 'http://page.test/index.html',
    };
  }

  /** Streams not closed by the feed. */
  get open(): FakeEventSource[] {
    return this.sources.filter((s) => !s.closed);
  }

  /** The one open stream; fails the test if there are more or none. */
  get only(): FakeEventSource {
    const open = this.open;
    if (open.length !== 1) throw new Error(`expected one open stream, have ${open.length}: ${open.map((s) => s.url.search).join(' ')}`);
    return open[0];
  }

  /**
   * Answers a stream as the server does: unknown symbol → the browser fails it; no resume point →
   * snapshot; a resume point → the replay, or a reset and a snapshot when it is outside the log.
   */
  serve(es: FakeEventSource, resumeFrom = es.lastEventId !== '' ? Number(es.lastEventId) : es.resumeFrom): void {
    const symbols = es.symbols;
    if (symbols && [...symbols].some((s) => !this.log.universe.has(s))) {
      es.fail();
      return;
    }
    es.open();
    if (resumeFrom === null || resumeFrom > this.log.lastId) {
      if (resumeFrom !== null) es.emit('reset', { reason: 'unknown', oldestId: 1, latestId: this.log.lastId });
      es.emit('snapshot', this.log.latest(symbols), this.log.lastId);
      return;
    }
    for (const e of this.log.after(resumeFrom, symbols)) es.emit(kindOf(e), e, e.id);
  }

  /**
   * Answers a stream with a resume point as `serve` does, but holds its replay back as a large log
   * would: `replayStep` sends it a few ticks at a time, and live ticks reach it only once it has
   * sent the whole log.
   */
  serveSlowly(es: FakeEventSource, resumeFrom = es.lastEventId !== '' ? Number(es.lastEventId) : es.resumeFrom): void {
    if (resumeFrom === null) throw new Error('serveSlowly: the stream has no resume point');
    es.open();
    es.replayedTo = resumeFrom;
  }

  /** Sends the next `count` ticks of a slow replay; it goes live once none are left. */
  replayStep(es: FakeEventSource, count: number): FakeEvent[] {
    if (es.replayedTo === null) throw new Error('replayStep: the stream is not replaying');
    const ticks = this.log.after(es.replayedTo, es.symbols).slice(0, count);
    for (const t of ticks) {
      es.emit(kindOf(t), t, t.id);
      es.replayedTo = t.id;
    }
    if (this.log.after(es.replayedTo, es.symbols).length === 0) es.replayedTo = null;
    return ticks;
  }

  /**
   * Appends events as one batch and delivers it as the server does: to each filter group in the order
   * the group was first subscribed, the whole batch at once, so a stream of an earlier group can be
   * several ids ahead of a stream of a later one. A symbol is a trade of it; `{ quote: symbol }` a
   * quote, `{ status: session }` a session change (model 2).
   */
  publish(...items: (string | { quote: string } | { status: MarketSession })[]): FakeEvent[] {
    const events = items.map((item) =>
      typeof item === 'string' ? this.log.append(item) : 'quote' in item ? this.log.quote(item.quote) : this.log.status(item.status),
    );
    const streams = this.open
      .filter((es) => es.readyState === 1 && es.replayedTo === null)
      .sort((a, b) => this.#groupOrder(a) - this.#groupOrder(b));
    for (const es of streams) {
      for (const e of events) if (!es.symbols || e.kind === 'status' || es.symbols.has(e.symbol)) es.emit(kindOf(e), e, e.id);
    }
    return events;
  }

  /** When a stream with this one's filter was first subscribed (the server's group order). */
  #groupOrder(es: FakeEventSource): number {
    const key = es.url.searchParams.get('symbols') ?? '*';
    if (!this.#groups.has(key)) this.#groups.set(key, this.#groups.size);
    return this.#groups.get(key)!;
  }

  runTimers(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    for (const fn of due) fn();
  }

  async #fetch(url: URL, signal?: AbortSignal): Promise<Response> {
    this.fetched.push(url.pathname + url.search);
    if (url.pathname === '/api/quotes' && this.hangQuotes > 0) {
      this.hangQuotes--;
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    const symbolsParam = url.searchParams.get('symbols');
    const symbols = symbolsParam ? new Set(symbolsParam.split(',')) : null;
    const unknown = symbols && [...symbols].find((s) => !this.log.universe.has(s));
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    if (unknown) return json(400, { error: `symbols: unknown symbol ${unknown}`, code: 'UNKNOWN_SYMBOL' });
    if (url.pathname === '/api/quotes' && this.failQuotes > 0) {
      this.failQuotes--;
      return json(503, { error: 'log unavailable', code: 'UNAVAILABLE' });
    }
    if (url.pathname === '/api/quotes') {
      const newest = this.log.events.at(-1);
      const market = this.log.session && newest?.marketTime ? { session: this.log.session, marketTime: newest.marketTime } : {};
      return json(200, { lastEventId: this.log.lastId, quotes: this.log.latest(symbols), ...market });
    }
    if (url.pathname === '/stream') {
      if (this.streamStatus !== 200) return json(this.streamStatus, { error: 'log unavailable', code: 'UNAVAILABLE' });
      return new Response('retry: 3000\n\n', { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }
    return json(404, { error: 'not found', code: 'NOT_FOUND' });
  }
}

/** Lets queued microtasks and resolved fetches run (no timers involved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A listener recording everything a subscriber is told (`quote` and `market` too, unless
 * `{ v1: true }`: a listener written before market model 2, with neither).
 */
export function recorder({ v1 = false } = {}) {
  const log = {
    snapshots: [] as { id: number; symbols: string[] }[],
    /** The entries of the last snapshot. */
    snapshotTicks: [] as readonly FeedTick[],
    resets: 0,
    ticks: [] as FeedTick[],
    quotes: [] as QuoteEvent[],
    markets: [] as MarketInfo[],
    /** The id of every trade and quote delivered, in order (status events have theirs in `markets`' source). */
    events: [] as number[],
    states: [] as string[],
    messages: [] as (string | undefined)[],
  };
  const v2 = {
    quote: (q: QuoteEvent) => {
      log.quotes.push(q);
      log.events.push(q.id);
    },
    market: (m: MarketInfo) => log.markets.push(m),
  };
  return {
    log,
    listener: {
      ...(v1 ? {} : v2),
      snapshot: (ticks: readonly FeedTick[], id: number) => {
        log.snapshots.push({ id, symbols: ticks.map((t) => t.symbol).sort() });
        log.snapshotTicks = ticks;
      },
      reset: () => log.resets++,
      tick: (t: FeedTick) => {
        log.ticks.push(t);
        log.events.push(t.id);
      },
      status: (s: { state: string; message?: string }) => {
        log.states.push(s.state);
        log.messages.push(s.message);
      },
    },
  };
}

/**
 * A hub on a fake server whose log holds one tick of each of `symbols`; with `session`, a model-2
 * server (its trades carry the session and market time).
 */
export function fakeFeed(symbols: string[], session: MarketSession | null = null): { server: FakeServer; hub: FeedHub } {
  const server = new FakeServer(new FakeLog(symbols, session));
  server.publish(...symbols);
  return { server, hub: new FeedHub(server.env) };
}

export const ids = (ticks: readonly { id: number }[]): number[] => ticks.map((t) => t.id);

/** The ids the log holds after `after` for `symbols` (null: every symbol). */
export const logIds = (server: FakeServer, symbols: string[] | null, after: number): number[] =>
  ids(server.log.after(after, symbols ? new Set(symbols) : null));

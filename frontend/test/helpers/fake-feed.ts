// An in-memory stand-in for a ticktape server and the browser's EventSource, for unit tests of
// the feed logic in Node: a gap-free log, /api/quotes, and streams that behave as the contract
// says (snapshot without a resume point, replay from one, filtered by symbols).
import type { Tick } from '../../../backend/types.ts';
import { FeedHub } from '../../src/feed/hub.ts';
import type { EventSourceLike, FeedEnvironment } from '../../src/feed/types.ts';

export class FakeLog {
  readonly ticks: Tick[] = [];
  readonly universe: Set<string>;
  #prices = new Map<string, number>();

  constructor(symbols: string[]) {
    this.universe = new Set(symbols);
    symbols.forEach((s, i) => this.#prices.set(s, 100 + i));
  }

  get lastId(): number {
    return this.ticks.length ? this.ticks[this.ticks.length - 1].id : 0;
  }

  /** Appends one tick (price moves by a cent) without publishing it. */
  append(symbol: string): Tick {
    const price = Math.round((this.#prices.get(symbol)! + 0.01) * 100) / 100;
    this.#prices.set(symbol, price);
    const tick: Tick = {
      id: this.lastId + 1,
      ts: 1_700_000_000_000 + this.ticks.length,
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
    this.ticks.push(tick);
    return tick;
  }

  latest(symbols: ReadonlySet<string> | null): Tick[] {
    const latest = new Map<string, Tick>();
    for (const t of this.ticks) if (!symbols || symbols.has(t.symbol)) latest.set(t.symbol, t);
    return [...latest.values()];
  }

  after(id: number, symbols: ReadonlySet<string> | null): Tick[] {
    return this.ticks.filter((t) => t.id > id && (!symbols || symbols.has(t.symbol)));
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
      fetch: async (url) => this.#fetch(new URL(url)),
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
    for (const t of this.log.after(resumeFrom, symbols)) es.emit('tick', t, t.id);
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
  replayStep(es: FakeEventSource, count: number): Tick[] {
    if (es.replayedTo === null) throw new Error('replayStep: the stream is not replaying');
    const ticks = this.log.after(es.replayedTo, es.symbols).slice(0, count);
    for (const t of ticks) {
      es.emit('tick', t, t.id);
      es.replayedTo = t.id;
    }
    if (this.log.after(es.replayedTo, es.symbols).length === 0) es.replayedTo = null;
    return ticks;
  }

  /**
   * Appends ticks as one batch and delivers it as the server does: to each filter group in the order
   * the group was first subscribed, the whole batch at once, so a stream of an earlier group can be
   * several ids ahead of a stream of a later one.
   */
  publish(...symbols: string[]): Tick[] {
    const ticks = symbols.map((s) => this.log.append(s));
    const streams = this.open
      .filter((es) => es.readyState === 1 && es.replayedTo === null)
      .sort((a, b) => this.#groupOrder(a) - this.#groupOrder(b));
    for (const es of streams) {
      for (const t of ticks) if (!es.symbols || es.symbols.has(t.symbol)) es.emit('tick', t, t.id);
    }
    return ticks;
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

  async #fetch(url: URL): Promise<Response> {
    this.fetched.push(url.pathname + url.search);
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
    if (url.pathname === '/api/quotes') return json(200, { lastEventId: this.log.lastId, quotes: this.log.latest(symbols) });
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

/** A listener recording everything a subscriber is told. */
export function recorder() {
  const log = {
    snapshots: [] as { id: number; symbols: string[] }[],
    resets: 0,
    ticks: [] as Tick[],
    states: [] as string[],
    messages: [] as (string | undefined)[],
  };
  return {
    log,
    listener: {
      snapshot: (ticks: readonly Tick[], id: number) => log.snapshots.push({ id, symbols: ticks.map((t) => t.symbol).sort() }),
      reset: () => log.resets++,
      tick: (t: Tick) => log.ticks.push(t),
      status: (s: { state: string; message?: string }) => {
        log.states.push(s.state);
        log.messages.push(s.message);
      },
    },
  };
}

/** A hub on a fake server whose log holds one tick of each of `symbols`. */
export function fakeFeed(symbols: string[]): { server: FakeServer; hub: FeedHub } {
  const server = new FakeServer(new FakeLog(symbols));
  server.publish(...symbols);
  return { server, hub: new FeedHub(server.env) };
}

export const ids = (ticks: readonly { id: number }[]): number[] => ticks.map((t) => t.id);

/** The ids the log holds after `after` for `symbols` (null: every symbol). */
export const logIds = (server: FakeServer, symbols: string[] | null, after: number): number[] =>
  ids(server.log.after(after, symbols ? new Set(symbols) : null));

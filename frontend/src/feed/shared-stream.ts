// One EventSource to a stream URL and the subscribers it serves: the src's shared stream, used by
// every table on that src that is not replaying (browsers allow only six HTTP/1.1 connections per
// origin, so ten tables must not open ten streams), or, inside a replay stream (replay-stream.ts),
// one replaying table's own.
//
// The stream is opened for the union of its subscribers' symbols. Each subscriber has a cursor:
// "every event of mine with an id up to here has been delivered to me". The stream is gap-free and
// ordered, so a stream opened from the lowest cursor serves everyone: a subscriber drops events at
// or below its own cursor. When the union changes the stream is re-opened from that lowest cursor,
// so nobody loses an event across the switch, and nobody gets one twice.
//
// Events are of three kinds sharing that one id sequence (market model 2): `tick` (a trade),
// `quote` (a symbol's best bid and offer) and `status` (the market's session; no symbol, so every
// symbol filter passes it). Cursors move over all three alike; a server that sends only `tick`
// (before model 2) simply never fires the other two listeners.
//
// Protocol facts relied on (WHATWG HTML, "Server-sent events", and the README's stream contract):
// - the browser reconnects by itself after a network error and sends `Last-Event-ID`, which the
//   server prefers to our `lastEventId` query parameter;
// - after an HTTP error, a wrong content type or a CORS failure it "fails the connection":
//   readyState becomes CLOSED and it never retries; we then fetch the URL to learn why (requests.ts);
// - without a resume point the server starts with `snapshot` (id = newest log id); with one it
//   replays, or sends `reset` followed by a snapshot when the id is outside the log;
// - asked with `?heartbeat=event`, the server sends a `heartbeat` event (no id) at once and every
//   period, so a connection that has gone silent can be told from a quiet feed (watchdog.ts).
//
// (Over ~350 lines on purpose: the connection's states and every transition between them, which
// are the EventSource's handlers and the reconciliation, stay in this one file.)

import type { QuotesAnswer } from '../../../backend/types.ts';
import { coalescingRunner } from './coalesce.ts';
import { backOff, diagnose, explain, fetchJson, isRefusal, type Problem } from './requests.ts';
import { lowestCursor, sameSymbols, Subscriber, unionOf, type SubscriberStream } from './subscriber.ts';
import type {
  EventSourceLike,
  FeedEnvironment,
  FeedEvent,
  FeedListener,
  FeedTick,
  MarketInfo,
  ResetInfo,
  SubscribeOptions,
} from './types.ts';
import { quotesUrl, streamUrl } from './urls.ts';
import { SilenceWatchdog, type WatchdogState } from './watchdog.ts';

/** The SSE event types that carry events of the log (each with an `id:`). */
const EVENT_KINDS = ['tick', 'quote', 'status'] as const satisfies readonly FeedEvent['kind'][];

// EventSource.readyState values.
const CONNECTING = 0;
const CLOSED = 2;

/** One EventSource this stream opened, and how far it has come. */
interface OpenedSource {
  readonly es: EventSourceLike;
  readonly url: string;
  /** The union it was asked for (null = every symbol). */
  readonly symbols: ReadonlySet<string> | null;
  /** The resume point it was opened with (null = from a snapshot). */
  readonly from: number | null;
  /** Between a `reset` and the snapshot that follows it. */
  resetPending: boolean;
  /** The subscribers it serves: its union covers them, and it started at or below their cursors. */
  readonly served: Set<Subscriber>;
}

/**
 * The connection's state.
 *
 *   idle ──reconcile: open for the subscribers──▶ connecting ──onopen──▶ open
 *   open ──network error: the browser retries by itself──▶ reconnecting ──onopen──▶ open
 *   connecting, reconnecting, open ──the browser gives up──▶ diagnosing (fetch the URL: why?)
 *   diagnosing ──4xx or not an event stream: fail the refused subscribers──▶ idle
 *   diagnosing ──5xx or unreachable──▶ retrying ──after a backoff of 1 s to 30 s──▶ idle
 *   connecting, reconnecting, open ──other symbols, or a lower cursor, wanted──▶ connecting (re-opened)
 *   connecting, reconnecting, open ──nothing heard for 2.5 heartbeat periods──▶ idle (re-opened at once)
 *   any ──no subscriber left──▶ closed (for good: the hub forgets the stream)
 */
export type StreamState =
  | { readonly name: 'idle' }
  | { readonly name: 'connecting' | 'reconnecting' | 'open'; readonly source: OpenedSource }
  | { readonly name: 'diagnosing' }
  | { readonly name: 'retrying'; readonly timer: unknown }
  | { readonly name: 'closed' };

/** A replay stream's hand-over of its caught-up subscriber (replay-stream.ts). */
export interface HandOver {
  /** Whether caught-up subscribers are still offered. */
  readonly offering: boolean;
  /** True when `sub` has moved to another stream. */
  offer(sub: Subscriber): boolean;
}

export interface StreamHooks {
  /** The stream has no subscriber left and has closed. */
  onEmpty: () => void;
  /** Only on a replay stream. */
  handOver?: HandOver;
  /** How many streams of the page's hub to `origin` the browser has opened. */
  openStreamsTo: (origin: string) => number;
  /** The hub's `slowConnectionMs`, read when a watch starts. */
  slowConnectionMs: () => number;
}

export class SharedStream implements SubscriberStream {
  readonly #url: URL;
  readonly #env: FeedEnvironment;
  readonly #hooks: StreamHooks;
  readonly #subs = new Set<Subscriber>();
  #state: StreamState = { name: 'idle' };
  /** The id of the last event received on the source opened last (kept after it closes). */
  #lastId: number | null = null;
  /** The history the server last said it serves (a `history` event, a `reset`); null until then. */
  #epoch: string | null = null;
  #retryDelay = 0;
  /** Watches the opened source for silence; the heartbeat period it learns outlives each source. */
  readonly #watchdog: SilenceWatchdog;
  /** Every change made in one task is reconciled once. */
  readonly #reconciler = coalescingRunner(
    () => this.#reconcile(),
    () => this.#state.name === 'closed',
  );

  constructor(url: URL, env: FeedEnvironment, hooks: StreamHooks) {
    this.#url = url;
    this.#env = env;
    this.#hooks = hooks;
    this.#watchdog = new SilenceWatchdog(env, (silentMs) => this.#handleSilence(silentMs));
  }

  get state(): StreamState {
    return this.#state;
  }

  /** The silence watchdog's state (for tests and diagnostics). */
  get watchdog(): WatchdogState {
    return this.#watchdog.state;
  }

  get origin(): string {
    return this.#url.origin;
  }

  /** Whether this stream holds one of the browser's connections to its origin. */
  get streaming(): boolean {
    return this.#state.name === 'open' && this.#state.source.es.readyState !== CLOSED;
  }

  add(options: SubscribeOptions, listener: FeedListener, defaultSrc = false): Subscriber {
    const sub = new Subscriber(options.symbols ?? [], options.lastEventId ?? null, listener, this, defaultSrc);
    this.#subs.add(sub);
    sub.watchConnecting(this.#env, this.#hooks.slowConnectionMs, this.#hooks.openStreamsTo);
    this.#reconciler.request();
    return sub;
  }

  remove(sub: Subscriber): void {
    this.#subs.delete(sub);
    this.#reconciler.request();
  }

  /**
   * Takes over a subscriber whose replay has caught up, keeping its cursor: it joins like any other
   * subscriber, so the stream is re-opened from the lowest cursor (most likely its own, recent since
   * it has caught up) unless the stream already carries its symbols from at or below its cursor.
   * Nobody loses a tick; the others drop the few that come again (at or below their own cursors).
   * False only if this stream has closed.
   */
  adopt(sub: Subscriber): boolean {
    if (this.#state.name === 'closed') return false;
    sub.stream = this;
    this.#subs.add(sub);
    this.#reconciler.request();
    return true;
  }

  /** Makes the connection match the subscribers: their union, from their lowest cursor. */
  async #reconcile(): Promise<void> {
    if (this.#subs.size === 0) return this.#close();
    // A newcomer to a stream that is already delivering cannot wait for the server's snapshot
    // (it came long ago, or the stream will be re-opened from a resume point, which sends none):
    // it starts from /api/quotes, which also validates its symbols.
    const started = this.#lastId !== null || [...this.#subs].some((s) => s.cursor !== null);
    if (started) {
      await Promise.all([...this.#subs].filter((s) => s.state === 'waiting').map((s) => this.#seed(s)));
      if (this.#subs.size === 0) return this.#close();
    }

    // Learn where each catching-up subscriber's replay ends before (re-)opening the stream: once the
    // page's streams hold all six connections of the origin, a request after opening would never
    // be answered and the subscriber would replay forever.
    const headless = [...this.#subs].filter((s) => s.state === 'catching-up' && s.head === null);
    if (headless.length) await this.#learnHeads(headless);

    // A reconnect is scheduled (it will reconcile), or a hand-over has just emptied the stream.
    if (this.#state.name === 'retrying' || this.#state.name === 'closed') return;
    const union = unionOf(this.#subs);
    const resume = lowestCursor(this.#subs);
    const source = 'source' in this.#state ? this.#state.source : null;
    const position = this.#lastId ?? source?.from ?? null;
    const reopen =
      source === null ||
      source.es.readyState === CLOSED ||
      !sameSymbols(source.symbols, union) ||
      (resume !== null && (position === null || resume < position)) ||
      // fresh subscribers still waiting for a snapshot that this stream will never send
      (resume === null && position !== null);
    if (reopen) return this.#open(union, resume);
    const open = this.#state.name === 'open';
    for (const sub of this.#subs) {
      if (source.served.has(sub) || !this.#canServe(source, sub)) continue;
      source.served.add(sub);
      if (open && sub.state === 'caught-up') sub.setStatus('live');
      if (open && sub.state === 'catching-up') sub.checkCaughtUp();
    }
  }

  #open(union: ReadonlySet<string> | null, resume: number | null): void {
    this.#release();
    // With the history its ids belong to, so that a server holding another one answers `reset`
    // instead of another history's ticks under those ids (this URL is also the one the browser
    // reconnects to by itself).
    const url = streamUrl(this.#url, union, resume, this.#epoch);
    const es = new this.#env.EventSource(url);
    const source: OpenedSource = { es, url, symbols: union, from: resume, resetPending: false, served: new Set() };
    this.#state = { name: 'connecting', source };
    this.#lastId = null;
    for (const sub of this.#subs) if (this.#canServe(source, sub)) source.served.add(sub);

    es.onopen = () => this.#handleOpen(es);
    es.onerror = () => void this.#handleError(es);
    es.addEventListener('snapshot', (e) => this.#handleSnapshot(es, e));
    es.addEventListener('reset', (e) => this.#handleReset(es, e));
    es.addEventListener('history', (e) => this.#handleHistory(es, e));
    for (const kind of EVENT_KINDS) es.addEventListener(kind, (e) => this.#handleEvent(es, kind, e));
    es.addEventListener('heartbeat', (e) => this.#handleHeartbeat(es, e));
    this.#watchdog.start();
  }

  /**
   * Whether the source can bring `sub` up to date: from its cursor, or, without one, from the
   * snapshot the source is yet to send. (A subscriber without a cursor on a source resumed from an
   * id would never get a starting point; it waits for /api/quotes instead.)
   */
  #canServe(source: OpenedSource, sub: Subscriber): boolean {
    if (sub.cursor !== null) return true;
    return (source.from === null && this.#lastId === null) || source.resetPending;
  }

  /**
   * The source `es` if it is still this stream's, or null (an event of a source replaced since).
   * Asked on every open, event and error of the current source, so it also tells the watchdog that
   * something happened: an error too, since the browser then knows of the trouble and retries by
   * itself (a server that is down answers each of its retries with one); only a connection on
   * which nothing happens at all is the watchdog's to end.
   */
  #current(es: EventSourceLike): OpenedSource | null {
    if (!('source' in this.#state) || this.#state.source.es !== es) return null;
    this.#watchdog.heard();
    return this.#state.source;
  }

  /** The subscribers the source serves, in subscription order. */
  #served(source: OpenedSource): Subscriber[] {
    return [...this.#subs].filter((s) => source.served.has(s));
  }

  #handleOpen(es: EventSourceLike): void {
    const source = this.#current(es);
    if (!source) return;
    this.#state = { name: 'open', source };
    this.#retryDelay = 0;
    const behind = this.#served(source).filter((sub) => sub.streamOpened());
    if (behind.length) void this.#learnHeads(behind);
    this.#offerHandOver();
  }

  /**
   * Finds, for each catching-up subscriber, the newest tick of its symbols that exists now: once it
   * has been delivered the subscriber has caught up. (Any later tick is live by definition.)
   */
  async #learnHeads(subs: Subscriber[]): Promise<void> {
    const answer = await fetchJson(this.#env, quotesUrl(this.#url, unionOf(subs)), this.origin);
    for (const sub of subs) sub.learnHead(answer.ok ? (answer.body as QuotesAnswer) : null);
    this.#offerHandOver();
  }

  #handleSnapshot(es: EventSourceLike, e: MessageEvent): void {
    const source = this.#current(es);
    if (!source) return;
    const ticks = JSON.parse(e.data as string) as FeedTick[];
    const id = Number(e.lastEventId);
    this.#lastId = id;
    for (const sub of this.#served(source)) if (sub.cursor === null || source.resetPending) sub.snapshot(ticks, id);
    source.resetPending = false;
    this.#offerHandOver();
  }

  /** `history`: the server says which history it serves; later URLs carry it. */
  #handleHistory(es: EventSourceLike, e: MessageEvent): void {
    if (!this.#current(es)) return;
    const { epoch } = JSON.parse(e.data as string) as { epoch?: unknown };
    if (typeof epoch === 'string') this.#epoch = epoch;
  }

  #handleReset(es: EventSourceLike, e: MessageEvent): void {
    const source = this.#current(es);
    if (!source) return;
    const info = JSON.parse(e.data as string) as ResetInfo;
    if (typeof info.epoch === 'string') this.#epoch = info.epoch;
    source.resetPending = true;
    for (const sub of this.#served(source)) sub.reset(info);
  }

  /** A `tick`, `quote` or `status`: one event of the log, given to each subscriber to judge. */
  #handleEvent(es: EventSourceLike, kind: FeedEvent['kind'], e: MessageEvent): void {
    const source = this.#current(es);
    if (!source) return;
    const event = { kind, event: JSON.parse(e.data as string) } as FeedEvent;
    this.#lastId = event.event.id;
    for (const sub of this.#served(source)) sub.receive(event);
    this.#offerHandOver();
  }

  #handleHeartbeat(es: EventSourceLike, e: MessageEvent): void {
    if (!this.#current(es)) return;
    let data: unknown = null;
    try {
      data = JSON.parse(e.data as string);
    } catch {
      // Not ours to judge: it arrived, which is all the watchdog needs to hear.
    }
    this.#watchdog.heartbeat(data);
  }

  /**
   * Nothing at all has arrived for 2.5 heartbeat periods, although the browser sees the connection
   * open (or still connecting): something between us and the server swallows the stream. Drop it
   * and open a new one from the subscribers' cursors, as after any drop: no gap, no duplicate.
   */
  #handleSilence(silentMs: number): void {
    if (!('source' in this.#state)) return;
    const served = this.#served(this.#state.source);
    this.#release();
    this.#state = { name: 'idle' };
    const message = `No data for ${formatSeconds(silentMs)}; reconnecting…`;
    for (const sub of served) {
      sub.fallBehind();
      sub.setStatus('reconnecting', { message });
    }
    this.#reconciler.request();
  }

  /** On a replay stream: offers each caught-up subscriber, and closes once nobody is left. */
  #offerHandOver(): void {
    const handOver = this.#hooks.handOver;
    if (!handOver?.offering || this.#state.name !== 'open') return;
    const { served } = this.#state.source;
    for (const sub of this.#subs) {
      if (!handOver.offering) break;
      if (!served.has(sub) || sub.state !== 'caught-up') continue;
      if (handOver.offer(sub)) this.#subs.delete(sub);
    }
    if (this.#subs.size === 0) this.#close();
  }

  async #handleError(es: EventSourceLike): Promise<void> {
    const source = this.#current(es);
    if (!source) return;
    const served = this.#served(source);
    for (const sub of served) sub.fallBehind();

    if (es.readyState === CONNECTING) {
      // The browser is reconnecting by itself and will send Last-Event-ID.
      this.#state = { name: 'reconnecting', source };
      for (const sub of served) sub.setStatus('reconnecting', { message: 'Connection lost; reconnecting…' });
      return;
    }

    // The browser has given up on this stream. Find out why before deciding what to do.
    this.#release();
    this.#state = { name: 'diagnosing' };
    const problem = await diagnose(this.#env, source.url);
    if (this.#state.name !== 'diagnosing') return; // re-opened, or closed, meanwhile

    if (problem && (isRefusal(problem) || problem.foreign)) {
      // A 4xx will not go away by retrying, nor will a page that is not an event stream (the
      // browser itself never retries a wrong content type). When subscribers ask for different
      // symbols, find the ones the server rejects instead of failing everyone.
      this.#state = { name: 'idle' };
      const isolated = problem.code === 'UNKNOWN_SYMBOL' && this.#subs.size > 1 && (await this.#rejectBadSubscribers());
      if (!isolated) for (const sub of [...this.#subs]) this.#fail(sub, problem);
      this.#reconciler.request();
      return;
    }

    this.#retryDelay = backOff(this.#retryDelay);
    const message = problem ? `${problem.message}; retrying…` : 'Cannot reach the server; retrying…';
    for (const sub of this.#subs) sub.setStatus('reconnecting', { message });
    const timer = this.#env.setTimeout(() => {
      if (this.#state.name === 'retrying') this.#state = { name: 'idle' };
      this.#reconciler.request();
    }, this.#retryDelay);
    this.#state = { name: 'retrying', timer };
  }

  /** Validates each subscriber's symbols on their own; true if any were rejected (and removed). */
  async #rejectBadSubscribers(): Promise<boolean> {
    let rejected = false;
    await Promise.all(
      [...this.#subs].map(async (sub) => {
        const answer = await fetchJson(this.#env, quotesUrl(this.#url, sub.symbols), this.origin);
        if (!answer.ok && isRefusal(answer)) {
          this.#fail(sub, answer);
          rejected = true;
        }
      }),
    );
    return rejected;
  }

  /** Gives a newcomer its starting state, the latest quote per symbol, and its cursor. */
  async #seed(sub: Subscriber): Promise<void> {
    sub.seeding();
    const answer = await fetchJson(this.#env, quotesUrl(this.#url, sub.symbols), this.origin);
    // Brought up to date meanwhile by a snapshot on the stream (an older starting point would
    // repeat ticks, a newer one skip them), or gone.
    if (sub.state !== 'seeding') return;
    if (answer.ok) {
      const body = answer.body as QuotesAnswer & Partial<MarketInfo>;
      const market = body.session && body.marketTime ? { session: body.session, marketTime: body.marketTime } : null;
      sub.seeded(body.quotes, body.lastEventId, market);
    } else if (isRefusal(answer)) {
      this.#fail(sub, answer);
    } else {
      // Not served by any stream meanwhile, so nothing else would ask again.
      sub.seedFailed(answer.message, this.#env, () => this.#reconciler.request());
    }
  }

  #fail(sub: Subscriber, problem: Problem): void {
    this.#subs.delete(sub);
    sub.fail(explain(problem, sub.defaultSrc, this.origin), problem.code);
  }

  /** Lets go of what the current state holds: its EventSource, or its retry timer. */
  #release(): void {
    this.#watchdog.stop();
    const state = this.#state;
    if ('source' in state) {
      state.source.es.onopen = null;
      state.source.es.onerror = null;
      state.source.es.close();
    } else if (state.name === 'retrying') {
      this.#env.clearTimeout(state.timer);
    }
  }

  #close(): void {
    this.#release();
    this.#state = { name: 'closed' };
    this.#hooks.onEmpty();
  }
}

/** `38 s`, or `1.5 s` for the short periods of tests. */
function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Math.round(s * 10) / 10} s`;
}

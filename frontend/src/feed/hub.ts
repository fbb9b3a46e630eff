// Every stream of one page (or of one test): per absolute stream URL, one shared stream and the
// replay streams, and the API requests the page's tables make beside them.

import type { QuotesAnswer } from '../../../backend/types.ts';
import { symbolNames } from '../symbol-names.ts';
import { ReplayStream } from './replay-stream.ts';
import { SharedStream, type StreamHooks } from './shared-stream.ts';
import type { FeedEnvironment, FeedListener, FeedSubscription, SubscribeOptions } from './types.ts';
import { quotesUrl, resolveStreamUrl } from './urls.ts';

/** How long a subscriber may stay `connecting` before the hub looks for a reason to show. */
const SLOW_CONNECTION_MS = 10_000;

export class FeedHub {
  readonly #env: FeedEnvironment;
  /** The shared stream of each stream URL: every table that is not replaying. */
  readonly #shared = new Map<string, SharedStream>();
  /** The streams of replaying tables, each until it hands its table over or becomes shared. */
  readonly #replays = new Set<ReplayStream>();
  /**
   * Internal (tests shorten it): how long a table may stay `connecting` before its status says why,
   * when the page's streams hold every HTTP/1.1 connection to its server.
   */
  slowConnectionMs = SLOW_CONNECTION_MS;

  constructor(env: FeedEnvironment) {
    this.#env = env;
  }

  #hooks(onEmpty: () => void): Omit<StreamHooks, 'handOver'> {
    return {
      onEmpty,
      openStreamsTo: (origin) => this.#streams().filter((s) => s.origin === origin && s.streaming).length,
      slowConnectionMs: () => this.slowConnectionMs,
    };
  }

  #streams(): SharedStream[] {
    return [...this.#shared.values(), ...[...this.#replays].map((r) => r.stream)];
  }

  /**
   * Subscribes to the stream at `src` (default `/stream` of the page's origin): through the shared
   * stream, or, with a `lastEventId` to replay from, through a stream of its own until caught up.
   */
  subscribe(src: string | null | undefined, options: SubscribeOptions, listener: FeedListener): FeedSubscription {
    const url = resolveStreamUrl(src, this.#env.baseUrl());
    const key = url.href;
    const defaultSrc = !src?.trim();
    if (options.lastEventId !== null && options.lastEventId !== undefined) {
      const replay: ReplayStream = new ReplayStream(
        url,
        this.#env,
        this.#hooks(() => this.#forget(key, replay.stream, replay)),
        {
          shared: () => this.#shared.get(key),
          becomeShared: (stream) => {
            this.#replays.delete(replay);
            this.#shared.set(key, stream);
          },
        },
      );
      this.#replays.add(replay);
      return replay.stream.add(options, listener, defaultSrc);
    }
    let stream = this.#shared.get(key);
    if (!stream) {
      const created: SharedStream = new SharedStream(url, this.#env, this.#hooks(() => this.#forget(key, created)));
      stream = created;
      this.#shared.set(key, stream);
    }
    return stream.add(options, listener, defaultSrc);
  }

  #forget(key: string, stream: SharedStream, replay?: ReplayStream): void {
    if (replay) this.#replays.delete(replay);
    if (this.#shared.get(key) === stream) this.#shared.delete(key);
  }

  /** How many streams (each with at most one open EventSource) there are: shared ones and replays. */
  get size(): number {
    return this.#shared.size + this.#replays.size;
  }

  /** `GET /api/quotes?symbols=…&history=N` beside `stream`; null when the server refuses it. */
  async quotes(stream: URL, symbols: readonly string[], history: number): Promise<QuotesAnswer | null> {
    const res = await this.#env.fetch(quotesUrl(stream, symbols, history));
    return res.ok ? ((await res.json()) as QuotesAnswer) : null;
  }

  /** The names of the universe behind `stream` (see symbol-names.ts); empty until known. */
  symbolNames(stream: URL): Promise<Map<string, string>> {
    return symbolNames(stream, this.#env.fetch);
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

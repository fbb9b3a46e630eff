// A table that asks for a replay (`lastEventId`) does not join its src's shared stream at first: it
// gets a stream of its own (a second EventSource), because re-opening the shared stream from an old
// id would freeze every live table on that src until the replay had caught up (seconds, on a log of
// a million ticks). Once the replay has caught up, the table is handed over to the shared stream
// with its cursor, and its own stream is closed: the shared stream is re-opened from the lowest
// cursor (by then a recent id), exactly as when a table joins with new symbols, so nothing is lost
// and the others drop the ticks that come again. Ten live tables and any number of finished replays
// thus use one connection, which matters because a page has only six per origin. With no shared
// stream on that src, the replay stream simply becomes the shared one, with no reconnection.
// (Cursors of two differently filtered streams cannot be compared to find a moment when no
// re-open is needed: the server writes each batch to one filter group before the next, so either
// stream can be a batch ahead of the other.)

import { SharedStream, type HandOver, type StreamHooks } from './shared-stream.ts';
import type { Subscriber } from './subscriber.ts';
import type { FeedEnvironment } from './types.ts';

/**
 * A replay stream's state. Its table catches up on the stream (subscriber.ts: catching-up →
 * caught-up), which then offers it here:
 *
 *   replaying ──caught up, the src has a shared stream: adopted there──▶ handed-over (this one closes)
 *   replaying ──caught up, the src has none──────────────────────────────▶ shared (this one becomes it)
 */
export type ReplayState = 'replaying' | 'handed-over' | 'shared';

/** The hub's shared streams, as a replay stream needs them. */
export interface ReplayHome {
  /** The src's shared stream, if it has one. */
  shared(): SharedStream | undefined;
  /** It has none: `stream` becomes the src's shared stream. */
  becomeShared(stream: SharedStream): void;
}

export class ReplayStream implements HandOver {
  /** The connection: a shared stream of one subscriber, offering it here once caught up. */
  readonly stream: SharedStream;
  readonly #home: ReplayHome;
  #state: ReplayState = 'replaying';

  constructor(url: URL, env: FeedEnvironment, hooks: Omit<StreamHooks, 'handOver'>, home: ReplayHome) {
    this.#home = home;
    this.stream = new SharedStream(url, env, { ...hooks, handOver: this });
  }

  get state(): ReplayState {
    return this.#state;
  }

  get offering(): boolean {
    return this.#state === 'replaying';
  }

  /** Moves a caught-up subscriber to the src's shared stream (true), or makes this stream that one. */
  offer(sub: Subscriber): boolean {
    if (this.#state !== 'replaying') return false;
    const shared = this.#home.shared();
    if (shared) {
      if (!shared.adopt(sub)) return false; // it has just closed; offered again with the next event
      this.#state = 'handed-over';
      return true;
    }
    this.#state = 'shared';
    this.#home.becomeShared(this.stream);
    return false;
  }
}

// The market's session and exchange clock as a table last heard them (market model 2), and when to
// tell the page: a change of session at once (every one, in order, even several in one frame of a
// fast replay), a clock that has only moved on at most once per animation frame.

import type { MarketSession } from '../../../backend/types.ts';
import type { MarketInfo } from '../feed/types.ts';

/** What the session badge says: words, not a colour. */
export const SESSION_LABELS: Record<MarketSession, string> = {
  'pre-market': 'Pre-market',
  regular: 'Market open',
  'after-hours': 'After-hours',
  closed: 'Market closed',
};

export class MarketClock {
  #current: MarketInfo | null = null;
  /** The last one handed out by `take()`. */
  #told: MarketInfo | null = null;

  get current(): MarketInfo | null {
    return this.#current;
  }

  /**
   * The newest event's session and clock: `session` when the session changed (tell the page now),
   * `time` when only the clock moved (tell it with the next frame), null when nothing changed.
   */
  update(info: MarketInfo): 'session' | 'time' | null {
    const previous = this.#current;
    if (previous && previous.session === info.session && previous.marketTime === info.marketTime) return null;
    this.#current = { session: info.session, marketTime: info.marketTime };
    return previous?.session === info.session ? 'time' : 'session';
  }

  /** The current one if the page has not been told it yet (then it counts as told), else null. */
  take(): MarketInfo | null {
    const current = this.#current;
    if (current === null || current === this.#told) return null;
    this.#told = current;
    return { ...current };
  }

  /** Forgets it (the table starts over, perhaps on another server). */
  clear(): void {
    this.#current = null;
    this.#told = null;
  }
}

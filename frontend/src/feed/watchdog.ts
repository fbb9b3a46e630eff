// Notices a connection that stays open but delivers nothing, such as a proxy that has lost the
// stream and swallows it: the browser sees no error, so it never reconnects. EventSource hides
// comment lines (WHATWG HTML, "Server-sent events": a line starting with ':' is ignored), so the
// feed asks for the heartbeat as a `heartbeat` event (`?heartbeat=event`), whose data carries the
// server's period. Once that is known, a connection on which nothing at all has happened (no
// heartbeat, tick, snapshot or reset, not the open itself, not an error the browser retries
// after) for SILENT_PERIODS periods is taken for dead.
// Until a heartbeat has told the period (an older server that sends none), nothing is watched.

import type { FeedEnvironment } from './types.ts';

/** Silence, in heartbeat periods, after which the connection is taken for dead. */
export const SILENT_PERIODS = 2.5;

/**
 * Looks per period. Each event only sets a flag, so a busy stream costs no timer work per tick; a
 * look that finds the flag unset counts one silent interval, so a silence is noticed after
 * SILENT_PERIODS periods at the earliest and half a period later at the latest.
 */
const LOOKS_PER_PERIOD = 2;
const SILENT_LOOKS = SILENT_PERIODS * LOOKS_PER_PERIOD;

/** A period below this (a server run with `--heartbeat 1`) is watched as this, to spare the page. */
export const MIN_PERIOD_MS = 100;

export type WatchdogState =
  /** No heartbeat has told the period yet: nothing is watched. */
  | { readonly name: 'unarmed' }
  /** Looking every half period; `silentLooks` in a row have found nothing. */
  | { readonly name: 'watching'; readonly periodMs: number; readonly silentLooks: number }
  /** Not watching (no connection), but the period is known for the next one. */
  | { readonly name: 'stopped'; readonly periodMs: number };

export class SilenceWatchdog {
  readonly #clock: Pick<FeedEnvironment, 'setTimeout' | 'clearTimeout'>;
  readonly #onSilence: (silentMs: number) => void;
  #periodMs: number | null = null;
  #timer: unknown = null;
  #heard = false;
  #silentLooks = 0;

  constructor(clock: Pick<FeedEnvironment, 'setTimeout' | 'clearTimeout'>, onSilence: (silentMs: number) => void) {
    this.#clock = clock;
    this.#onSilence = onSilence;
  }

  get state(): WatchdogState {
    if (this.#periodMs === null) return { name: 'unarmed' };
    if (this.#timer === null) return { name: 'stopped', periodMs: this.#periodMs };
    return { name: 'watching', periodMs: this.#periodMs, silentLooks: this.#silentLooks };
  }

  /** Something arrived on the connection. */
  heard(): void {
    this.#heard = true;
  }

  /**
   * A `heartbeat` event's data (`{"periodMs":N}`): something arrived, and the period to watch with.
   * Data without a positive period is only "something arrived".
   */
  heartbeat(data: unknown): void {
    this.#heard = true;
    const periodMs = (data as { periodMs?: unknown } | null)?.periodMs;
    if (typeof periodMs !== 'number' || !Number.isFinite(periodMs) || periodMs <= 0) return;
    const period = Math.max(MIN_PERIOD_MS, periodMs);
    if (period === this.#periodMs && this.#timer !== null) return;
    this.#periodMs = period;
    this.#arm();
  }

  /** A new connection: watch it from now on, with the period learnt so far (if any). */
  start(): void {
    this.stop();
    this.#silentLooks = 0;
    this.#heard = false;
    if (this.#periodMs !== null) this.#arm();
  }

  /** No connection to watch (closed, given up, being diagnosed). */
  stop(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    const interval = this.#periodMs! / LOOKS_PER_PERIOD;
    this.#timer = this.#clock.setTimeout(() => this.#look(interval), interval);
  }

  #look(interval: number): void {
    this.#timer = null;
    if (this.#heard) {
      this.#heard = false;
      this.#silentLooks = 0;
    } else if (++this.#silentLooks >= SILENT_LOOKS) {
      this.#onSilence(this.#silentLooks * interval);
      return;
    }
    this.#arm();
  }
}

// Walking the exchange clock between sessions, and finding one's place on it from a market time
// alone (when a path resumes from its log's events, without the engine's checkpoint).
import { newYorkOffsetMinutes, nextTradingDay, tradingDay, type TradingDay, type TradingHours } from './calendar.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** `2026-03-02T09:30:00.250-05:00`: what `formatMarketTime` writes (any offset, or Z, is read). */
const MARKET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ISO 8601 market time with its offset; NaN when it is not one. */
export function parseMarketTime(text: string): number {
  return MARKET_TIME.test(text) ? Date.parse(text) : NaN;
}

/** The session after `sessionIndex` of `day`: the same day's next one, else the next trading day's first. */
export function followingSession(
  day: TradingDay,
  sessionIndex: number,
  hours: TradingHours,
): { day: TradingDay; sessionIndex: number } {
  if (sessionIndex + 1 < day.sessions.length) return { day, sessionIndex: sessionIndex + 1 };
  return { day: nextTradingDay(day.dayNumber, hours), sessionIndex: 0 };
}

/** Where the clock of a resumed path stands; the regime and step count are not part of it. */
export interface ClockPlace {
  day: TradingDay;
  sessionIndex: number;
  /** Market time the next step starts from: always after the instant placed from. */
  t: number;
  minute: number;
  opening: boolean;
  newDay: boolean;
}

/**
 * The clock of a path whose newest event was at market time `at`. Inside a session, the next step
 * starts at the first point of the session's step grid (session start + k × step) after `at`,
 * which is where the original path's next step started if the step is unchanged; when that is the
 * session's end, or `at` is in closed time or on a session boundary's closing side, the next step
 * opens the next session (a new trading day if it is the day's first).
 */
export function placeClock(at: number, stepMs: number, hours: TradingHours): ClockPlace {
  // The New York date of `at`; the offset changes only at 02:00 local, far from any session.
  const guess = Math.floor((at - 5 * 3_600_000) / DAY_MS);
  const date = Math.floor((at + newYorkOffsetMinutes(guess) * MINUTE_MS) / DAY_MS);
  let day = tradingDay(date, hours) ?? nextTradingDay(date, hours);
  let index = 0;
  for (;;) {
    const span = day.sessions[index];
    if (at < span.start) break; // closed time before it: open it
    if (at < span.end) {
      const t = span.start + (Math.floor((at - span.start) / stepMs) + 1) * stepMs;
      if (t < span.end) {
        const minute = Math.floor((t - 1 - span.start) / MINUTE_MS);
        return { day, sessionIndex: index, t, minute, opening: false, newDay: false };
      }
    }
    // Past this session (or its grid's last point): the following one starts after `at`.
    ({ day, sessionIndex: index } = followingSession(day, index, hours));
  }
  return { day, sessionIndex: index, t: day.sessions[index].start, minute: -1, opening: true, newDay: index === 0 };
}

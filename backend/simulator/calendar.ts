// The exchange clock: New York time, NYSE trading days and their sessions, computed by rule for any
// year (no tables to go stale, no dependency). Times are epoch milliseconds (UTC); a trading day
// knows its own UTC offset, so formatting an instant as New York time is string arithmetic.
//
// Rules (NYSE, current practice; special closures such as national days of mourning are not rules
// and are not modelled):
// - US Eastern time: EST (−05:00), EDT (−04:00) from the second Sunday of March to the first
//   Sunday of November, switching at 02:00 local (Energy Policy Act 2005, in force since 2007).
//   Every session lies between 04:00 and 20:00 local, so one offset holds for a whole trading day.
// - Closed on weekends and on New Year's Day, Martin Luther King Jr. Day (since 1998), Presidents'
//   Day, Good Friday, Memorial Day, Juneteenth (since 2022), Independence Day, Labor Day,
//   Thanksgiving and Christmas. A holiday on a Sunday is observed on Monday, on a Saturday on
//   Friday, except New Year's Day on a Saturday, which is not observed (NYSE Rule 7.2).
// - Early close at 13:00 (after-hours to 17:00) on July 3 when July 4 falls Tuesday–Friday, the
//   day after Thanksgiving, and December 24 when it falls Monday–Thursday.

import type { MarketSession } from '../types.ts';
export type { MarketSession };
export type TradingHours = 'regular' | 'extended';

/** One trading session of a day: [start, end) in epoch ms. */
export interface SessionSpan {
  session: Exclude<MarketSession, 'closed'>;
  start: number;
  end: number;
}

export interface TradingDay {
  /** The New York calendar date, `YYYY-MM-DD`. */
  date: string;
  /** Days since 1970-01-01 of that date: a cheap key for the next day. */
  dayNumber: number;
  /** UTC offset of New York time on this day, in minutes (−300 or −240). */
  offsetMinutes: number;
  earlyClose: boolean;
  /** The day's sessions in order: [pre-market,] regular[, after-hours]. */
  sessions: SessionSpan[];
  /** The regular session, also present in `sessions`. */
  regular: SessionSpan;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const PRE_MARKET_OPEN = 4 * 60;
const REGULAR_OPEN = 9 * 60 + 30;
const REGULAR_CLOSE = 16 * 60;
const EARLY_CLOSE = 13 * 60;
const AFTER_HOURS_CLOSE = 20 * 60;
const EARLY_AFTER_HOURS_CLOSE = 17 * 60;

/** Days since the epoch of a proleptic Gregorian date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

function ymd(dayNum: number): { year: number; month: number; day: number } {
  const d = new Date(dayNum * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The n-th (1-based) given weekday of a month; n = −1 for the last. */
function nthWeekday(year: number, month: number, wd: number, n: number): number {
  if (n > 0) {
    const first = dayNumber(year, month, 1);
    return first + ((wd - weekday(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = dayNumber(year, month + 1, 1) - 1;
  return last - ((weekday(last) - wd + 7) % 7);
}

/** Easter Sunday (Gregorian computus, Meeus/Jones/Butcher). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

/** A fixed-date holiday moved off the weekend: Saturday → Friday, Sunday → Monday. */
function observed(dayNum: number): number {
  const wd = weekday(dayNum);
  return wd === 6 ? dayNum - 1 : wd === 0 ? dayNum + 1 : dayNum;
}

const holidayCache = new Map<number, Set<number>>();

/** The full-day NYSE closures of a calendar year (weekdays only), as day numbers. */
export function holidays(year: number): ReadonlySet<number> {
  let set = holidayCache.get(year);
  if (set) return set;
  const days: number[] = [];
  const newYear = dayNumber(year, 1, 1);
  if (weekday(newYear) !== 6) days.push(observed(newYear));
  if (year >= 1998) days.push(nthWeekday(year, 1, 1, 3));
  days.push(nthWeekday(year, 2, 1, 3));
  days.push(easterSunday(year) - 2);
  days.push(nthWeekday(year, 5, 1, -1));
  if (year >= 2022) days.push(observed(dayNumber(year, 6, 19)));
  days.push(observed(dayNumber(year, 7, 4)));
  days.push(nthWeekday(year, 9, 1, 1));
  days.push(nthWeekday(year, 11, 4, 4));
  days.push(observed(dayNumber(year, 12, 25)));
  set = new Set(days);
  holidayCache.set(year, set);
  return set;
}

export function isTradingDay(dayNum: number): boolean {
  const wd = weekday(dayNum);
  if (wd === 0 || wd === 6) return false;
  return !holidays(ymd(dayNum).year).has(dayNum);
}

/** Early close (13:00) on a trading day. */
export function isEarlyClose(dayNum: number): boolean {
  const { year, month, day } = ymd(dayNum);
  const wd = weekday(dayNum);
  if (month === 7 && day === 3) return wd >= 1 && wd <= 4;
  if (month === 12 && day === 24) return wd >= 1 && wd <= 4;
  return dayNum === nthWeekday(year, 11, 4, 4) + 1;
}

/** Whether US daylight saving time is in force at a New York local wall time. */
function isDaylightTime(dayNum: number, minutes: number): boolean {
  const { year } = ymd(dayNum);
  const start = nthWeekday(year, 3, 0, 2);
  const end = nthWeekday(year, 11, 0, 1);
  if (dayNum < start || dayNum > end) return false;
  if (dayNum === start) return minutes >= 2 * 60;
  if (dayNum === end) return minutes < 1 * 60; // 01:00–02:00 EDT is the repeated hour; EST after
  return true;
}

/** New York's UTC offset in minutes at a local wall time of a date. */
export function newYorkOffsetMinutes(dayNum: number, minutes = 12 * 60): number {
  return isDaylightTime(dayNum, minutes) ? -240 : -300;
}

/** The epoch ms of a New York local time (minutes after midnight) on a date. */
export function newYorkTime(dayNum: number, minutes: number): number {
  return dayNum * DAY_MS + (minutes - newYorkOffsetMinutes(dayNum, minutes)) * MINUTE_MS;
}

const dayCache = new Map<string, TradingDay>();

/** The trading day of a date, or null when the exchange is closed all day. */
export function tradingDay(dayNum: number, hours: TradingHours): TradingDay | null {
  if (!isTradingDay(dayNum)) return null;
  const key = `${dayNum}:${hours}`;
  const cached = dayCache.get(key);
  if (cached) return cached;
  const earlyClose = isEarlyClose(dayNum);
  const close = earlyClose ? EARLY_CLOSE : REGULAR_CLOSE;
  const at = (minutes: number) => newYorkTime(dayNum, minutes);
  const regular: SessionSpan = { session: 'regular', start: at(REGULAR_OPEN), end: at(close) };
  const sessions =
    hours === 'regular'
      ? [regular]
      : [
          { session: 'pre-market' as const, start: at(PRE_MARKET_OPEN), end: regular.start },
          regular,
          {
            session: 'after-hours' as const,
            start: regular.end,
            end: at(earlyClose ? EARLY_AFTER_HOURS_CLOSE : AFTER_HOURS_CLOSE),
          },
        ];
  const { year, month, day } = ymd(dayNum);
  const date = `${year}-${pad2(month)}-${pad2(day)}`;
  const result: TradingDay = {
    date,
    dayNumber: dayNum,
    offsetMinutes: newYorkOffsetMinutes(dayNum),
    earlyClose,
    sessions,
    regular,
  };
  if (dayCache.size > 4096) dayCache.clear(); // long runs visit each day once; keep memory flat
  dayCache.set(key, result);
  return result;
}

/** The first trading day strictly after `dayNum`. */
export function nextTradingDay(dayNum: number, hours: TradingHours): TradingDay {
  for (let d = dayNum + 1; ; d++) {
    const day = tradingDay(d, hours);
    if (day) return day;
  }
}

/** The first trading day on or after a `YYYY-MM-DD` date. */
export function firstTradingDayFrom(date: string, hours: TradingHours): TradingDay {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const dayNum = match ? dayNumber(Number(match[1]), Number(match[2]), Number(match[3])) : NaN;
  if (!match || ymd(dayNum).day !== Number(match[3])) {
    throw new RangeError(`start date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }
  return tradingDay(dayNum, hours) ?? nextTradingDay(dayNum, hours);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

/**
 * ISO 8601 New York time of an instant on a trading day, e.g. `2026-03-02T09:30:00.250-05:00`.
 * Hand-built because it runs once per event (Intl.DateTimeFormat is ~50× slower).
 */
export function formatMarketTime(ms: number, day: TradingDay): string {
  const local = ms + day.offsetMinutes * MINUTE_MS - day.dayNumber * DAY_MS;
  const h = Math.floor(local / 3_600_000);
  const m = Math.floor(local / MINUTE_MS) % 60;
  const s = Math.floor(local / 1000) % 60;
  const offset = day.offsetMinutes === -240 ? '-04:00' : '-05:00';
  return `${day.date}T${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(local % 1000)}${offset}`;
}

/** New York local minutes after midnight of an instant on a trading day (fractional). */
export function localMinutes(ms: number, day: TradingDay): number {
  return (ms + day.offsetMinutes * MINUTE_MS - day.dayNumber * DAY_MS) / MINUTE_MS;
}

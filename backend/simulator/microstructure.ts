// Market microstructure for model v2: the intraday profile of variance, volume and spread on a
// one-minute grid, the quote (bid/ask on the cent grid with sizes in round lots), trade sizes and
// where a trade prints, and each symbol's average daily volume.
//
// The intraday profile. Every trading day carries one day's variance σ²/252 in total, split into
// shares: the closed span before it (night, weekend or holiday alike: close-to-close variance does
// not depend on the calendar, as French & Roll 1986 found), the extended sessions when traded,
// and the regular session. Within a session the variance density per minute follows a U-shape
// (high after the open, raised into the close) and is normalised on the minute grid itself:
// weights[m] = share · shape(m) / Σ shape, so Σ weights = share exactly and the shape moves
// variance within the day without adding any. Volume gets its own U-shape normalised the same
// way to a regular session total of 1 (× adv); the spread's multiplier is 1 at midday.
import type { SymbolSpec } from '../types.ts';
import type { SessionSpan, TradingDay, TradingHours } from './calendar.ts';
import type { Rng } from './rng.ts';
import { builtinSymbol } from './universe.ts';

/** Shares of one trading day's variance. */
export const VARIANCE_SHARE = Object.freeze({
  regular: 0.8,
  /** Of the 0.2 outside regular hours, with --hours extended the sessions take these. */
  preMarket: 0.04,
  afterHours: 0.03,
});
/** Volume of the extended sessions, as a fraction of adv (adv is the regular session's). */
const EXTENDED_VOLUME = Object.freeze({ preMarket: 0.03, afterHours: 0.03 });
/** Extended sessions trade thin: their spread is this many times the regular midday spread. */
const EXTENDED_SPREAD_MULTIPLE = 3;

// The U-shapes: 1 + a·e^(−t/τ) after the open and 1 + b·e^(−t/τ) before the close (t in minutes).
const VARIANCE_SHAPE = { open: 4, openMinutes: 15, close: 4, closeMinutes: 12 };
const VOLUME_SHAPE = { open: 3, openMinutes: 15, close: 3.5, closeMinutes: 12 };
const SPREAD_SHAPE = { open: 2, openMinutes: 10, close: 0.3, closeMinutes: 15 };

/** The per-minute profile of one session of a day. */
export interface SessionProfile {
  span: SessionSpan;
  /** Share of the day's variance in each minute of the session. */
  variance: Float64Array;
  /** Expected volume of each minute, as a fraction of adv. */
  volume: Float64Array;
  /** Spread multiplier of each minute (1 = the configured spread). */
  spread: Float64Array;
}

export interface DayProfile {
  day: TradingDay;
  /** Share of the day's variance in the closed span that precedes it. */
  closedShare: number;
  sessions: SessionProfile[];
}

function shapeAt(shape: typeof VARIANCE_SHAPE, minute: number, minutes: number): number {
  const sinceOpen = minute + 0.5;
  const toClose = minutes - minute - 0.5;
  return 1 + shape.open * Math.exp(-sinceOpen / shape.openMinutes) + shape.close * Math.exp(-toClose / shape.closeMinutes);
}

function normalised(values: Float64Array, total: number): Float64Array {
  let sum = 0;
  for (const v of values) sum += v;
  for (let i = 0; i < values.length; i++) values[i] = (values[i] * total) / sum;
  return values;
}

function minutesOf(span: SessionSpan): number {
  return Math.round((span.end - span.start) / 60_000);
}

function sessionProfile(span: SessionSpan): SessionProfile {
  const n = minutesOf(span);
  if (span.session === 'regular') {
    const variance = Float64Array.from({ length: n }, (_, m) => shapeAt(VARIANCE_SHAPE, m, n));
    const volume = Float64Array.from({ length: n }, (_, m) => shapeAt(VOLUME_SHAPE, m, n));
    const spread = Float64Array.from({ length: n }, (_, m) => shapeAt(SPREAD_SHAPE, m, n));
    return { span, variance: normalised(variance, VARIANCE_SHARE.regular), volume: normalised(volume, 1), spread };
  }
  const pre = span.session === 'pre-market';
  return {
    span,
    variance: new Float64Array(n).fill((pre ? VARIANCE_SHARE.preMarket : VARIANCE_SHARE.afterHours) / n),
    volume: new Float64Array(n).fill((pre ? EXTENDED_VOLUME.preMarket : EXTENDED_VOLUME.afterHours) / n),
    spread: new Float64Array(n).fill(EXTENDED_SPREAD_MULTIPLE),
  };
}

const profileCache = new Map<string, DayProfile>();

/** The profile of a trading day (cached by its shape: hours and early close). */
export function dayProfile(day: TradingDay, hours: TradingHours): DayProfile {
  const key = `${hours}:${day.earlyClose}`;
  let template = profileCache.get(key);
  if (!template) {
    const sessions = day.sessions.map(sessionProfile);
    let traded = 0;
    for (const s of sessions) for (const v of s.variance) traded += v;
    template = { day, closedShare: 1 - traded, sessions };
    profileCache.set(key, template);
  }
  // Same arrays, this day's spans.
  return {
    day,
    closedShare: template.closedShare,
    sessions: template.sessions.map((s, i) => ({ ...s, span: day.sessions[i] })),
  };
}

// ---- Trades ----

/** Share of prints at the midpoint (midpoint-peg and dark executions). */
export const MIDPOINT_SHARE = 0.05;
const ODD_LOT_PROBABILITY = 0.08;
/** Pareto tail index of a print's number of round lots: P(lots ≥ n) = n^−α. */
const LOT_TAIL_INDEX = 1.5;
const MAX_LOTS = 2000;

function lotMoments(): { mean: number; meanSquare: number } {
  // E[lots] = Σ P(L ≥ n); E[lots²] = Σ (2n − 1)·P(L ≥ n), with P(L ≥ n) = n^−α up to the cap.
  let mean = 0;
  let meanSquare = 0;
  for (let n = 1; n <= MAX_LOTS; n++) {
    const p = n ** -LOT_TAIL_INDEX;
    mean += p;
    meanSquare += (2 * n - 1) * p;
  }
  return { mean, meanSquare };
}

const LOTS = lotMoments();
/** Mean and variance of one print's size in shares, exact for `tradeSize` (odd lots 1–99 uniform). */
export const TRADE_SIZE_MEAN = ODD_LOT_PROBABILITY * 50 + (1 - ODD_LOT_PROBABILITY) * 100 * LOTS.mean;
const TRADE_SIZE_MEAN_SQUARE =
  ODD_LOT_PROBABILITY * ((99 * 100 * 199) / 6 / 99) + (1 - ODD_LOT_PROBABILITY) * 10_000 * LOTS.meanSquare;
export const TRADE_SIZE_VARIANCE = TRADE_SIZE_MEAN_SQUARE - TRADE_SIZE_MEAN * TRADE_SIZE_MEAN;

/** One print's size in shares: mostly round lots with a heavy tail, sometimes an odd lot. */
export function tradeSize(rng: Rng): number {
  if (rng.uniform() < ODD_LOT_PROBABILITY) return 1 + Math.floor(rng.uniform() * 99);
  const lots = Math.floor((1 - rng.uniform()) ** (-1 / LOT_TAIL_INDEX));
  return Math.min(MAX_LOTS, lots) * 100;
}

/** Where a print lands: +1 at the ask (a buyer took the offer), −1 at the bid, 0 at the midpoint. */
export function tradeSide(rng: Rng): -1 | 0 | 1 {
  const u = rng.uniform();
  if (u < MIDPOINT_SHARE) return 0;
  return u < (1 + MIDPOINT_SHARE) / 2 ? 1 : -1;
}

/**
 * Poisson count: inversion with one uniform below a mean of 30, else the normal approximation
 * (rounded, at least 0), so a step's cost stays bounded however much trades in it.
 */
export function poissonCount(mean: number, rng: Rng): number {
  if (mean <= 0) return 0;
  if (mean >= 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  // Inversion with a single uniform: the draws consumed do not depend on the outcome's size.
  const u = rng.uniform();
  let k = 0;
  let p = Math.exp(-mean);
  let cumulative = p;
  while (u > cumulative && p > 0) {
    k += 1;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}

/**
 * Gamma(shape, 1) by Marsaglia & Tsang (2000), with the u^(1/a) boost below shape 1. Used for the
 * total size of the prints a step does not show: a gamma with the exact mean and variance of the
 * sum stays positive and unbiased where a normal approximation would need clipping (a few dozen
 * heavy-tailed sizes are far from normal).
 */
export function gammaSample(rng: Rng, shape: number): number {
  if (shape < 1) return gammaSample(rng, shape + 1) * rng.uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Total shares of `count` prints not drawn one by one: gamma-distributed, exact mean and variance. */
export function unseenVolume(rng: Rng, count: number): number {
  if (count <= 0) return 0;
  const mean = count * TRADE_SIZE_MEAN;
  const variance = count * TRADE_SIZE_VARIANCE;
  return Math.round(gammaSample(rng, (mean * mean) / variance) * (variance / mean));
}

// ---- Quotes ----

/** A symbol's displayed depth: mean round lots at the best bid and offer, from its adv. */
export function meanQuoteLots(adv: number): number {
  return Math.min(40, Math.max(2, Math.round(adv / 4_000_000)));
}

/** Shares displayed at one side: 1 lot or more, geometric with the symbol's mean. */
export function quoteSize(rng: Rng, meanLots: number): number {
  const lots = 1 + Math.floor(-Math.log(1 - rng.uniform()) * (meanLots - 1));
  return Math.min(lots, 50 * meanLots) * 100;
}

/** Spread noise: a mean-one lognormal multiplier per quote, s.d. of its log. */
export const SPREAD_NOISE_SD = 0.25;

/**
 * Bid and ask in integer cents around the unrounded `mid`, full spread `spread` (money), rounded
 * outwards so the quoted spread is never narrower than modelled; never locked, never below a cent.
 */
export function quoteCents(mid: number, spread: number): { bid: number; ask: number } {
  const half = spread / 2;
  const bid = Math.max(1, Math.floor((mid - half) * 100 + 1e-9));
  let ask = Math.ceil((mid + half) * 100 - 1e-9);
  if (ask <= bid) ask = bid + 1;
  return { bid, ask };
}

// ---- Volume ----

/** Dollar volume a day for a symbol with no adv and no built-in figure: a typical large cap. */
const DEFAULT_DOLLAR_VOLUME = 1e9;

/** A symbol's average daily volume in shares (the expected volume of a regular session). */
export function averageDailyVolume(spec: SymbolSpec): number {
  if (spec.adv !== undefined && spec.adv > 0) return spec.adv;
  // A built-in symbol given by a --config file without its own adv keeps the built-in figure.
  return builtinSymbol(spec.symbol)?.adv ?? Math.max(100_000, Math.round(DEFAULT_DOLLAR_VOLUME / spec.price / 1000) * 1000);
}

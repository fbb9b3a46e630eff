// Stochastic volatility and heavy-tailed shocks for market model v2.
//
// A symbol's volatility at a moment is σ · D · G · u, where
// - σ is the configured long-run volatility;
// - D = exp(h − s_d²) is the day's level: h a Gaussian AR(1) from one trading day to the next
//   (persistence φ_d, stationary s.d. s_d), part market-wide and part the symbol's own, so calm and
//   turbulent weeks show on a chart and hit every symbol at once;
// - G = exp(g − s_f²) the intraday level: g the same construction on a one-minute grid (half-life of
//   tens of minutes), so bursts of activity last a while within a day;
// - u the intraday U-shape (microstructure.ts), normalised separately.
// With h ~ N(0, s_d²), E[D²] = E[e^(2h)]·e^(−2s_d²) = 1, likewise E[G²] = 1, and D, G are
// independent: the model's expected variance is exactly σ², whatever s_d and s_f are.
//
// Heavy tails come from compound-Poisson shocks ("micro-jumps": order-flow imbalances, headlines)
// on the one-minute grid, their sizes Student-t with ν = 4 (truncated far out, so every moment is
// finite) scaled to unit variance and to the current D·G; mixed with the regimes and the U-shape
// this gives one-minute returns a tail index near 3, as measured on real ones. Drawing the tails per grid
// minute and not per model step keeps them the same at any --interval or --speed: a per-step t
// shock would be washed out by the central limit theorem at 3 s steps and undiluted at 600 s.
// Rare large news jumps (Merton, as in model 1) stay, with their compensator.
import type { SymbolSpec } from '../types.ts';
import type { Rng } from './rng.ts';

/** Parameters of the volatility process, shared by every symbol. */
export interface VolatilityParams {
  /** Day-to-day persistence φ_d of the daily log-volatility. */
  dailyPersistence: number;
  /** Stationary s.d. s_d of the daily log-volatility. */
  dailyLogVolSd: number;
  /** Half-life, in trading minutes, of the intraday log-volatility. */
  intradayHalfLifeMinutes: number;
  /** Stationary s.d. s_f of the intraday log-volatility. */
  intradayLogVolSd: number;
  /** Share of the log-volatility variance that is market-wide (common to all symbols). */
  marketShare: number;
  /** Share of each day's variance carried by micro-jumps. */
  microJumpShare: number;
  /** Expected micro-jumps per trading day (spread over the day like its variance). */
  microJumpsPerDay: number;
  /** Degrees of freedom of the micro-jump sizes (Student-t). */
  microJumpDf: number;
  /** Micro-jump sizes are truncated at this many units of the t (before scaling). */
  microJumpBound: number;
}

export const DEFAULT_VOLATILITY: VolatilityParams = Object.freeze({
  dailyPersistence: 0.97,
  dailyLogVolSd: 0.5,
  intradayHalfLifeMinutes: 30,
  intradayLogVolSd: 0.4,
  marketShare: 0.5,
  microJumpShare: 0.15,
  microJumpsPerDay: 6,
  microJumpDf: 4,
  microJumpBound: 12,
});

/**
 * News jumps in log price: a Poisson count per trading year, each N(mean, stdDev²) in units of the
 * symbol's current daily volatility σ_d·D, so a calm stock's news moves it less than a volatile
 * one's and news comes bigger in turbulent times (as it does: it is part of the clustering).
 */
export interface NewsJumps {
  perYear: number;
  mean: number;
  stdDev: number;
}

/** A few a year, typically 2–3 daily standard deviations, slightly skewed to the downside. */
export const DEFAULT_NEWS_JUMPS: NewsJumps = Object.freeze({ perYear: 3, mean: -0.3, stdDev: 2.5 });

/** One step of a unit-variance Gaussian AR(1): stays N(0, 1) whatever φ. */
export function ar1(x: number, phi: number, z: number): number {
  return phi * x + Math.sqrt(1 - phi * phi) * z;
}

/** Per-minute persistence of the intraday component. */
export function intradayPersistence(params: VolatilityParams): number {
  return 2 ** (-1 / params.intradayHalfLifeMinutes);
}

/** Mixes a market-wide and an own unit-variance factor into one unit-variance factor. */
export function mixFactor(market: number, own: number, marketShare: number): number {
  return Math.sqrt(marketShare) * market + Math.sqrt(1 - marketShare) * own;
}

/** exp(s·x − s²) for a unit normal x: a volatility multiplier with E[multiplier²] = 1. */
export function volMultiplier(x: number, sd: number): number {
  return Math.exp(sd * x - sd * sd);
}

/** exp(κs·x − κ²s²/2) for a unit normal x: a multiplier with mean 1 (volume's share of the regime). */
export function meanOneMultiplier(x: number, sd: number): number {
  return Math.exp(sd * x - (sd * sd) / 2);
}

/** Student-t density up to its constant. */
function tKernel(x: number, df: number): number {
  return (1 + (x * x) / df) ** (-(df + 1) / 2);
}

/** S.d. of a Student-t(df) truncated to |t| ≤ bound, by Simpson's rule (the truncation is ours). */
export function truncatedTSd(df: number, bound: number): number {
  const steps = 20_000;
  const h = bound / steps;
  let mass = 0;
  let second = 0;
  for (let i = 0; i <= steps; i++) {
    const x = i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
    const f = tKernel(x, df);
    mass += w * f;
    second += w * x * x * f;
  }
  return Math.sqrt(second / mass);
}

const truncatedSdCache = new Map<string, number>();

/**
 * Student-t with `df` (integer ≥ 3) degrees of freedom, truncated at `bound` of its own units by
 * rejection and scaled to unit variance exactly (the truncated variance is computed once). The
 * truncation gives every moment a finite value, so realised volatility converges; below it the
 * tail is the t's power law.
 */
export function unitStudentT(rng: Rng, df: number, bound: number): number {
  const key = `${df}:${bound}`;
  let sd = truncatedSdCache.get(key);
  if (sd === undefined) {
    sd = truncatedTSd(df, bound);
    truncatedSdCache.set(key, sd);
  }
  for (;;) {
    let chi2 = 0;
    for (let i = 0; i < df; i++) {
      const z = rng.normal();
      chi2 += z * z;
    }
    const t = rng.normal() * Math.sqrt(df / chi2);
    if (Math.abs(t) <= bound) return t / sd;
  }
}

/** A symbol's variance budget per trading day, split between its three sources. */
export interface VarianceBudget {
  /** σ²/252: the expected variance of one close-to-close return. */
  daily: number;
  /** Diffusion variance per day (before D²·G²). */
  diffusion: number;
  /** S.d. of one micro-jump (before D·G). */
  microJumpSd: number;
  /** News jumps per trading day, and their sizes in units of √daily·D. */
  newsPerDay: number;
  news: NewsJumps;
}

export const TRADING_DAYS_PER_YEAR = 252;

export function varianceBudget(
  volatility: number,
  params: VolatilityParams = DEFAULT_VOLATILITY,
  news: NewsJumps = DEFAULT_NEWS_JUMPS,
): VarianceBudget {
  const daily = (volatility * volatility) / TRADING_DAYS_PER_YEAR;
  const newsPerDay = news.perYear / TRADING_DAYS_PER_YEAR;
  // E[J²] = daily·E[D²]·(m² + s²) = daily·(m² + s²): news takes that share of each day's variance.
  const newsShare = newsPerDay * (news.mean * news.mean + news.stdDev * news.stdDev);
  const microShare = params.microJumpShare;
  return {
    daily,
    diffusion: daily * Math.max(0, 1 - newsShare - microShare),
    microJumpSd: Math.sqrt((daily * microShare) / params.microJumpsPerDay),
    newsPerDay,
    news,
  };
}

/** E[e^J] − 1 of one news jump at daily volatility `dailySd` (= √daily·D). */
export function newsCompensator(news: NewsJumps, dailySd: number): number {
  const sd = news.stdDev * dailySd;
  return Math.expm1(news.mean * dailySd + (sd * sd) / 2);
}

/** Annualised volatility of the market factor, about that of a broad equity index. */
export const MARKET_VOLATILITY = 0.16;
export const MAX_MARKET_CORRELATION = 0.95;

/**
 * ρ, the correlation of a symbol's diffusion with the market draw. With market volatility σm, a
 * symbol of volatility σ and beta β has ρ = β·σm/σ, so σ·(ρ·Zm + √(1−ρ²)·Zi) has systematic part
 * β·σm and total variance exactly σ², as configured. A beta too large for the volatility
 * (β·σm > σ) would need more variance than σ² allows: σ is kept and |ρ| capped at
 * MAX_MARKET_CORRELATION, which lowers the effective beta but keeps some idiosyncratic noise.
 */
export function marketCorrelation(spec: SymbolSpec, marketVolatility: number = MARKET_VOLATILITY): number {
  const beta = spec.beta ?? 1;
  const raw = spec.volatility > 0 ? (beta * marketVolatility) / spec.volatility : 0;
  return Math.max(-MAX_MARKET_CORRELATION, Math.min(MAX_MARKET_CORRELATION, raw));
}

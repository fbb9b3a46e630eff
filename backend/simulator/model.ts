// The price model: geometric Brownian motion stepped exactly in log space, driven by one common
// market factor plus an idiosyncratic shock, with rare Merton jumps; and the market-microstructure
// dressing (cent grid, bid/ask, trade sizes). Prices stay at full precision; only what is emitted
// is rounded, so a low-volatility symbol keeps drifting below the cent and never freezes.
//
// Variance decomposition: with market volatility σm, a symbol of volatility σ and beta β has
// market correlation ρ = β·σm/σ, so its diffusion σ·(ρ·Zm + √(1−ρ²)·Zi) has systematic part β·σm,
// idiosyncratic part √(σ² − β²σm²) and total variance exactly σ², as configured. A beta too
// large for the volatility (β·σm > σ) would need more variance than σ² allows; we keep σ and cap
// |ρ| at MAX_MARKET_CORRELATION, which lowers the effective beta but keeps some idiosyncratic noise.
import type { SymbolSpec } from '../types.ts';
import type { Rng } from './rng.ts';

/** One simulated trading day. */
export const SESSION_SECONDS = 6.5 * 3600;
/** The model's year is trading time only: 252 sessions. */
export const TRADING_SECONDS_PER_YEAR = 252 * SESSION_SECONDS;
/** Annualised volatility of the market factor, about that of a broad equity index. */
export const MARKET_VOLATILITY = 0.16;
export const MAX_MARKET_CORRELATION = 0.95;
/**
 * The overnight gap is a model step of this fraction of a session: empirically the close-to-open
 * move carries roughly a fifth to a third of a large cap's daily variance.
 */
export const OVERNIGHT_SESSION_FRACTION = 0.25;

/** Merton jumps in log price: a Poisson count per year, each N(mean, stdDev²). */
export interface JumpParams {
  intensity: number;
  mean: number;
  stdDev: number;
}

/** News jumps: a few a year, typically a few percent, slightly skewed to the downside. */
export const DEFAULT_JUMPS: JumpParams = Object.freeze({ intensity: 3, mean: -0.005, stdDev: 0.04 });

/** The per-symbol parameters the maths needs, derived once from a SymbolSpec. */
export interface SymbolModel {
  /** Annualised expected arithmetic return μ: E[S(t)] = S(0)·e^(μt), jumps included. */
  drift: number;
  /** Annualised diffusion volatility σ. */
  volatility: number;
  /** ρ, the correlation of the diffusion with the market factor. */
  marketCorrelation: number;
  jumps: JumpParams;
}

export function symbolModel(
  spec: SymbolSpec,
  marketVolatility: number = MARKET_VOLATILITY,
  jumps: JumpParams = DEFAULT_JUMPS,
): SymbolModel {
  const beta = spec.beta ?? 1;
  const raw = spec.volatility > 0 ? (beta * marketVolatility) / spec.volatility : 0;
  const marketCorrelation = Math.max(-MAX_MARKET_CORRELATION, Math.min(MAX_MARKET_CORRELATION, raw));
  return { drift: spec.drift, volatility: spec.volatility, marketCorrelation, jumps };
}

/** Simulated trading seconds per step: the scheduler period times the speed-up. */
export function stepSeconds(intervalMs: number, speed: number): number {
  return (intervalMs * speed) / 1000;
}

export function secondsToYears(seconds: number): number {
  return seconds / TRADING_SECONDS_PER_YEAR;
}

/** E[e^J] − 1: the mean relative size of a jump, which the drift must give back. */
export function jumpCompensator(jumps: JumpParams): number {
  return Math.expm1(jumps.mean + (jumps.stdDev * jumps.stdDev) / 2);
}

/** Drift of log price per year: Itô's −σ²/2 and the jump compensator keep E[S] growing at μ. */
function logDrift(model: SymbolModel): number {
  const { drift, volatility, jumps } = model;
  return drift - (volatility * volatility) / 2 - jumps.intensity * jumpCompensator(jumps);
}

/** E[log(S(t+dt)/S(t))] for a step of `dtYears`. */
export function expectedLogReturn(model: SymbolModel, dtYears: number): number {
  return (logDrift(model) + model.jumps.intensity * model.jumps.mean) * dtYears;
}

/** Var[log(S(t+dt)/S(t))]: diffusion σ²dt plus the compound-Poisson λdt·E[J²]. */
export function logReturnVariance(model: SymbolModel, dtYears: number): number {
  const { volatility, jumps } = model;
  const jumpSecondMoment = jumps.mean * jumps.mean + jumps.stdDev * jumps.stdDev;
  return (volatility * volatility + jumps.intensity * jumpSecondMoment) * dtYears;
}

/** Corr(log return, market factor draw) implied by the model for a step of `dtYears`. */
export function expectedMarketCorrelation(model: SymbolModel, dtYears: number): number {
  const systematic = model.marketCorrelation * model.volatility * Math.sqrt(dtYears);
  const total = Math.sqrt(logReturnVariance(model, dtYears));
  return total > 0 ? systematic / total : 0;
}

/**
 * Poisson sample by inversion with a single uniform, so the number of draws a step consumes does
 * not depend on the outcome's size. Exact for the means a step sees (well under 700).
 */
export function poisson(mean: number, rng: Rng): number {
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
 * One exact step of log price: (μ − σ²/2 − λk)dt + σ√dt·(ρZm + √(1−ρ²)Zi) + Σ jumps.
 * `marketZ` is the step's common N(0, 1) draw; the idiosyncratic part and the jumps come from `rng`.
 */
export function logReturn(model: SymbolModel, dtYears: number, marketZ: number, rng: Rng): number {
  const { volatility, marketCorrelation: rho, jumps } = model;
  const idiosyncraticZ = rng.normal();
  const z = rho * marketZ + Math.sqrt(1 - rho * rho) * idiosyncraticZ;
  let result = logDrift(model) * dtYears + volatility * Math.sqrt(dtYears) * z;
  const count = poisson(jumps.intensity * dtYears, rng);
  // n iid N(m, s²) jumps sum to N(n·m, n·s²): one draw whatever the count.
  if (count > 0) result += count * jumps.mean + jumps.stdDev * Math.sqrt(count) * rng.normal();
  return result;
}

/**
 * Money to integer cents. The 1e-9 nudge undoes float error from arithmetic (a price that should
 * be x.xx5 exactly but arrived as x.xx4999999) without moving any genuinely sub-cent price.
 */
export function toCents(amount: number): number {
  return Math.round(amount * 100 + (amount >= 0 ? 1e-9 : -1e-9));
}

/** Integer cents to money: n/100 is the double nearest the decimal, so JSON prints e.g. 189.42. */
export function fromCents(cents: number): number {
  return cents / 100 + 0; // + 0 turns −0 into 0
}

/** A quote on the cent grid, in integer cents. */
export interface QuoteCents {
  price: number;
  bid: number;
  ask: number;
}

/**
 * Emitted price, bid and ask for an unrounded `price` with a full spread of `spreadBps`. Bid and
 * ask are rounded outwards, so the quoted spread is never narrower than configured; since
 * floor(p − h) ≤ round(p) ≤ ceil(p + h), bid ≤ price ≤ ask always holds. A quote that would
 * collapse to one cent is widened by a cent on the ask side: a market is never locked or crossed.
 * Nothing trades below a cent.
 */
export function quoteCents(price: number, spreadBps: number): QuoteCents {
  const half = (price * spreadBps) / 20_000;
  const mid = Math.max(1, toCents(price));
  const bid = Math.max(1, Math.min(mid, Math.floor((price - half) * 100 + 1e-9)));
  let ask = Math.max(mid, Math.ceil((price + half) * 100 - 1e-9));
  if (ask <= bid) ask = bid + 1;
  return { price: mid, bid, ask };
}

const ODD_LOT_PROBABILITY = 0.1;
/** Pareto tail index of the number of round lots: P(lots ≥ n) = n^−α; most prints are 1–3 lots. */
const LOT_TAIL_INDEX = 1.5;
const MAX_LOTS = 2000;

/** One print's size in shares: mostly round lots of 100 with a heavy tail, sometimes an odd lot. */
export function tradeSize(rng: Rng): number {
  if (rng.uniform() < ODD_LOT_PROBABILITY) return 1 + Math.floor(rng.uniform() * 99);
  const lots = Math.floor((1 - rng.uniform()) ** (-1 / LOT_TAIL_INDEX));
  return Math.min(MAX_LOTS, lots) * 100;
}

/** Rounds to `decimals` places for emitted ratios (changePct); −0 becomes 0. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale + 0;
}

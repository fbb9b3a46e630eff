// The volatility regime of market model v2 as the engine steps through it: per symbol, the day's
// level D, the minute's level G, the volume activity A that follows them, and the jumps, all drawn
// from the activity streams on a fixed grid of market time (once per trading day, once per trading
// minute), never per model step, so the same seed gives the same regime at any --interval or
// --speed. The maths of each piece is in volatility.ts; this module owns the per-symbol scratch
// the step reads (`dayScale`, `minuteScale`, `activity`, `newsCompensation`, `jump`).
import type { SymbolSpec } from '../types.ts';
import { averageDailyVolume, meanQuoteLots, poissonCount } from './microstructure.ts';
import type { EngineState } from './market-state.ts';
import {
  TRADING_DAYS_PER_YEAR,
  ar1,
  intradayPersistence,
  marketCorrelation,
  meanOneMultiplier,
  mixFactor,
  newsCompensator,
  unitStudentT,
  varianceBudget,
  volMultiplier,
  type VarianceBudget,
  type VolatilityParams,
} from './volatility.ts';

/**
 * How strongly volume follows the volatility regime: A = e^(κd·h − κd²s_d²/2) · e^(κf·g − κf²s_f²/2)
 * (mean 1), so turbulent days and minutes trade more. κf is fixed at 1.5 (refreshIntraday).
 */
const VOLUME_FOLLOWS_DAILY_VOL = 0.5;
const VOLUME_FOLLOWS_INTRADAY_VOL = 1.5;

/** Derived, per-symbol constants. */
export interface SymbolModel {
  spec: SymbolSpec;
  budget: VarianceBudget;
  /** Correlation with the market draw, and √(1 − ρ²). */
  rho: number;
  rhoBar: number;
  dailyDrift: number;
  /** Average daily volume (shares) and mean displayed lots at the quote. */
  adv: number;
  meanLots: number;
}

export function symbolModel(spec: SymbolSpec, vol: VolatilityParams): SymbolModel {
  const rho = marketCorrelation(spec);
  const adv = averageDailyVolume(spec);
  return {
    spec,
    budget: varianceBudget(spec.volatility, vol),
    rho,
    rhoBar: Math.sqrt(1 - rho * rho),
    dailyDrift: spec.drift / TRADING_DAYS_PER_YEAR,
    adv,
    meanLots: meanQuoteLots(adv),
  };
}

export interface Regime {
  /** D per symbol: today's volatility level. */
  readonly dayScale: Float64Array;
  /** G per symbol: this minute's volatility level. */
  readonly minuteScale: Float64Array;
  /** A per symbol: the volume multiplier (mean 1). */
  readonly activity: Float64Array;
  /** Today's news compensator per unit of day weight (news sizes follow D). */
  readonly newsCompensation: Float64Array;
  /** Log-price jumps drawn since the last `jump.fill(0)` (the step clears it). */
  readonly jump: Float64Array;
  /** Recompute the scales from the state's regime (after a restore or a resume). */
  refresh(state: EngineState): void;
  /** The grid event of a new trading day: the regime moves one day; the closed span's jumps. */
  enterDay(state: EngineState, closedShare: number): void;
  /** The grid event of a new trading minute of `weight` of a day's variance. */
  enterMinute(state: EngineState, weight: number): void;
}

export function createRegime(models: readonly SymbolModel[], vol: VolatilityParams): Regime {
  const n = models.length;
  const intradayPhi = intradayPersistence(vol);
  const dayScale = new Float64Array(n);
  const minuteScale = new Float64Array(n);
  const activity = new Float64Array(n);
  const dailyActivity = new Float64Array(n);
  const newsCompensation = new Float64Array(n);
  const jump = new Float64Array(n);

  // G = e^(s·x − s²) and its volume multiplier e^(κs·x − κ²s²/2) = (e^(s·x))^κ · e^(−κ²s²/2), with
  // κ = 1.5 so one exp and one sqrt serve both (this runs per symbol per trading minute).
  const sf = vol.intradayLogVolSd;
  const gConstant = Math.exp(-sf * sf);
  const activityConstant = Math.exp(-((VOLUME_FOLLOWS_INTRADAY_VOL * sf) ** 2) / 2);

  function refreshDaily(state: EngineState): void {
    for (let i = 0; i < n; i++) {
      const x = mixFactor(state.clock.dailyMarket, state.symbols[i].dailyOwn, vol.marketShare);
      dayScale[i] = volMultiplier(x, vol.dailyLogVolSd);
      dailyActivity[i] = meanOneMultiplier(x, VOLUME_FOLLOWS_DAILY_VOL * vol.dailyLogVolSd);
      const b = models[i].budget;
      newsCompensation[i] = b.newsPerDay * newsCompensator(b.news, Math.sqrt(b.daily) * dayScale[i]);
    }
    refreshIntraday(state);
  }

  function refreshIntraday(state: EngineState): void {
    for (let i = 0; i < n; i++) {
      const e = Math.exp(sf * mixFactor(state.clock.intradayMarket, state.symbols[i].intradayOwn, vol.marketShare));
      minuteScale[i] = e * gConstant;
      activity[i] = dailyActivity[i] * e * Math.sqrt(e) * activityConstant;
    }
  }

  /** The jumps of `weight` of a day's variance at volatility scale `scale` (activity stream). */
  function drawJumps(state: EngineState, i: number, weight: number, scale: number): number {
    const rng = state.activityRngs[i];
    const b = models[i].budget;
    // One Poisson count for both kinds (cheap when, as nearly always, it is 0), then each jump is
    // news with probability newsRate / totalRate: the same law as two independent counts.
    const microRate = vol.microJumpsPerDay * weight;
    const newsRate = b.newsPerDay * weight;
    const count = poissonCount(microRate + newsRate, rng);
    let sum = 0;
    for (let j = 0; j < count; j++) {
      if (rng.uniform() * (microRate + newsRate) < newsRate) {
        sum += Math.sqrt(b.daily) * dayScale[i] * (b.news.mean + b.news.stdDev * rng.normal());
      } else sum += b.microJumpSd * scale * unitStudentT(rng, vol.microJumpDf, vol.microJumpBound);
    }
    return sum;
  }

  function enterDay(state: EngineState, closedShare: number): void {
    const { clock, symbols, activityRngs } = state;
    clock.dailyMarket = ar1(clock.dailyMarket, vol.dailyPersistence, state.marketActivity.normal());
    for (let i = 0; i < n; i++) {
      symbols[i].dailyOwn = ar1(symbols[i].dailyOwn, vol.dailyPersistence, activityRngs[i].normal());
    }
    refreshDaily(state);
    for (let i = 0; i < n; i++) jump[i] += drawJumps(state, i, closedShare, dayScale[i]);
  }

  function enterMinute(state: EngineState, weight: number): void {
    const { clock, symbols, activityRngs } = state;
    clock.intradayMarket = ar1(clock.intradayMarket, intradayPhi, state.marketActivity.normal());
    for (let i = 0; i < n; i++) {
      symbols[i].intradayOwn = ar1(symbols[i].intradayOwn, intradayPhi, activityRngs[i].normal());
    }
    refreshIntraday(state);
    for (let i = 0; i < n; i++) jump[i] += drawJumps(state, i, weight, dayScale[i] * minuteScale[i]);
  }

  return { dayScale, minuteScale, activity, newsCompensation, jump, refresh: refreshDaily, enterDay, enterMinute };
}

// What a market engine is built from, checked once at creation, and how a server's schedule
// (scheduler period, speed-up, events per wall-clock second) maps onto the engine's own terms.
import type { SymbolSpec } from '../types.ts';
import type { TradingHours } from './calendar.ts';
import type { VolatilityParams } from './volatility.ts';

export interface MarketOptions {
  universe: readonly SymbolSpec[];
  /** Any non-negative safe integer; all randomness derives from it. */
  seed: number;
  /** Simulated market seconds per step: interval × speed (see `marketStepSeconds`). */
  stepSeconds: number;
  /**
   * Trade and quote events per step at most (status events come on top, a few a day). May be a
   * fraction: under 3, steps save up until a symbol can report (see market.ts).
   */
  maxEventsPerStep: number;
  hours: TradingHours;
  /** `YYYY-MM-DD`: the tape starts at the first session of the first trading day on or after it. */
  startDate: string;
  /** Volatility-process parameters, for experiments; DEFAULT_VOLATILITY otherwise. */
  volatility?: Partial<VolatilityParams>;
}

/** A market driven by a scheduler: the server's terms (SPEC-8 options). */
export interface ScheduledMarketOptions {
  universe: readonly SymbolSpec[];
  seed: number;
  /** Scheduler period in ms (`--interval`). */
  intervalMs: number;
  /** Simulated seconds per real second (`--speed`). */
  speed: number;
  /** `--max-events-per-second`; MARKET_DEFAULTS.maxEventsPerSecond when absent. */
  maxEventsPerSecond?: number;
  /** `--hours`; MARKET_DEFAULTS.hours when absent. */
  hours?: TradingHours;
  /** `--start-date`; MARKET_DEFAULTS.startDate when absent. */
  startDate?: string;
}

/** The documented defaults of --max-events-per-second, --hours and --start-date. */
export const MARKET_DEFAULTS = Object.freeze({
  maxEventsPerSecond: 100,
  hours: 'regular' as TradingHours,
  /** A fixed date, so a seed gives the same tape whatever day it is run. */
  startDate: '2026-01-05',
});

/** Market seconds per step for a scheduler period and a speed-up. */
export function marketStepSeconds(intervalMs: number, speed: number): number {
  return (intervalMs * speed) / 1000;
}

/** The per-step event budget for a bound on events per wall-clock second: N × interval / 1000. */
export function eventsPerStep(maxEventsPerSecond: number, intervalMs: number): number {
  return (maxEventsPerSecond * intervalMs) / 1000;
}

/** The engine's options for a scheduled market. */
export function scheduledMarketOptions(opts: ScheduledMarketOptions): MarketOptions {
  return {
    universe: opts.universe,
    seed: opts.seed,
    stepSeconds: marketStepSeconds(opts.intervalMs, opts.speed),
    maxEventsPerStep: eventsPerStep(opts.maxEventsPerSecond ?? MARKET_DEFAULTS.maxEventsPerSecond, opts.intervalMs),
    hours: opts.hours ?? MARKET_DEFAULTS.hours,
    startDate: opts.startDate ?? MARKET_DEFAULTS.startDate,
  };
}

export function validateMarketOptions(opts: MarketOptions): void {
  if (!Number.isFinite(opts.stepSeconds) || opts.stepSeconds < 0.001) {
    throw new RangeError(`stepSeconds must be at least 0.001, got ${opts.stepSeconds}`);
  }
  if (!Number.isFinite(opts.maxEventsPerStep) || opts.maxEventsPerStep < 0.0001) {
    throw new RangeError(`maxEventsPerStep must be at least 0.0001, got ${opts.maxEventsPerStep}`);
  }
  if (opts.hours !== 'regular' && opts.hours !== 'extended') {
    throw new RangeError(`hours must be regular or extended, got ${String(opts.hours)}`);
  }
  if (opts.universe.length === 0) throw new RangeError('the universe must hold at least one symbol');
  const seen = new Set<string>();
  for (const spec of opts.universe) {
    if (seen.has(spec.symbol)) throw new RangeError(`duplicate symbol ${spec.symbol} in the universe`);
    seen.add(spec.symbol);
    if (!(spec.price > 0) || !(spec.volatility >= 0) || !(spec.spreadBps >= 0) || !Number.isFinite(spec.drift)) {
      throw new RangeError(`symbol ${spec.symbol} needs price > 0, volatility >= 0, spreadBps >= 0, finite drift`);
    }
  }
}

// The stylized facts of issue 8, each computed from a recorded tape (tape.ts) with the statistics
// of stats.ts. `npm run realism` prints them beside their targets; the tests assert the targets.
import type { SymbolSpec } from '../../backend/types.ts';
import { averageDailyVolume } from '../../backend/simulator/microstructure.ts';
import { acf, correlation, excessKurtosis, hillTailIndex, ljungBox, mean, median, rollSpread, variance } from './stats.ts';
import type { SymbolTape, Tape } from './tape.ts';

const LB_LAGS = 10;
const LB_ALPHA = 0.01;
const FULL_SESSION_MINUTES = 390;
/** Half-hours of the regular session; 11:30–14:00 is buckets 4–8. */
const HALF_HOURS = 13;
const MIDDAY = [4, 5, 6, 7, 8];

function concat(runs: number[][]): number[] {
  return runs.flat();
}

function dailyReturns(s: SymbolTape): number[] {
  const r: number[] = [];
  for (let i = 1; i < s.closes.length; i++) r.push(Math.log(s.closes[i] / s.closes[i - 1]));
  return r;
}

/** Max |ACF(r)| over lags 1..10, of each symbol (1 min) or of the cross-symbol mean (1 day). */
function maxAbsAcf(series: number[][], pooled: boolean): number {
  let worst = 0;
  for (let k = 1; k <= LB_LAGS; k++) {
    const values = series.map((r) => acf(r, k));
    const candidates = pooled ? [mean(values)] : values;
    for (const v of candidates) worst = Math.max(worst, Math.abs(v));
  }
  return worst;
}

export interface ClusteringFacts {
  /** Max |ACF(r)| at lags 1–10 (1 min: over symbols; 1 day: of the mean over symbols). */
  returnAcfMaxAbs: number;
  /** Median over symbols of ACF(|r|) at lag 1. */
  absAcfLag1: number;
  /** Smallest, over lags 1–20, of the median over symbols of ACF(|r|). */
  absAcfMinLag1to20: number;
  /** Symbols with Ljung-Box(10) on |r| at p < 0.01, of all. */
  ljungBoxSignificant: number;
  symbols: number;
  observations: number;
}

function clustering(series: number[][], pooledReturnAcf: boolean): ClusteringFacts {
  const abs = series.map((r) => r.map(Math.abs));
  let minLag = Infinity;
  for (let k = 1; k <= 20; k++) minLag = Math.min(minLag, median(abs.map((a) => acf(a, k))));
  return {
    returnAcfMaxAbs: maxAbsAcf(series, pooledReturnAcf),
    absAcfLag1: median(abs.map((a) => acf(a, 1))),
    absAcfMinLag1to20: minLag,
    ljungBoxSignificant: abs.filter((a) => ljungBox(a, LB_LAGS).p < LB_ALPHA).length,
    symbols: series.length,
    observations: series[0]?.length ?? 0,
  };
}

/** Clustering of one-minute midquote returns (sessions joined end to end). */
export function minuteClustering(tape: Tape): ClusteringFacts {
  return clustering(tape.symbols.map((s) => concat(s.minuteReturns)), false);
}

/** Clustering of close-to-close midquote returns. */
export function dailyClustering(tape: Tape): ClusteringFacts {
  return clustering(tape.symbols.map(dailyReturns), true);
}

export interface TailFacts {
  /** Median over (symbol, session) of the one-minute excess kurtosis within one session. */
  sessionKurtosisMedian: number;
  /** Share of (symbol, session) pairs with excess kurtosis ≥ 3. */
  sessionKurtosisAtLeast3: number;
  /** Hill tail index of the top 2 % of |1-min r| per symbol: median, min, max. */
  hill: { median: number; min: number; max: number };
}

export function minuteTails(tape: Tape): TailFacts {
  const kurtoses = tape.symbols.flatMap((s) => s.minuteReturns.filter((r) => r.length >= 60).map(excessKurtosis));
  const hills = tape.symbols.map((s) => hillTailIndex(concat(s.minuteReturns), 0.02));
  return {
    sessionKurtosisMedian: median(kurtoses),
    sessionKurtosisAtLeast3: kurtoses.filter((k) => k >= 3).length / kurtoses.length,
    hill: { median: median(hills), min: Math.min(...hills), max: Math.max(...hills) },
  };
}

/** Median over symbols of corr(|1-min r|, 1-min volume). */
export function volumeVolatilityCorrelation(tape: Tape): { median: number; min: number } {
  const values = tape.symbols.map((s) =>
    correlation(concat(s.minuteReturns).map(Math.abs), concat(s.minuteVolumes)),
  );
  return { median: median(values), min: Math.min(...values) };
}

export interface SpreadFacts {
  /** Share of printed regular-session trades at the bid or the ask (all symbols). */
  atQuote: number;
  /** Roll-implied spread / mean quoted spread at the trades, per symbol: median, min, max. */
  rollOverQuoted: { median: number; min: number; max: number };
  trades: number;
}

export function spreads(tape: Tape): SpreadFacts {
  let trades = 0;
  let atQuote = 0;
  const ratios = tape.symbols.map((s) => {
    trades += s.trades;
    atQuote += s.tradesAtQuote;
    return rollSpread(s.tradeRuns) / (s.quotedSpreadSum / s.trades);
  });
  return {
    atQuote: atQuote / trades,
    rollOverQuoted: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
    trades,
  };
}

export interface ProfileFacts {
  /** Per half-hour bucket, the share of volume and of realised variance over the 11:30–14:00 mean. */
  volume: number[];
  variance: number[];
}

/** Half-hour profile over full-length sessions, each symbol normalised to its own midday. */
export function halfHourProfile(tape: Tape): ProfileFacts {
  const volume = new Array<number>(HALF_HOURS).fill(0);
  const varianceSum = new Array<number>(HALF_HOURS).fill(0);
  for (const s of tape.symbols) {
    const v = new Array<number>(HALF_HOURS).fill(0);
    const r2 = new Array<number>(HALF_HOURS).fill(0);
    s.minuteReturns.forEach((returns, day) => {
      if (returns.length !== FULL_SESSION_MINUTES) return;
      returns.forEach((r, m) => {
        r2[Math.floor(m / 30)] += r * r;
        v[Math.floor(m / 30)] += s.minuteVolumes[day][m];
      });
    });
    const midV = mean(MIDDAY.map((b) => v[b]));
    const midR = mean(MIDDAY.map((b) => r2[b]));
    for (let b = 0; b < HALF_HOURS; b++) {
      volume[b] += v[b] / midV / tape.symbols.length;
      varianceSum[b] += r2[b] / midR / tape.symbols.length;
    }
  }
  return { volume, variance: varianceSum };
}

/** Annualised close-to-close volatility over the configured σ, per symbol: mean, min, max. */
export function closeToCloseVolatility(tape: Tape, universe: readonly SymbolSpec[]): { mean: number; min: number; max: number } {
  const ratios = tape.symbols.map((s, i) => Math.sqrt(variance(dailyReturns(s)) * 252) / universe[i].volatility);
  return { mean: mean(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** Mean regular-session volume over adv, per symbol. */
export function sessionVolumeOverAdv(tape: Tape, universe: readonly SymbolSpec[]): number[] {
  return tape.symbols.map((s, i) => mean(s.sessionVolumes) / averageDailyVolume(universe[i]));
}

// What the market engine carries from one step to the next, all of it in its checkpoint: the
// exchange clock, each symbol's prices and day statistics, the volatility regime's state and every
// generator's state. Parsing a checkpoint back is strict: a damaged one is refused by name rather
// than continued from half-valid state.
import type { SymbolSpec } from '../types.ts';
import type { TradingHours } from './calendar.ts';
import { MARKET_MODEL_VERSION, ModelVersionError } from './market-version.ts';
import { toCents } from './prices.ts';
import { isRngState, type Rng, type RngState } from './rng.ts';

/** One symbol's state. Money in integer cents except `price`, the unrounded efficient mid. */
export interface SymbolState {
  symbol: string;
  price: number;
  /** Pending admin shock, a price multiplier applied at the next step (1: none). */
  shock: number;
  prevClose: number;
  /** The day's prints (null until the first). */
  open: number | null;
  high: number | null;
  low: number | null;
  volume: number;
  /** Last print of today's regular session (0 before one): tomorrow's prevClose. */
  regularLast: number;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  /** Own parts of the daily and intraday log-volatility (unit normals). */
  dailyOwn: number;
  intradayOwn: number;
}

export interface ClockState {
  /** Market time (epoch ms) the next step starts from. */
  t: number;
  dayNumber: number;
  sessionIndex: number;
  /** Last grid minute of the session whose activity has been drawn (−1: none yet). */
  minute: number;
  /** The next step opens a session (emits its status first). */
  opening: boolean;
  /** ... and that session is the first of a new trading day. */
  newDay: boolean;
  steps: number;
  /**
   * Trade and quote events the next step may still carry over from earlier ones: with a budget
   * under 3 events a step (a fast --interval), steps save up for a symbol's quote, trade and quote.
   */
  allowance: number;
  /** Symbol reports made so far, which rotates the reporting window when not every symbol fits. */
  reported: number;
  /** Market-wide parts of the daily and intraday log-volatility (unit normals). */
  dailyMarket: number;
  intradayMarket: number;
}

/** The engine's whole mutable state; replaced as one on restore and resume. */
export interface EngineState {
  clock: ClockState;
  symbols: SymbolState[];
  /** The step streams draw what belongs to a step; the activity streams advance on the minute grid. */
  marketStep: Rng;
  marketActivity: Rng;
  stepRngs: Rng[];
  activityRngs: Rng[];
}

export interface Checkpoint {
  version: number;
  hours: TradingHours;
  clock: ClockState;
  marketStep: RngState;
  marketActivity: RngState;
  symbols: Array<SymbolState & { step: RngState; activity: RngState }>;
}

// Stream names: the v2- prefix keeps them apart from model 1's per-symbol streams of the same seed.
export const stepStreamName = (symbol: string) => `${symbol}\u0000v2-step`;
export const activityStreamName = (symbol: string) => `${symbol}\u0000v2-activity`;
export const MARKET_STEP_STREAM = '\u0000v2-market-step';
export const MARKET_ACTIVITY_STREAM = '\u0000v2-market-activity';

/** A symbol at its configured price, no quote yet, its regime drawn from the stationary law. */
export function freshSymbol(spec: SymbolSpec, activityRng: Rng): SymbolState {
  const cents = Math.max(1, toCents(spec.price));
  return {
    symbol: spec.symbol,
    price: spec.price,
    shock: 1,
    prevClose: cents,
    open: null,
    high: null,
    low: null,
    volume: 0,
    regularLast: 0,
    bid: 0,
    ask: 0,
    bidSize: 0,
    askSize: 0,
    dailyOwn: activityRng.normal(),
    intradayOwn: activityRng.normal(),
  };
}

/** A new trading day: no prints yet. prevClose is set apart (at the regular close, or on resume). */
export function startDayStats(s: SymbolState): void {
  s.open = s.high = s.low = null;
  s.volume = 0;
  s.regularLast = 0;
}

export function serializeCheckpoint(state: EngineState, hours: TradingHours): string {
  const data: Checkpoint = {
    version: MARKET_MODEL_VERSION,
    hours,
    clock: { ...state.clock },
    marketStep: state.marketStep.getState(),
    marketActivity: state.marketActivity.getState(),
    symbols: state.symbols.map((s, i) => ({
      ...s,
      step: state.stepRngs[i].getState(),
      activity: state.activityRngs[i].getState(),
    })),
  };
  return JSON.stringify(data);
}

export function invalidCheckpoint(reason: string): Error {
  return new Error(`invalid market checkpoint: ${reason}`);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The checkpoint in `text`, checked field by field. Throws ModelVersionError for another model's
 * (model 1's checkpoints carry `version: 1`; one without a version is taken for model 1 too).
 */
export function parseCheckpoint(text: string, hours: TradingHours): Checkpoint {
  let data: Checkpoint;
  try {
    data = JSON.parse(text) as Checkpoint;
  } catch {
    throw invalidCheckpoint('not JSON');
  }
  if (typeof data !== 'object' || data === null) throw invalidCheckpoint('not an object');
  const version: unknown = data.version ?? 1;
  if (!Number.isSafeInteger(version)) throw invalidCheckpoint(`bad version ${JSON.stringify(version)}`);
  if (version !== MARKET_MODEL_VERSION) throw new ModelVersionError(version as number);
  if (data.hours !== hours) throw invalidCheckpoint(`written with --hours ${String(data.hours)}, not ${hours}`);
  const c = data.clock;
  const clockOk =
    typeof c === 'object' &&
    c !== null &&
    [c.t, c.dayNumber, c.sessionIndex, c.minute, c.steps, c.allowance, c.reported, c.dailyMarket, c.intradayMarket].every(isNumber) &&
    typeof c.opening === 'boolean' &&
    typeof c.newDay === 'boolean';
  if (!clockOk) throw invalidCheckpoint('bad clock');
  if (!isRngState(data.marketStep) || !isRngState(data.marketActivity)) {
    throw invalidCheckpoint('bad market generator state');
  }
  if (!Array.isArray(data.symbols)) throw invalidCheckpoint('symbols is not an array');
  for (const s of data.symbols) {
    const ok =
      typeof s?.symbol === 'string' &&
      [s.price, s.shock, s.prevClose, s.volume, s.regularLast, s.bid, s.ask, s.bidSize, s.askSize, s.dailyOwn, s.intradayOwn].every(
        isNumber,
      ) &&
      [s.open, s.high, s.low].every((v) => v === null || isNumber(v)) &&
      isRngState(s.step) &&
      isRngState(s.activity);
    if (!ok) throw invalidCheckpoint(`bad state for symbol ${String(s?.symbol)}`);
  }
  return data;
}

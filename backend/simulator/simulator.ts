// The simulator: one tick per symbol per step, in universe order, from the model in model.ts.
// It knows nothing of logs, buses or clocks: `ts` is only a stamp, and the path is a function of
// (seed, universe, step size, number of steps, shocks) alone.
//
// Sessions: a step that starts at or after 6.5 h of simulated time into the session opens a new
// one (so a session is ceil(6.5 h / Δt) steps). The new session's prevClose is the last emitted
// price; open, high, low and volume restart with its first tick, which also carries an overnight
// gap (a model step of OVERNIGHT_SESSION_FRACTION of a session) drawn from the same streams.
import type { SymbolSpec, Tick, TickDraft } from '../types.ts';
import {
  OVERNIGHT_SESSION_FRACTION,
  SESSION_SECONDS,
  fromCents,
  logReturn,
  quoteCents,
  roundTo,
  secondsToYears,
  stepSeconds,
  symbolModel,
  toCents,
  tradeSize,
  type SymbolModel,
} from './model.ts';
import { createRng, isRngState, marketStream, symbolStream, type Rng, type RngState } from './rng.ts';
import type { Simulator, SimulatorOptions } from './types.ts';
import { findSymbol } from './universe.ts';

const CHECKPOINT_VERSION = 1;
/** Tolerance for "6.5 h have elapsed" when Δt does not divide a session in binary floating point. */
const SESSION_EPSILON_SECONDS = 1e-6;
/** GBM never reaches zero, but shocks and float underflow could; a floor keeps log returns defined. */
const PRICE_FLOOR = 1e-6;
/** Prices stay where cents are exact integers (admin shocks could otherwise compound without bound). */
export const PRICE_CEILING = 1e9;

/** Mutable state of one symbol. Money in integer cents except `price`, which is unrounded. */
interface SymbolState {
  price: number;
  /** Last emitted price: the next session's prevClose. */
  last: number;
  prevClose: number;
  /** null until the session's first tick. */
  open: number | null;
  high: number | null;
  low: number | null;
  volume: number;
  /** Multiplier from admin shocks, applied at the next step. */
  shock: number;
  rng: Rng;
}

interface SimulatorState {
  /** Steps taken since creation (or since resumeFromTicks); informational. */
  steps: number;
  /** Steps taken in the current session. */
  sessionSteps: number;
  /** Separates the random streams of a path resumed from ticks from the original path. */
  epoch: number;
  market: Rng;
  symbols: Map<string, SymbolState>;
}

/** The serialised form: every SymbolState with its generator's state, plus the market's. */
interface CheckpointData {
  version: number;
  steps: number;
  sessionSteps: number;
  epoch: number;
  market: RngState;
  symbols: Array<Omit<SymbolState, 'rng'> & { symbol: string; rng: RngState }>;
}

function validateOptions(opts: SimulatorOptions): void {
  if (!Number.isFinite(opts.intervalMs) || opts.intervalMs < 0) {
    throw new RangeError(`intervalMs must be a non-negative number, got ${opts.intervalMs}`);
  }
  if (!Number.isFinite(opts.speed) || opts.speed < 0) {
    throw new RangeError(`speed must be a non-negative number, got ${opts.speed}`);
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

function freshSymbol(spec: SymbolSpec, seed: number, epoch: number): SymbolState {
  const cents = Math.max(1, toCents(spec.price));
  return {
    price: spec.price,
    last: cents,
    prevClose: cents,
    open: null,
    high: null,
    low: null,
    volume: 0,
    shock: 1,
    rng: createRng(symbolStream(seed, spec.symbol, epoch)),
  };
}

function freshState(universe: readonly SymbolSpec[], seed: number, epoch: number): SimulatorState {
  return {
    steps: 0,
    sessionSteps: 0,
    epoch,
    market: createRng(marketStream(seed, epoch)),
    symbols: new Map(universe.map((spec) => [spec.symbol, freshSymbol(spec, seed, epoch)])),
  };
}

function startSession(s: SymbolState): void {
  s.prevClose = s.last;
  s.open = s.high = s.low = null;
  s.volume = 0;
}

/** Advances one symbol's unrounded price and session statistics; returns its tick. */
function advanceSymbol(
  spec: SymbolSpec,
  model: SymbolModel,
  s: SymbolState,
  moves: { dtYears: number; marketZ: number; gap: { dtYears: number; marketZ: number } | null },
  ts: number,
): TickDraft {
  let logMove = Math.log(s.shock);
  s.shock = 1;
  if (moves.gap) logMove += logReturn(model, moves.gap.dtYears, moves.gap.marketZ, s.rng);
  logMove += logReturn(model, moves.dtYears, moves.marketZ, s.rng);
  s.price = Math.min(PRICE_CEILING, Math.max(PRICE_FLOOR, s.price * Math.exp(logMove)));

  const quote = quoteCents(s.price, spec.spreadBps);
  const size = tradeSize(s.rng);
  s.volume += size;
  s.open ??= quote.price;
  s.high = Math.max(s.high ?? quote.price, quote.price);
  s.low = Math.min(s.low ?? quote.price, quote.price);
  s.last = quote.price;

  const change = quote.price - s.prevClose;
  return {
    ts,
    symbol: spec.symbol,
    price: fromCents(quote.price),
    bid: fromCents(quote.bid),
    ask: fromCents(quote.ask),
    size,
    volume: s.volume,
    open: fromCents(s.open),
    high: fromCents(s.high),
    low: fromCents(s.low),
    prevClose: fromCents(s.prevClose),
    change: fromCents(change),
    changePct: roundTo((change / s.prevClose) * 100, 3),
  };
}

function serialise(state: SimulatorState): string {
  const data: CheckpointData = {
    version: CHECKPOINT_VERSION,
    steps: state.steps,
    sessionSteps: state.sessionSteps,
    epoch: state.epoch,
    market: state.market.getState(),
    symbols: [...state.symbols].map(([symbol, s]) => ({ ...s, symbol, rng: s.rng.getState() })),
  };
  return JSON.stringify(data);
}

function invalidCheckpoint(reason: string): Error {
  return new Error(`invalid simulator checkpoint: ${reason}`);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isCentsOrNull = (v: unknown): boolean => v === null || isCount(v);

function parseCheckpoint(text: string): CheckpointData {
  let data: CheckpointData;
  try {
    data = JSON.parse(text) as CheckpointData;
  } catch {
    throw invalidCheckpoint('not JSON');
  }
  if (typeof data !== 'object' || data === null) throw invalidCheckpoint('not an object');
  if (data.version !== CHECKPOINT_VERSION) throw invalidCheckpoint(`unsupported version ${data.version}`);
  if (!isCount(data.steps) || !isCount(data.sessionSteps) || !isCount(data.epoch)) {
    throw invalidCheckpoint('bad step counters');
  }
  if (!isRngState(data.market)) throw invalidCheckpoint('bad market generator state');
  if (!Array.isArray(data.symbols)) throw invalidCheckpoint('symbols is not an array');
  for (const s of data.symbols) {
    const ok =
      typeof s?.symbol === 'string' &&
      isPositive(s.price) &&
      isPositive(s.shock) &&
      isCount(s.last) &&
      isCount(s.prevClose) &&
      s.prevClose > 0 &&
      isCentsOrNull(s.open) &&
      isCentsOrNull(s.high) &&
      isCentsOrNull(s.low) &&
      isCount(s.volume) &&
      isRngState(s.rng);
    if (!ok) throw invalidCheckpoint(`bad state for symbol ${String(s?.symbol)}`);
  }
  return data;
}

/** Rebuilds state for `universe`; symbols missing from the checkpoint start fresh, extras are dropped. */
function stateFromCheckpoint(data: CheckpointData, universe: readonly SymbolSpec[], seed: number): SimulatorState {
  const saved = new Map(data.symbols.map((s) => [s.symbol, s]));
  const symbols = new Map<string, SymbolState>();
  for (const spec of universe) {
    const s = saved.get(spec.symbol);
    symbols.set(spec.symbol, s ? { ...s, rng: createRng(s.rng) } : freshSymbol(spec, seed, data.epoch));
  }
  return {
    steps: data.steps,
    sessionSteps: data.sessionSteps,
    epoch: data.epoch,
    market: createRng(data.market),
    symbols,
  };
}

/**
 * Continues each symbol from its newest tick. The unrounded price is lost, so the path continues
 * from the emitted price; the session clock restarts (the resumed session runs a full 6.5 h) and
 * pending shocks are dropped. Streams are re-keyed by the newest tick id, so the continuation is
 * deterministic for a given log but does not replay the randomness the original run began with.
 */
function stateFromTicks(latest: Tick[], universe: readonly SymbolSpec[], seed: number): SimulatorState {
  const epoch = latest.reduce((max, tick) => Math.max(max, tick.id), 0);
  const state = freshState(universe, seed, epoch);
  const newest = new Map(latest.map((tick) => [tick.symbol, tick]));
  for (const [symbol, s] of state.symbols) {
    const tick = newest.get(symbol);
    if (!tick) continue;
    s.price = Math.max(PRICE_FLOOR, tick.price);
    s.last = Math.max(1, toCents(tick.price));
    s.prevClose = Math.max(1, toCents(tick.prevClose));
    s.open = toCents(tick.open);
    s.high = toCents(tick.high);
    s.low = toCents(tick.low);
    s.volume = tick.volume;
  }
  return state;
}

export function createSimulator(opts: SimulatorOptions): Simulator {
  validateOptions(opts);
  const universe: readonly SymbolSpec[] = Object.freeze(opts.universe.map((spec) => ({ ...spec })));
  const models = new Map(universe.map((spec) => [spec.symbol, symbolModel(spec)]));
  const dtSeconds = stepSeconds(opts.intervalMs, opts.speed);
  const dtYears = secondsToYears(dtSeconds);
  const gapYears = secondsToYears(SESSION_SECONDS * OVERNIGHT_SESSION_FRACTION);
  let state = freshState(universe, opts.seed, 0);

  function sessionOver(): boolean {
    return state.sessionSteps > 0 && state.sessionSteps * dtSeconds >= SESSION_SECONDS - SESSION_EPSILON_SECONDS;
  }

  function step(ts: number): TickDraft[] {
    // Market draws come first and in a fixed order, independent of the universe.
    const gap = sessionOver() ? { dtYears: gapYears, marketZ: state.market.normal() } : null;
    const moves = { dtYears, marketZ: state.market.normal(), gap };
    if (gap) {
      state.sessionSteps = 0;
      for (const s of state.symbols.values()) startSession(s);
    }
    const ticks = universe.map((spec) =>
      advanceSymbol(spec, models.get(spec.symbol)!, state.symbols.get(spec.symbol)!, moves, ts),
    );
    state.steps += 1;
    state.sessionSteps += 1;
    return ticks;
  }

  /** Case-insensitive, like the stream's symbol filter. */
  function shock(symbol: string, pct: number): void {
    const spec = findSymbol(universe, symbol);
    const s = spec && state.symbols.get(spec.symbol);
    if (!s) throw new Error(`cannot shock unknown symbol ${JSON.stringify(symbol)}`);
    if (!Number.isFinite(pct) || pct <= -100) {
      throw new RangeError(`shock pct must be a finite number above -100, got ${pct}`);
    }
    const shock = s.shock * (1 + pct / 100);
    if (s.price * shock > PRICE_CEILING) {
      throw new RangeError(`a shock of ${pct}% would take ${spec.symbol} above ${PRICE_CEILING} per share`);
    }
    s.shock = shock;
  }

  return {
    universe,
    step,
    shock,
    checkpoint: () => serialise(state),
    restore(checkpoint: string) {
      state = stateFromCheckpoint(parseCheckpoint(checkpoint), universe, opts.seed);
    },
    resumeFromTicks(latest: Tick[]) {
      state = stateFromTicks(latest, universe, opts.seed);
    },
  };
}

// Market model v2: an exchange clock, stochastic volatility, trades and quotes as separate events.
// Pure like model v1: it knows no log, bus or wall clock; `ts` is only a stamp, and the tape is a
// function of (seed, universe, options, number of steps, shocks) alone.
//
// Time. The engine keeps simulated New York time (`calendar.ts`). Each step advances it by the
// model step (interval × speed) within the current session, stopping short at the session's end;
// the next step opens the next session. Closed time (nights, weekends, holidays) is skipped: the
// tape goes from one day's last session straight to the next trading day's first, and that day's
// first step carries the closed span's share of variance as one overnight move.
//
// Two kinds of randomness, from separate streams (rng.ts, keyed by seed and name):
// - the *activity* streams advance on a fixed grid of market time (once per trading day, once per
//   trading minute): the volatility regime, the volume intensity and every jump. They never see
//   the model step, so the same seed gives the same regime, the same jumps and (up to the count of
//   prints) the same volume at any --interval or --speed;
// - the *step* streams draw what belongs to a step: the diffusion, the prints and the quotes.
//
// Volume. A step's expected volume is adv × Σ over its minutes of (the minute's share of adv ×
// overlap × activity A), so session volume adds up to adv × E[A] = adv whatever the step; the
// number of prints in the step is Poisson with that mean over the mean print size, and the step's
// volume is their total (the printed ones drawn one by one, the rest as one gamma draw with the
// exact mean and variance of their sum). Only a bounded sample of prints reaches the tape (`maxEventsPerStep`);
// `volume` counts them all.
//
// Over ~350 lines for now: the engine's step, checkpoint and restore share one closure over the
// symbols' state; it is to be split along those lines when it replaces simulator.ts (issue 8).
import type { MarketEventDraft, MarketSession, QuoteEvent, StatusEvent, SymbolSpec, TradeTick } from '../types.ts';
import {
  firstTradingDayFrom,
  formatMarketTime,
  nextTradingDay,
  tradingDay,
  type TradingDay,
  type TradingHours,
} from './calendar.ts';
import {
  MIDPOINT_SHARE,
  SPREAD_NOISE_SD,
  TRADE_SIZE_MEAN,
  averageDailyVolume,
  dayProfile,
  meanQuoteLots,
  poissonCount,
  quoteCents,
  quoteSize,
  tradeSide,
  tradeSize,
  unseenVolume,
  type DayProfile,
} from './microstructure.ts';
import { fromCents, roundTo, symbolModel, toCents } from './model.ts';
import { createRng, isRngState, symbolStream, type Rng, type RngState } from './rng.ts';
import {
  DEFAULT_VOLATILITY,
  TRADING_DAYS_PER_YEAR,
  ar1,
  intradayPersistence,
  meanOneMultiplier,
  mixFactor,
  newsCompensator,
  unitStudentT,
  varianceBudget,
  volMultiplier,
  type VarianceBudget,
  type VolatilityParams,
} from './volatility.ts';

/** Recorded in every checkpoint; model v1 is simulator.ts (one mid-priced tick per symbol per step). */
export const MARKET_MODEL_VERSION = 2;

/**
 * How strongly volume follows the volatility regime: A = e^(κd·h − κd²s_d²/2) · e^(κf·g − κf²s_f²/2)
 * (mean 1), so turbulent days and minutes trade more. κf is fixed at 1.5 (refreshIntradayScales).
 */
const VOLUME_FOLLOWS_DAILY_VOL = 0.5;
const VOLUME_FOLLOWS_INTRADAY_VOL = 1.5;
/** The spread widens with the square root of the intraday volatility level. */
const SPREAD_FOLLOWS_INTRADAY_VOL = 0.5;
const PRICE_FLOOR = 0.01;
const PRICE_CEILING = 1e9;
const MINUTE_MS = 60_000;

export interface MarketOptions {
  universe: readonly SymbolSpec[];
  /** Any non-negative safe integer; all randomness derives from it. */
  seed: number;
  /** Simulated market seconds per step: interval × speed (see `marketStepSeconds`). */
  stepSeconds: number;
  /** At most this many trade and quote events per step (status events come on top, a few a day). */
  maxEventsPerStep: number;
  hours: TradingHours;
  /** `YYYY-MM-DD`: the tape starts at the first session of the first trading day on or after it. */
  startDate: string;
  /** Volatility-process parameters, for experiments; DEFAULT_VOLATILITY otherwise. */
  volatility?: Partial<VolatilityParams>;
}

export interface Market {
  readonly universe: readonly SymbolSpec[];
  /** The next step's events, stamped `ts`, in market-time order. */
  step(ts: number): MarketEventDraft[];
  /** Simulated market time (epoch ms) the next step starts from. */
  now(): number;
  /** The session the next step trades in ('closed' never: closed time is skipped). */
  session(): MarketSession;
  /** Move `symbol`'s price by `pct` percent at the next step (admin news shock). */
  shock(symbol: string, pct: number): void;
  /** The whole state as a string, with the model version. */
  checkpoint(): string;
  /** Continue exactly where `checkpoint()` left off (same events, id for id). */
  restore(checkpoint: string): void;
}

/** Market seconds per step for a scheduler period and a speed-up, as model v1 defines it. */
export function marketStepSeconds(intervalMs: number, speed: number): number {
  return (intervalMs * speed) / 1000;
}

/** The per-step event budget for a bound on events per wall-clock second. */
export function eventsPerStep(maxEventsPerSecond: number, intervalMs: number): number {
  return Math.max(1, Math.floor((maxEventsPerSecond * intervalMs) / 1000));
}

/** One symbol's state. Money in integer cents except `price`, the unrounded efficient mid. */
interface SymbolState {
  symbol: string;
  price: number;
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

interface ClockState {
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
  dailyMarket: number;
  intradayMarket: number;
}

interface Checkpoint {
  version: number;
  hours: TradingHours;
  clock: ClockState;
  marketStep: RngState;
  marketActivity: RngState;
  symbols: Array<SymbolState & { step: RngState; activity: RngState }>;
}

/** Derived, per-symbol constants. */
interface SymbolModel {
  spec: SymbolSpec;
  budget: VarianceBudget;
  rho: number;
  rhoBar: number;
  dailyDrift: number;
  adv: number;
  meanLots: number;
}

function validate(opts: MarketOptions): void {
  if (!Number.isFinite(opts.stepSeconds) || opts.stepSeconds < 0.001) {
    throw new RangeError(`stepSeconds must be at least 0.001, got ${opts.stepSeconds}`);
  }
  if (!Number.isSafeInteger(opts.maxEventsPerStep) || opts.maxEventsPerStep < 1) {
    throw new RangeError(`maxEventsPerStep must be a positive integer, got ${opts.maxEventsPerStep}`);
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

const stepStreamName = (symbol: string) => `${symbol}\u0000v2-step`;
const activityStreamName = (symbol: string) => `${symbol}\u0000v2-activity`;
const MARKET_STEP = '\u0000v2-market-step';
const MARKET_ACTIVITY = '\u0000v2-market-activity';

export function createMarket(opts: MarketOptions): Market {
  validate(opts);
  const universe: readonly SymbolSpec[] = Object.freeze(opts.universe.map((spec) => ({ ...spec })));
  const vol: VolatilityParams = { ...DEFAULT_VOLATILITY, ...opts.volatility };
  const intradayPhi = intradayPersistence(vol);
  const stepMs = Math.max(1, Math.round(opts.stepSeconds * 1000));
  const n = universe.length;
  const models: SymbolModel[] = universe.map((spec) => {
    const budget = varianceBudget(spec.volatility, vol);
    const rho = symbolModel(spec).marketCorrelation;
    const adv = averageDailyVolume(spec);
    return {
      spec,
      budget,
      rho,
      rhoBar: Math.sqrt(1 - rho * rho),
      dailyDrift: spec.drift / TRADING_DAYS_PER_YEAR,
      adv,
      meanLots: meanQuoteLots(adv),
    };
  });

  // Per-step budget: every symbol gets `cap` prints (each followed by a quote, plus one quote for
  // the step's move); with too small a budget, a rotating window of symbols reports each step.
  const budget = opts.maxEventsPerStep;
  const everySymbol = budget >= 3 * n;
  const cap = everySymbol ? Math.floor((budget - n) / (2 * n)) : budget >= 3 ? 1 : 0;
  const window = everySymbol ? n : Math.max(1, Math.floor(budget / 3));

  // Scratch per step, reused.
  const weightedG2 = new Float64Array(n);
  const volumeMean = new Float64Array(n);
  const jump = new Float64Array(n);
  const dayScale = new Float64Array(n);
  const minuteScale = new Float64Array(n);
  const activity = new Float64Array(n);
  const dailyActivity = new Float64Array(n);
  /** Today's news compensator per unit of day weight (news sizes follow D). */
  const newsCompensation = new Float64Array(n);
  const perSymbol: Array<Array<Omit<TradeTick, 'id'> | Omit<QuoteEvent, 'id'>>> = universe.map(() => []);

  let clock: ClockState;
  let symbols: SymbolState[];
  let marketStep: Rng;
  let marketActivity: Rng;
  let stepRngs: Rng[];
  let activityRngs: Rng[];
  let day: TradingDay;
  let profile: DayProfile;

  function setDay(d: TradingDay): void {
    day = d;
    profile = dayProfile(d, opts.hours);
  }

  function fresh(): void {
    const first = firstTradingDayFrom(opts.startDate, opts.hours);
    marketStep = createRng(symbolStream(opts.seed, MARKET_STEP));
    marketActivity = createRng(symbolStream(opts.seed, MARKET_ACTIVITY));
    stepRngs = universe.map((s) => createRng(symbolStream(opts.seed, stepStreamName(s.symbol))));
    activityRngs = universe.map((s) => createRng(symbolStream(opts.seed, activityStreamName(s.symbol))));
    // The regime starts from its stationary law, so a fresh tape is not calmer than a long one.
    clock = {
      t: first.sessions[0].start,
      dayNumber: first.dayNumber,
      sessionIndex: 0,
      minute: -1,
      opening: true,
      newDay: true,
      steps: 0,
      dailyMarket: marketActivity.normal(),
      intradayMarket: marketActivity.normal(),
    };
    symbols = universe.map((spec, i) => freshSymbol(spec, activityRngs[i]));
    setDay(first);
    refreshDailyScales();
  }

  function freshSymbol(spec: SymbolSpec, activityRng: Rng): SymbolState {
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

  function refreshDailyScales(): void {
    for (let i = 0; i < n; i++) {
      const x = mixFactor(clock.dailyMarket, symbols[i].dailyOwn, vol.marketShare);
      dayScale[i] = volMultiplier(x, vol.dailyLogVolSd);
      dailyActivity[i] = meanOneMultiplier(x, VOLUME_FOLLOWS_DAILY_VOL * vol.dailyLogVolSd);
      const b = models[i].budget;
      newsCompensation[i] = b.newsPerDay * newsCompensator(b.news, Math.sqrt(b.daily) * dayScale[i]);
    }
    refreshIntradayScales();
  }

  // G = e^(s·x − s²) and its volume multiplier e^(κs·x − κ²s²/2) = (e^(s·x))^κ · e^(−κ²s²/2), with
  // κ = 1.5 so one exp and one sqrt serve both (this runs per symbol per trading minute).
  const sf = vol.intradayLogVolSd;
  const gConstant = Math.exp(-sf * sf);
  const activityConstant = Math.exp(-((VOLUME_FOLLOWS_INTRADAY_VOL * sf) ** 2) / 2);

  function refreshIntradayScales(): void {
    for (let i = 0; i < n; i++) {
      const e = Math.exp(sf * mixFactor(clock.intradayMarket, symbols[i].intradayOwn, vol.marketShare));
      minuteScale[i] = e * gConstant;
      activity[i] = dailyActivity[i] * e * Math.sqrt(e) * activityConstant;
    }
  }

  /** Draws the jumps of `weight` of a day's variance at volatility scale `scale` (activity stream). */
  function drawJumps(i: number, weight: number, scale: number): number {
    const rng = activityRngs[i];
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

  /** The grid event of a new trading day: the regime moves one day, the closed span's jumps. */
  function enterDay(): void {
    clock.dailyMarket = ar1(clock.dailyMarket, vol.dailyPersistence, marketActivity.normal());
    for (let i = 0; i < n; i++) {
      symbols[i].dailyOwn = ar1(symbols[i].dailyOwn, vol.dailyPersistence, activityRngs[i].normal());
    }
    refreshDailyScales();
    for (let i = 0; i < n; i++) jump[i] += drawJumps(i, profile.closedShare, dayScale[i]);
  }

  /** The grid event of a new trading minute: the intraday regime moves, the minute's jumps. */
  function enterMinute(weight: number): void {
    clock.intradayMarket = ar1(clock.intradayMarket, intradayPhi, marketActivity.normal());
    for (let i = 0; i < n; i++) {
      symbols[i].intradayOwn = ar1(symbols[i].intradayOwn, intradayPhi, activityRngs[i].normal());
    }
    refreshIntradayScales();
    for (let i = 0; i < n; i++) jump[i] += drawJumps(i, weight, dayScale[i] * minuteScale[i]);
  }

  function startDayStats(s: SymbolState): void {
    s.open = s.high = s.low = null;
    s.volume = 0;
    s.regularLast = 0;
  }

  function status(ts: number, at: number, session: MarketSession): Omit<StatusEvent, 'id'> {
    return { ts, marketTime: formatMarketTime(at, day), session, kind: 'status' };
  }

  function step(ts: number): MarketEventDraft[] {
    const out: MarketEventDraft[] = [];
    let sessionProfile = profile.sessions[clock.sessionIndex];
    const span = sessionProfile.span;
    weightedG2.fill(0);
    volumeMean.fill(0);
    jump.fill(0);
    let weight = 0;

    let openingCross = false;
    if (clock.opening) {
      out.push(status(ts, span.start, span.session));
      clock.opening = false;
      if (clock.newDay) {
        openingCross = true;
        clock.newDay = false;
        enterDay();
        // The closed span: its share of the day's variance at G = 1, as one move.
        weight += profile.closedShare;
        for (let i = 0; i < n; i++) {
          weightedG2[i] += profile.closedShare;
          startDayStats(symbols[i]);
        }
      }
    }

    // Walk the step's one-minute cells: activity is drawn as each minute is entered. A day's first
    // step is its opening cross: the closed span's move and the opening quotes, taking no time, so
    // the first minute's return is the first minute's and not the night's.
    const t0 = clock.t;
    const t1 = openingCross ? t0 : Math.min(t0 + stepMs, span.end);
    let lastMinute = 0;
    for (let c = t0; c < t1; ) {
      const m = Math.floor((c - span.start) / MINUTE_MS);
      const cellEnd = Math.min(span.start + (m + 1) * MINUTE_MS, t1);
      if (m > clock.minute) {
        clock.minute = m;
        enterMinute(sessionProfile.variance[m]);
      }
      const frac = (cellEnd - c) / MINUTE_MS;
      const w = sessionProfile.variance[m] * frac;
      const v = sessionProfile.volume[m] * frac;
      weight += w;
      for (let i = 0; i < n; i++) {
        const g = minuteScale[i];
        weightedG2[i] += w * g * g;
        volumeMean[i] += v * activity[i];
      }
      lastMinute = m;
      c = cellEnd;
    }
    const spreadShape = sessionProfile.spread[lastMinute];

    // The step's price moves: one market draw, then each symbol in universe order.
    const marketZ = marketStep.normal();
    const first = everySymbol ? 0 : (clock.steps * window) % n;
    for (let i = 0; i < n; i++) {
      const s = symbols[i];
      const model = models[i];
      const rng = stepRngs[i];
      const d2 = dayScale[i] * dayScale[i];
      const diffusionVar = model.budget.diffusion * d2 * weightedG2[i];
      // Itô and jump compensators: −½ of the expected diffusion and micro-jump variance, and the
      // news jumps' E[e^J] − 1, so E[S] grows at the configured drift.
      const microJumpVar = vol.microJumpsPerDay * model.budget.microJumpSd ** 2 * d2 * weightedG2[i];
      const nonNewsVar = diffusionVar + microJumpVar;
      const drift = (model.dailyDrift - newsCompensation[i]) * weight - nonNewsVar / 2;
      const z = model.rho * marketZ + model.rhoBar * rng.normal();
      let move = drift + Math.sqrt(diffusionVar) * z + jump[i];
      if (s.shock !== 1) {
        move += Math.log(s.shock);
        s.shock = 1;
      }
      s.price = Math.min(PRICE_CEILING, Math.max(PRICE_FLOOR, s.price * Math.exp(move)));

      // The quote after the move.
      const noise = Math.exp(SPREAD_NOISE_SD * rng.normal() - (SPREAD_NOISE_SD * SPREAD_NOISE_SD) / 2);
      const spread =
        ((s.price * model.spec.spreadBps) / 10_000) * spreadShape * minuteScale[i] ** SPREAD_FOLLOWS_INTRADAY_VOL * noise;
      const q = quoteCents(s.price, spread);
      let quoteChanged = false;
      if (q.bid !== s.bid) {
        s.bid = q.bid;
        s.bidSize = quoteSize(rng, model.meanLots);
        quoteChanged = true;
      }
      if (q.ask !== s.ask) {
        s.ask = q.ask;
        s.askSize = quoteSize(rng, model.meanLots);
        quoteChanged = true;
      }

      // The step's prints: Poisson in number, every one counted, the first `k` on the tape.
      const reports = everySymbol || (i - first + n) % n < window;
      const count = poissonCount((model.adv * volumeMean[i]) / TRADE_SIZE_MEAN, rng);
      const k = reports ? Math.min(count, cap) : 0;
      const unprinted = count - k;
      if (unprinted > 0) s.volume += unseenVolume(rng, unprinted);
      const events = perSymbol[i];
      events.length = 0;
      if (!reports) {
        if (span.session === 'regular' && count > 0) s.regularLast = toCents(s.price);
        continue;
      }
      if (quoteChanged || k > 0) events.push(quote(ts, s, span.session));
      for (let j = 0; j < k; j++) {
        events.push(trade(ts, s, model, rng, span.session));
        events.push(quote(ts, s, span.session));
      }
    }

    // Interleave symbols round-robin and spread the events over the step in market time.
    let total = 0;
    for (let i = 0; i < n; i++) total += perSymbol[i].length;
    const base = out.length;
    for (let round = 0; out.length - base < total; round++) {
      for (let i = 0; i < n; i++) if (round < perSymbol[i].length) out.push(perSymbol[i][round]);
    }
    const duration = t1 - t0;
    for (let j = base; j < out.length; j++) {
      out[j].marketTime = formatMarketTime(t0 + Math.floor(((j - base + 0.5) * duration) / total), day);
    }

    clock.t = t1;
    clock.steps += 1;
    if (t1 >= span.end) endSession(ts, out);
    return out;
  }

  function quote(ts: number, s: SymbolState, session: MarketSession): Omit<QuoteEvent, 'id'> {
    return {
      ts,
      marketTime: '',
      session,
      symbol: s.symbol,
      bid: fromCents(s.bid),
      ask: fromCents(s.ask),
      bidSize: s.bidSize,
      askSize: s.askSize,
      kind: 'quote',
    };
  }

  function trade(ts: number, s: SymbolState, model: SymbolModel, rng: Rng, session: MarketSession): Omit<TradeTick, 'id'> {
    const side = tradeSide(rng);
    const size = tradeSize(rng);
    const priceCents = side === 1 ? s.ask : side === -1 ? s.bid : (s.bid + s.ask) / 2;
    s.volume += size;
    s.open ??= priceCents;
    s.high = s.high === null ? priceCents : Math.max(s.high, priceCents);
    s.low = s.low === null ? priceCents : Math.min(s.low, priceCents);
    if (session === 'regular') s.regularLast = priceCents;
    const change = priceCents - s.prevClose;
    const tick: Omit<TradeTick, 'id'> = {
      ts,
      symbol: s.symbol,
      price: fromCents(priceCents),
      bid: fromCents(s.bid),
      ask: fromCents(s.ask),
      size,
      volume: s.volume,
      open: fromCents(s.open),
      high: fromCents(s.high),
      low: fromCents(s.low),
      prevClose: fromCents(s.prevClose),
      change: roundTo(change / 100, 4),
      changePct: roundTo((change / s.prevClose) * 100, 3),
      marketTime: '',
      bidSize: s.bidSize,
      askSize: s.askSize,
      session,
      kind: 'tick',
    };
    // The print takes displayed shares; an emptied level is refilled by the next order in line.
    const lots = Math.ceil(size / 100) * 100;
    if (side === 1) s.askSize = s.askSize > lots ? s.askSize - lots : quoteSize(rng, model.meanLots);
    else if (side === -1) s.bidSize = s.bidSize > lots ? s.bidSize - lots : quoteSize(rng, model.meanLots);
    return tick;
  }

  /** The step ended its session: open the next one, or close the day and skip to the next. */
  function endSession(ts: number, out: MarketEventDraft[]): void {
    const span = profile.sessions[clock.sessionIndex].span;
    if (span.session === 'regular') {
      for (const s of symbols) s.prevClose = s.regularLast || Math.max(1, toCents(s.price));
    }
    clock.minute = -1;
    clock.opening = true;
    if (clock.sessionIndex + 1 < profile.sessions.length) {
      clock.sessionIndex += 1;
      return;
    }
    out.push(status(ts, span.end, 'closed'));
    setDay(nextTradingDay(day.dayNumber, opts.hours));
    clock.dayNumber = day.dayNumber;
    clock.sessionIndex = 0;
    clock.newDay = true;
    clock.t = day.sessions[0].start;
  }

  function shock(symbol: string, pct: number): void {
    const wanted = symbol.toUpperCase();
    const s = symbols.find((x) => x.symbol.toUpperCase() === wanted);
    if (!s) throw new Error(`cannot shock unknown symbol ${JSON.stringify(symbol)}`);
    if (!Number.isFinite(pct) || pct <= -100) {
      throw new RangeError(`shock pct must be a finite number above -100, got ${pct}`);
    }
    const next = s.shock * (1 + pct / 100);
    if (s.price * next > PRICE_CEILING) {
      throw new RangeError(`a shock of ${pct}% would take ${s.symbol} above ${PRICE_CEILING} per share`);
    }
    s.shock = next;
  }

  function checkpoint(): string {
    const data: Checkpoint = {
      version: MARKET_MODEL_VERSION,
      hours: opts.hours,
      clock: { ...clock },
      marketStep: marketStep.getState(),
      marketActivity: marketActivity.getState(),
      symbols: symbols.map((s, i) => ({ ...s, step: stepRngs[i].getState(), activity: activityRngs[i].getState() })),
    };
    return JSON.stringify(data);
  }

  function restore(text: string): void {
    const data = parseCheckpoint(text, opts.hours);
    const saved = new Map(data.symbols.map((s) => [s.symbol, s]));
    const d = tradingDay(data.clock.dayNumber, opts.hours);
    if (!d || data.clock.sessionIndex >= d.sessions.length) throw invalid('clock is not on a trading session');
    clock = { ...data.clock };
    marketStep = createRng(data.marketStep);
    marketActivity = createRng(data.marketActivity);
    stepRngs = [];
    activityRngs = [];
    symbols = universe.map((spec) => {
      const s = saved.get(spec.symbol);
      if (s) {
        const { step: stepState, activity: activityState, ...rest } = s;
        stepRngs.push(createRng(stepState));
        activityRngs.push(createRng(activityState));
        return rest;
      }
      // New to the universe: fresh streams, joining the market where it is.
      stepRngs.push(createRng(symbolStream(opts.seed, stepStreamName(spec.symbol))));
      activityRngs.push(createRng(symbolStream(opts.seed, activityStreamName(spec.symbol))));
      return freshSymbol(spec, activityRngs[activityRngs.length - 1]);
    });
    setDay(d);
    refreshDailyScales();
  }

  fresh();
  return {
    universe,
    step,
    now: () => clock.t,
    session: () => profile.sessions[clock.sessionIndex].span.session,
    shock,
    checkpoint,
    restore,
    resumeFromEvents() {
      throw new Error('TEMPORARY: resumeFromEvents lands with the simulator branch');
    },
  };
}

function invalid(reason: string): Error {
  return new Error(`invalid market checkpoint: ${reason}`);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseCheckpoint(text: string, hours: TradingHours): Checkpoint {
  let data: Checkpoint;
  try {
    data = JSON.parse(text) as Checkpoint;
  } catch {
    throw invalid('not JSON');
  }
  if (typeof data !== 'object' || data === null) throw invalid('not an object');
  if (data.version !== MARKET_MODEL_VERSION) {
    throw new ModelVersionError(
      `this log was written by market model ${String(data.version ?? 1)}, and model ${MARKET_MODEL_VERSION} cannot continue its path: ` +
        'start a new log (another --db) or run the ticktape version that wrote it',
    );
  }
  if (data.hours !== hours) throw invalid(`written with --hours ${String(data.hours)}, not ${hours}`);
  const c = data.clock;
  const clockOk =
    typeof c === 'object' &&
    c !== null &&
    [c.t, c.dayNumber, c.sessionIndex, c.minute, c.steps, c.dailyMarket, c.intradayMarket].every(isNumber) &&
    typeof c.opening === 'boolean' &&
    typeof c.newDay === 'boolean';
  if (!clockOk) throw invalid('bad clock');
  if (!isRngState(data.marketStep) || !isRngState(data.marketActivity)) throw invalid('bad market generator state');
  if (!Array.isArray(data.symbols)) throw invalid('symbols is not an array');
  for (const s of data.symbols) {
    const ok =
      typeof s?.symbol === 'string' &&
      [s.price, s.shock, s.prevClose, s.volume, s.regularLast, s.bid, s.ask, s.bidSize, s.askSize, s.dailyOwn, s.intradayOwn].every(
        isNumber,
      ) &&
      [s.open, s.high, s.low].every((v) => v === null || isNumber(v)) &&
      isRngState(s.step) &&
      isRngState(s.activity);
    if (!ok) throw invalid(`bad state for symbol ${String(s?.symbol)}`);
  }
  return data;
}

/** A checkpoint of another market model: its path cannot be continued by this one. */
export class ModelVersionError extends Error {
  override name = 'ModelVersionError';
}

// Market model v2, the simulator: an exchange clock, stochastic volatility, trades and quotes as
// separate events. Pure: it knows no log, bus or wall clock; `ts` is only a stamp, and the tape is
// a function of (seed, universe, options, number of steps, shocks) alone.
//
// Time. The engine keeps simulated New York time (`calendar.ts`). Each step advances it by the
// model step (interval × speed) within the current session, stopping short at the session's end;
// the next step opens the next session. Closed time (nights, weekends, holidays) is skipped: the
// tape goes from one day's last session straight to the next trading day's first, and that day's
// first step carries the closed span's share of variance as one overnight move.
//
// Two kinds of randomness, from separate streams (rng.ts, keyed by seed and name):
// - the *activity* streams advance on a fixed grid of market time (regime.ts): the volatility
//   regime, the volume intensity and every jump, the same at any --interval or --speed;
// - the *step* streams draw what belongs to a step: the diffusion, the prints and the quotes.
//
// Volume. A step's expected volume is adv × Σ over its minutes of (the minute's share of adv ×
// overlap × activity A), so session volume adds up to adv × E[A] = adv whatever the step; the
// number of prints in the step is Poisson with that mean over the mean print size, and the step's
// volume is their total (the printed ones drawn one by one, the rest as one gamma draw with the
// exact mean and variance of their sum). Only a bounded sample of prints reaches the tape
// (`maxEventsPerStep`); `volume` counts them all.
import type { MarketEventDraft, MarketSession, SymbolSpec } from '../types.ts';
import { firstTradingDayFrom, tradingDay, type TradingDay } from './calendar.ts';
import { followingSession } from './market-clock.ts';
import {
  scheduledMarketOptions,
  validateMarketOptions,
  type MarketOptions,
  type ScheduledMarketOptions,
} from './market-options.ts';
import { resumedState, type LogLatest } from './market-resume.ts';
import {
  MARKET_ACTIVITY_STREAM,
  MARKET_STEP_STREAM,
  activityStreamName,
  freshSymbol,
  invalidCheckpoint,
  parseCheckpoint,
  serializeCheckpoint,
  startDayStats,
  stepStreamName,
  type EngineState,
} from './market-state.ts';
import {
  SPREAD_NOISE_SD,
  TRADE_SIZE_MEAN,
  dayProfile,
  poissonCount,
  quoteCents,
  quoteSize,
  unseenVolume,
  type DayProfile,
} from './microstructure.ts';
import { PRICE_CEILING, PRICE_FLOOR, toCents } from './prices.ts';
import { createRegime, symbolModel } from './regime.ts';
import { createRng, symbolStream } from './rng.ts';
import { mergeStep, printTrade, quoteEvent, statusEvent, type SymbolEventDraft } from './tape-events.ts';
import type { Simulator } from './types.ts';
import { DEFAULT_VOLATILITY, type VolatilityParams } from './volatility.ts';

export { MARKET_MODEL_VERSION, ModelVersionError, modelVersionRefusal } from './market-version.ts';
export {
  MARKET_DEFAULTS,
  eventsPerStep,
  marketStepSeconds,
  type MarketOptions,
  type ScheduledMarketOptions,
} from './market-options.ts';

/** The spread widens with the square root of the intraday volatility level. */
const SPREAD_FOLLOWS_INTRADAY_VOL = 0.5;
const MINUTE_MS = 60_000;

/** The simulator, with the exchange clock visible (for tests and tools). */
export interface Market extends Simulator {
  /** Simulated market time (epoch ms) the next step starts from. */
  now(): number;
  /** The session the next step trades in ('closed' never: closed time is skipped). */
  session(): MarketSession;
}

/** The engine for a server's schedule: --interval, --speed, --max-events-per-second, --hours, --start-date. */
export function createMarketSimulator(opts: ScheduledMarketOptions): Market {
  return createMarket(scheduledMarketOptions(opts));
}

export function createMarket(opts: MarketOptions): Market {
  validateMarketOptions(opts);
  const universe: readonly SymbolSpec[] = Object.freeze(opts.universe.map((spec) => ({ ...spec })));
  const vol: VolatilityParams = { ...DEFAULT_VOLATILITY, ...opts.volatility };
  const stepMs = Math.max(1, Math.round(opts.stepSeconds * 1000));
  const n = universe.length;
  const models = universe.map((spec) => symbolModel(spec, vol));
  const regime = createRegime(models, vol);
  const { dayScale, minuteScale, activity, newsCompensation, jump } = regime;

  // Per-step budget: every symbol gets `cap` prints (each followed by a quote, plus one quote for
  // the step's move); with too small a budget, a rotating window of symbols reports each step,
  // each with a quote, a print and a quote. A budget under 3 (a fast --interval) is saved up over
  // steps until one symbol can report: a step then carries 3 events, and any k steps at most
  // k × budget + 3, so the bound holds per second while every kind still reaches the tape.
  const rate = opts.maxEventsPerStep;
  const FULL_REPORT = 3;

  // Scratch per step, reused.
  const weightedG2 = new Float64Array(n);
  const volumeMean = new Float64Array(n);
  const perSymbol: SymbolEventDraft[][] = universe.map(() => []);

  let state: EngineState;
  let day: TradingDay;
  let profile: DayProfile;

  function setDay(d: TradingDay): void {
    day = d;
    profile = dayProfile(d, opts.hours);
  }

  function fresh(): void {
    const first = firstTradingDayFrom(opts.startDate, opts.hours);
    const stream = (name: string) => createRng(symbolStream(opts.seed, name));
    const marketActivity = stream(MARKET_ACTIVITY_STREAM);
    const activityRngs = universe.map((s) => stream(activityStreamName(s.symbol)));
    state = {
      // The regime starts from its stationary law, so a fresh tape is not calmer than a long one.
      clock: {
        t: first.sessions[0].start,
        dayNumber: first.dayNumber,
        sessionIndex: 0,
        minute: -1,
        opening: true,
        newDay: true,
        steps: 0,
        allowance: 0,
        reported: 0,
        dailyMarket: marketActivity.normal(),
        intradayMarket: marketActivity.normal(),
      },
      symbols: universe.map((spec, i) => freshSymbol(spec, activityRngs[i])),
      marketStep: stream(MARKET_STEP_STREAM),
      marketActivity,
      stepRngs: universe.map((s) => stream(stepStreamName(s.symbol))),
      activityRngs,
    };
    setDay(first);
    regime.refresh(state);
  }

  function step(ts: number): MarketEventDraft[] {
    const { clock, symbols, stepRngs } = state;
    const out: MarketEventDraft[] = [];
    const sessionProfile = profile.sessions[clock.sessionIndex];
    const span = sessionProfile.span;
    weightedG2.fill(0);
    volumeMean.fill(0);
    jump.fill(0);
    let weight = 0;

    let openingCross = false;
    if (clock.opening) {
      out.push(statusEvent(ts, span.start, day, span.session));
      clock.opening = false;
      if (clock.newDay) {
        openingCross = true;
        clock.newDay = false;
        regime.enterDay(state, profile.closedShare);
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
        regime.enterMinute(state, sessionProfile.variance[m]);
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
    const marketZ = state.marketStep.normal();
    const allowance = Math.min(clock.allowance, Math.max(0, FULL_REPORT - rate)) + rate;
    const budget = Math.floor(allowance);
    const everySymbol = budget >= FULL_REPORT * n;
    const cap = everySymbol ? Math.floor((budget - n) / (2 * n)) : 1;
    const window = everySymbol ? n : Math.floor(budget / FULL_REPORT);
    const first = everySymbol ? 0 : clock.reported % n;
    let used = 0;
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
      if (quoteChanged || k > 0) events.push(quoteEvent(ts, s, span.session));
      for (let j = 0; j < k; j++) {
        events.push(printTrade(ts, s, model, rng, span.session));
        events.push(quoteEvent(ts, s, span.session));
      }
      used += events.length;
    }
    clock.allowance = allowance - used;
    if (!everySymbol) clock.reported += window;

    // Interleave symbols round-robin and spread the events over the step in market time.
    mergeStep(perSymbol, out, t0, t1 - t0, day);
    clock.t = t1;
    clock.steps += 1;
    if (t1 >= span.end) endSession(ts, out);
    return out;
  }

  /** The step ended its session: open the next one, or close the day and skip to the next. */
  function endSession(ts: number, out: MarketEventDraft[]): void {
    const { clock, symbols } = state;
    const span = profile.sessions[clock.sessionIndex].span;
    if (span.session === 'regular') {
      for (const s of symbols) s.prevClose = s.regularLast || Math.max(1, toCents(s.price));
    }
    clock.minute = -1;
    clock.opening = true;
    const next = followingSession(day, clock.sessionIndex, opts.hours);
    clock.sessionIndex = next.sessionIndex;
    if (next.day === day) return;
    out.push(statusEvent(ts, span.end, day, 'closed'));
    setDay(next.day);
    clock.dayNumber = day.dayNumber;
    clock.newDay = true;
    clock.t = day.sessions[0].start;
  }

  /** Case-insensitive, like the stream's symbol filter. */
  function shock(symbol: string, pct: number): void {
    const wanted = symbol.toUpperCase();
    const s = state.symbols.find((x) => x.symbol.toUpperCase() === wanted);
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

  function restore(text: string): void {
    const data = parseCheckpoint(text, opts.hours);
    const saved = new Map(data.symbols.map((s) => [s.symbol, s]));
    const d = tradingDay(data.clock.dayNumber, opts.hours);
    if (!d || data.clock.sessionIndex >= d.sessions.length) throw invalidCheckpoint('clock is not on a trading session');
    const stepRngs = [];
    const activityRngs = [];
    const symbols = [];
    for (const spec of universe) {
      const s = saved.get(spec.symbol);
      if (s) {
        const { step: stepState, activity: activityState, ...rest } = s;
        stepRngs.push(createRng(stepState));
        activityRngs.push(createRng(activityState));
        symbols.push(rest);
        continue;
      }
      // New to the universe: fresh streams, joining the market where it is.
      stepRngs.push(createRng(symbolStream(opts.seed, stepStreamName(spec.symbol))));
      activityRngs.push(createRng(symbolStream(opts.seed, activityStreamName(spec.symbol))));
      symbols.push(freshSymbol(spec, activityRngs[activityRngs.length - 1]));
    }
    state = {
      clock: { ...data.clock },
      symbols,
      marketStep: createRng(data.marketStep),
      marketActivity: createRng(data.marketActivity),
      stepRngs,
      activityRngs,
    };
    setDay(d);
    regime.refresh(state);
  }

  function resumeFromEvents(latest: LogLatest): void {
    const resumed = resumedState(latest, universe, opts.seed, opts.hours, stepMs);
    if (resumed === null) return fresh(); // an empty log: the path from the start date
    state = resumed.state;
    setDay(resumed.day);
    regime.refresh(state);
  }

  fresh();
  return {
    universe,
    step,
    now: () => state.clock.t,
    session: () => profile.sessions[state.clock.sessionIndex].span.session,
    shock,
    checkpoint: () => serializeCheckpoint(state, opts.hours),
    restore,
    resumeFromEvents,
  };
}

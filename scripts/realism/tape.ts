// Runs the market model in-process and reads back from its events (never from its internals) the
// series the stylized facts are measured on: per symbol and regular session, one-minute midquote
// log returns and volumes, the close midquote, the session volume, and the trade prints with the
// quote they met. Shared by `npm run realism` and the market-model tests.
import { createMarket, type MarketOptions } from '../../backend/simulator/market.ts';
import type { MarketEventDraft } from '../../backend/types.ts';

export interface SymbolTape {
  symbol: string;
  /** Per regular session: one-minute log returns of the midquote (first: open → 09:31). */
  minuteReturns: number[][];
  /** Per regular session: shares traded in each of those minutes. */
  minuteVolumes: number[][];
  /** Midquote at each regular close. */
  closes: number[];
  /** Shares traded in each regular session. */
  sessionVolumes: number[];
  /** Per regular session: the printed trade prices, in order. */
  tradeRuns: number[][];
  /** Printed regular-session trades, those at the bid or the ask, and the sum of their quoted spreads. */
  trades: number;
  tradesAtQuote: number;
  quotedSpreadSum: number;
}

export interface Tape {
  symbols: SymbolTape[];
  /** Regular sessions completed. */
  sessions: number;
  events: number;
  eventsByKind: Record<MarketEventDraft['kind'], number>;
  /** Seconds spent inside `step()` (generation only, not this bookkeeping). */
  generationSeconds: number;
  /** Regular-session events, and those whose marketTime is not in [09:30, 16:00) on a weekday. */
  regularEvents: number;
  outsideRegularHours: number;
  /** Sampled regular-session events whose marketTime disagrees with Intl's America/New_York. */
  offsetMismatches: number;
}

export interface TapeOptions extends MarketOptions {
  /** Stop after this many regular sessions. */
  sessions: number;
  /** Record one-minute series (the step must divide 60 s) and trade runs. */
  intraday: boolean;
}

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const OFFSET_SAMPLE_EVERY = 997;

/** True when an ISO New York time is within [09:30, 16:00) on a weekday. */
export function inRegularHours(marketTime: string): boolean {
  const minutes = Number(marketTime.slice(11, 13)) * 60 + Number(marketTime.slice(14, 16));
  return isWeekday(marketTime.slice(0, 10)) && minutes >= 9 * 60 + 30 && minutes < 16 * 60;
}

let lastDate = '';
let lastDateIsWeekday = false;

function isWeekday(date: string): boolean {
  if (date !== lastDate) {
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    lastDate = date;
    lastDateIsWeekday = weekday >= 1 && weekday <= 5;
  }
  return lastDateIsWeekday;
}

/** Intl's New York hh:mm of the instant agrees with the hh:mm the string states. */
function offsetAgrees(marketTime: string): boolean {
  return NEW_YORK.format(new Date(Date.parse(marketTime))) === marketTime.slice(11, 16);
}

export function recordTape(opts: TapeOptions): Tape {
  const market = createMarket(opts);
  const n = opts.universe.length;
  const index = new Map(opts.universe.map((s, i) => [s.symbol, i]));
  const symbols: SymbolTape[] = opts.universe.map((s) => ({
    symbol: s.symbol,
    minuteReturns: [],
    minuteVolumes: [],
    closes: [],
    sessionVolumes: [],
    tradeRuns: [],
    trades: 0,
    tradesAtQuote: 0,
    quotedSpreadSum: 0,
  }));
  const mid = new Float64Array(n);
  const dayVolume = new Float64Array(n);
  const openVolume = new Float64Array(n);
  const minuteMid = new Float64Array(n);
  const minuteVolume = new Float64Array(n);
  const tape: Tape = {
    symbols,
    sessions: 0,
    events: 0,
    eventsByKind: { tick: 0, quote: 0, status: 0 },
    generationSeconds: 0,
    regularEvents: 0,
    outsideRegularHours: 0,
    offsetMismatches: 0,
  };
  let inRegular = false;
  let openMs = 0;
  let lastRecordMs = 0;

  function open(at: number): void {
    inRegular = true;
    openMs = lastRecordMs = at;
    for (let i = 0; i < n; i++) {
      openVolume[i] = dayVolume[i];
      minuteMid[i] = mid[i];
      minuteVolume[i] = dayVolume[i];
      if (opts.intraday) {
        symbols[i].minuteReturns.push([]);
        symbols[i].minuteVolumes.push([]);
        symbols[i].tradeRuns.push([]);
      }
    }
  }

  function recordMinute(at: number): void {
    if (!opts.intraday || at <= lastRecordMs || (at - openMs) % 60_000 !== 0) return;
    lastRecordMs = at;
    for (let i = 0; i < n; i++) {
      const s = symbols[i];
      s.minuteReturns[s.minuteReturns.length - 1].push(Math.log(mid[i] / minuteMid[i]));
      s.minuteVolumes[s.minuteVolumes.length - 1].push(dayVolume[i] - minuteVolume[i]);
      minuteMid[i] = mid[i];
      minuteVolume[i] = dayVolume[i];
    }
  }

  function close(): void {
    inRegular = false;
    tape.sessions += 1;
    for (let i = 0; i < n; i++) {
      symbols[i].closes.push(mid[i]);
      symbols[i].sessionVolumes.push(dayVolume[i] - openVolume[i]);
    }
  }

  let sampled = 0;
  for (let stepIndex = 0; tape.sessions < opts.sessions; stepIndex++) {
    const started = performance.now();
    const events = market.step(stepIndex);
    tape.generationSeconds += (performance.now() - started) / 1000;
    let closedAt = 0;
    for (const e of events) {
      tape.events += 1;
      tape.eventsByKind[e.kind] += 1;
      if (e.session === 'regular') {
        tape.regularEvents += 1;
        if (!inRegularHours(e.marketTime)) tape.outsideRegularHours += 1;
        if (++sampled % OFFSET_SAMPLE_EVERY === 0 && !offsetAgrees(e.marketTime)) tape.offsetMismatches += 1;
      }
      if (e.kind === 'status') {
        if (e.session === 'pre-market') dayVolume.fill(0);
        else if (e.session === 'regular') {
          if (opts.hours === 'regular') dayVolume.fill(0);
          open(Date.parse(e.marketTime));
        } else if (e.session === 'after-hours' && inRegular) close();
        else if (e.session === 'closed') closedAt = Date.parse(e.marketTime);
        continue;
      }
      const i = index.get(e.symbol)!;
      mid[i] = (e.bid + e.ask) / 2;
      if (e.kind === 'tick') {
        dayVolume[i] = e.volume;
        if (inRegular && opts.intraday) {
          const s = symbols[i];
          s.tradeRuns[s.tradeRuns.length - 1].push(e.price);
          s.trades += 1;
          if (e.price === e.bid || e.price === e.ask) s.tradesAtQuote += 1;
          s.quotedSpreadSum += e.ask - e.bid;
        }
      }
    }
    // A day's opening cross takes no time: the session's first minute starts from its quotes.
    if (inRegular && market.now() === openMs) for (let i = 0; i < n; i++) minuteMid[i] = mid[i];
    if (inRegular) recordMinute(closedAt || market.now());
    if (closedAt && inRegular) close();
  }
  return tape;
}

// `npm run realism [-- --seed N]`: generates long tapes of market model v2 in-process (no server,
// no log) and prints the stylized facts of issue 8 beside their targets, measured from the events
// alone with the statistics in scripts/realism/. Deterministic for a seed; takes under a minute.
//
// Tapes (each a function of the seed):
// - intraday: the built-in universe, regular hours, the default model step (500 ms × speed 60 =
//   30 s), 108 events a step, 60 sessions: the one-minute facts, trades and spreads, the profile;
// - daily: the same universe with one step per session (the model is step-independent, so this is
//   the same market sampled coarsely), 10,000 sessions: daily clustering and close-to-close σ;
// - AAPL alone at steps of 3 s, 30 s and 600 s, 250 sessions each: session volume over adv;
// - extended hours from two DST-switch weeks at six steps from 1 s to a whole day: marketTime.
import { parseArgs } from 'node:util';
import { BUILTIN_UNIVERSE, builtinSymbol } from '../backend/simulator/universe.ts';
import {
  closeToCloseVolatility,
  dailyClustering,
  halfHourProfile,
  minuteClustering,
  minuteTails,
  sessionVolumeOverAdv,
  spreads,
  volumeVolatilityCorrelation,
} from './realism/facts.ts';
import { recordTape, type Tape } from './realism/tape.ts';
import { generationRate } from './lib/generation-rate.ts';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' } } });
const seed = Number(values.seed);
const base = { universe: BUILTIN_UNIVERSE, seed, hours: 'regular' as const, startDate: '2026-01-02' };

const rows: Array<[string, string, string, boolean]> = [];
const f = (x: number, digits = 2) => x.toFixed(digits);
function row(statistic: string, value: string, target: string, ok: boolean): void {
  rows.push([statistic, value, target, ok]);
}

const started = performance.now();
const intraday = recordTape({ ...base, stepSeconds: 30, maxEventsPerStep: 108, sessions: 60, intraday: true });
const daily = recordTape({ ...base, stepSeconds: 23_400, maxEventsPerStep: 36, sessions: 10_000, intraday: false });

const m = minuteClustering(intraday);
const d = dailyClustering(daily);
row('ACF(r) lags 1-10, 1 min (max |.| over symbols)', f(m.returnAcfMaxAbs, 3), 'within ±0.05', m.returnAcfMaxAbs <= 0.05);
row('ACF(r) lags 1-10, 1 day (max |.| of symbol mean)', f(d.returnAcfMaxAbs, 3), 'within ±0.05', d.returnAcfMaxAbs <= 0.05);
row('ACF(|r|) lag 1, 1 min (median)', f(m.absAcfLag1, 3), '> 0', m.absAcfLag1 > 0);
row('ACF(|r|) lag 1, 1 day (median)', f(d.absAcfLag1, 3), '≥ 0.10', d.absAcfLag1 >= 0.1);
row('ACF(|r|) lags 1-20, 1 day (min of medians)', f(d.absAcfMinLag1to20, 3), '> 0', d.absAcfMinLag1to20 > 0);
row('Ljung-Box(10) |r| p<0.01, 1 min', `${m.ljungBoxSignificant}/${m.symbols}`, '≥ 11/12', m.ljungBoxSignificant >= 11);
row('Ljung-Box(10) |r| p<0.01, 1 day', `${d.ljungBoxSignificant}/${d.symbols}`, '≥ 11/12', d.ljungBoxSignificant >= 11);

const tails = minuteTails(intraday);
row(
  'excess kurtosis, 1 min, single sessions (median)',
  `${f(tails.sessionKurtosisMedian, 1)} (${f(tails.sessionKurtosisAtLeast3 * 100, 0)} % ≥ 3)`,
  '≥ 3',
  tails.sessionKurtosisMedian >= 3,
);
row(
  'Hill tail index, top 2 % of |1-min r| (median)',
  `${f(tails.hill.median)} (${f(tails.hill.min)}–${f(tails.hill.max)})`,
  '[2.5, 4.5]',
  tails.hill.median >= 2.5 && tails.hill.median <= 4.5,
);
const corr = volumeVolatilityCorrelation(intraday);
row('corr(|1-min r|, 1-min volume) (median)', `${f(corr.median)} (min ${f(corr.min)})`, '≥ 0.3', corr.median >= 0.3);

const sp = spreads(intraday);
row('trades at bid or ask', `${f(sp.atQuote * 100, 1)} %`, '≥ 80 %', sp.atQuote >= 0.8);
const roll = sp.rollOverQuoted;
row(
  'Roll-implied / quoted spread (median)',
  `${f(roll.median)} (${f(roll.min)}–${f(roll.max)})`,
  '[0.5, 1.5]',
  roll.median >= 0.5 && roll.median <= 1.5,
);

const aapl = [builtinSymbol('AAPL')!];
const volumeAt = [3, 30, 600].map((step) => {
  const tape = recordTape({ ...base, universe: aapl, stepSeconds: step, maxEventsPerStep: 3, sessions: 250, intraday: false });
  return sessionVolumeOverAdv(tape, aapl)[0];
});
const spreadAcross = Math.max(...volumeAt) / Math.min(...volumeAt) - 1;
row(
  'AAPL session volume / adv at 3 s, 30 s, 600 s',
  volumeAt.map((v) => f(v)).join(', '),
  'each in [0.7, 1.3]',
  volumeAt.every((v) => v >= 0.7 && v <= 1.3),
);
row('  ... spread across the three steps', `${f(spreadAcross * 100, 1)} %`, '< 10 %', spreadAcross < 0.1);

const profile = halfHourProfile(intraday);
const edges = (p: number[]) => Math.min(p[0], p[p.length - 1]);
row(
  'half-hour volume, first / last vs 11:30-14:00',
  `${f(profile.volume[0])} / ${f(profile.volume[12])}`,
  '≥ 1.5',
  edges(profile.volume) >= 1.5,
);
row(
  'half-hour variance, first / last vs 11:30-14:00',
  `${f(profile.variance[0])} / ${f(profile.variance[12])}`,
  '≥ 1.5',
  edges(profile.variance) >= 1.5,
);

const cc = closeToCloseVolatility(daily, BUILTIN_UNIVERSE);
row(
  'close-to-close volatility / σ (mean of symbols)',
  `${f(cc.mean, 3)} (${f(cc.min)}–${f(cc.max)})`,
  '[0.95, 1.05]',
  cc.mean >= 0.95 && cc.mean <= 1.05,
);

const clockTapes: Tape[] = [];
for (const startDate of ['2026-03-02', '2026-10-26']) {
  for (const step of [1, 7, 45, 600, 3600, 86_400]) {
    const sessions = step === 1 ? 3 : 30;
    clockTapes.push(
      recordTape({ ...base, hours: 'extended', startDate, stepSeconds: step, maxEventsPerStep: 36, sessions, intraday: false }),
    );
  }
}
const regularEvents = clockTapes.reduce((sum, t) => sum + t.regularEvents, 0);
const outside = clockTapes.reduce((sum, t) => sum + t.outsideRegularHours, 0);
const mismatches = clockTapes.reduce((sum, t) => sum + t.offsetMismatches, 0);
row(
  'regular-session marketTime in [09:30, 16:00) ET, weekday',
  `${f((100 * (regularEvents - outside)) / regularEvents, 2)} % of ${regularEvents}`,
  '100 % (steps 1 s … 1 day, DST weeks)',
  outside === 0 && mismatches === 0,
);
row(
  'quote events per trade',
  f(intraday.eventsByKind.quote / intraday.eventsByKind.tick),
  '> 1',
  intraday.eventsByKind.quote > intraday.eventsByKind.tick,
);
const rate = intraday.events / intraday.generationSeconds;
row('events generated per second (in-process, no log)', `${Math.round(rate).toLocaleString('en-US')}`, '≥ 200,000', rate >= 200_000);
// The pipeline's own path: each batch appended to a temp SQLite log with its checkpoint.
const logged = generationRate(500, 'log', 400_000).rate;
row('... with the SQLite log (batches of 480, checkpointed)', `${Math.round(logged).toLocaleString('en-US')}`, '≥ 200,000 (aim)', logged >= 200_000);

const width = [0, 1, 2].map((c) => Math.max(...rows.map((r) => String(r[c]).length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
console.log(`market model v2 realism, seed ${seed}`);
console.log(
  `intraday: ${intraday.sessions} sessions × ${BUILTIN_UNIVERSE.length} symbols at 30 s steps (${intraday.events.toLocaleString('en-US')} events); ` +
    `daily: ${daily.sessions} sessions; AAPL volume: 250 sessions per step\n`,
);
console.log(line(['statistic', 'value', 'target']) + ' ok |');
console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|----|`);
for (const [s, v, t, ok] of rows) console.log(`${line([s, v, t])} ${ok ? 'yes' : 'NO '} |`);
console.log(`\nhalf-hour profile vs 11:30-14:00 (09:30 … 15:30):`);
console.log(`  volume   ${profile.volume.map((x) => f(x)).join(' ')}`);
console.log(`  variance ${profile.variance.map((x) => f(x)).join(' ')}`);
console.log(`\n${rows.filter((r) => !r[3]).length} of ${rows.length} off target; ${f((performance.now() - started) / 1000, 1)} s`);
process.exitCode = rows.every((r) => r[3]) ? 0 : 1;

// The model's log returns have the mean, variance and market correlation its parameters promise,
// and the jump compensator keeps E[S(t+dt)/S(t)] = e^(μ·dt). Sampled directly from the model
// functions on unrounded values, with a large step (a quarter of a trading year) so drift terms
// such as −σ²/2 and the compensator are many standard errors wide and a missing one is caught.
//
// Tolerance: each estimate must lie within 5 standard errors of its expectation, the SE being
// estimated from the same sample (e.g. √(m4 − s⁴)/√N for the variance, which stays valid with
// the jumps' fat tails). A correct model fails a 5 SE check with probability ~6e-7, and the seed
// is fixed anyway, so the test is not flaky; each check also shows it could fail (see `power`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_JUMPS,
  MARKET_VOLATILITY,
  expectedLogReturn,
  expectedMarketCorrelation,
  jumpCompensator,
  logReturn,
  logReturnVariance,
  symbolModel,
  type SymbolModel,
} from '../../simulator/model.ts';
import { createRng, marketStream, symbolStream } from '../../simulator/rng.ts';

const N = 200_000;
const DT_YEARS = 0.25;
const Z = 5;

interface Sample {
  returns: Float64Array;
  market: Float64Array;
}

function sample(model: SymbolModel, seed: number): Sample {
  const market = createRng(marketStream(seed));
  const rng = createRng(symbolStream(seed, 'TEST'));
  const returns = new Float64Array(N);
  const marketZ = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    marketZ[i] = market.normal();
    returns[i] = logReturn(model, DT_YEARS, marketZ[i], rng);
  }
  return { returns, market: marketZ };
}

function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return sum / xs.length;
}

function centralMoment(xs: ArrayLike<number>, m: number, power: number): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += (xs[i] - m) ** power;
  return sum / xs.length;
}

function map(xs: ArrayLike<number>, f: (x: number, i: number) => number): Float64Array {
  return Float64Array.from({ length: xs.length }, (_, i) => f(xs[i], i));
}

/** Mean of a sample with its standard error. */
function estimate(xs: ArrayLike<number>): { value: number; se: number } {
  const m = mean(xs);
  return { value: m, se: Math.sqrt(centralMoment(xs, m, 2) / xs.length) };
}

function within(label: string, observed: { value: number; se: number }, expected: number): void {
  const distance = Math.abs(observed.value - expected) / observed.se;
  assert.ok(
    distance < Z,
    `${label}: observed ${observed.value.toPrecision(6)} vs expected ${expected.toPrecision(6)} (${distance.toFixed(1)} SE)`,
  );
}

/** Asserts `wrong` is rejected: the check has the power to catch that mistake. */
function power(label: string, observed: { value: number; se: number }, wrong: number): void {
  assert.ok(Math.abs(observed.value - wrong) / observed.se > Z, `${label} would not be caught`);
}

const TYPICAL = symbolModel({ symbol: 'T', name: 'T', price: 100, volatility: 0.3, drift: 0.1, spreadBps: 2, beta: 1.2 });
// Frequent, large, skewed jumps make the compensator and the jump variance unmistakable.
const JUMPY: SymbolModel = { ...TYPICAL, jumps: { intensity: 8, mean: -0.05, stdDev: 0.1 } };

for (const [name, model, seed] of [
  ['typical', TYPICAL, 11],
  ['jump-heavy', JUMPY, 12],
] as const) {
  test(`${name}: mean and variance of log returns match (μ − σ²/2 − λk + λm)dt and (σ² + λE[J²])dt`, () => {
    const { returns } = sample(model, seed);
    const m = estimate(returns);
    within('mean', m, expectedLogReturn(model, DT_YEARS));
    power('a missing −σ²/2', m, expectedLogReturn(model, DT_YEARS) + (model.volatility ** 2 / 2) * DT_YEARS);

    const squares = map(returns, (r) => (r - m.value) ** 2);
    const variance = estimate(squares);
    within('variance', variance, logReturnVariance(model, DT_YEARS));
  });

  test(`${name}: the compensator keeps E[S(t+dt)/S(t)] = exp(μ·dt)`, () => {
    const { returns } = sample(model, seed);
    const growth = estimate(map(returns, Math.exp));
    within('E[exp(r)]', growth, Math.exp(model.drift * DT_YEARS));
    if (model === JUMPY) {
      const uncompensated = Math.exp((model.drift + model.jumps.intensity * jumpCompensator(model.jumps)) * DT_YEARS);
      power('a missing jump compensator', growth, uncompensated);
    }
  });

  test(`${name}: returns co-move with the market factor as beta·σm/σ says`, () => {
    const { returns, market } = sample(model, seed);
    // Cov(r, Zm) = ρσ√dt = β·σm·√dt exactly; E[r·Zm] needs no centring since E[Zm] = 0.
    const covariance = estimate(map(returns, (r, i) => r * market[i]));
    within('covariance', covariance, 1.2 * MARKET_VOLATILITY * Math.sqrt(DT_YEARS));

    // The correlation itself, with the asymptotic SE (1 − ρ²)/√N of a bivariate normal; the
    // jumps make r slightly fat-tailed, which the 5 SE margin more than absorbs.
    const expected = expectedMarketCorrelation(model, DT_YEARS);
    const rm = mean(returns);
    const mm = mean(market);
    const cov = mean(map(returns, (r, i) => (r - rm) * (market[i] - mm)));
    const corr = cov / Math.sqrt(centralMoment(returns, rm, 2) * centralMoment(market, mm, 2));
    within('correlation', { value: corr, se: (1 - expected ** 2) / Math.sqrt(N) }, expected);
  });
}

test('beta maps to market correlation β·σm/σ, capped so some idiosyncratic risk remains', () => {
  assert.ok(Math.abs(TYPICAL.marketCorrelation - (1.2 * MARKET_VOLATILITY) / 0.3) < 1e-12);
  const spec = { symbol: 'X', name: 'X', price: 10, volatility: 0.1, drift: 0, spreadBps: 1 };
  assert.is(symbolModel({ ...spec, beta: 3 }).marketCorrelation, 0.95);
  assert.is(symbolModel({ ...spec, beta: -3 }).marketCorrelation, -0.95);
  const unspecified = symbolModel({ ...spec, volatility: 0.2 }).marketCorrelation;
  assert.ok(Math.abs(unspecified - MARKET_VOLATILITY / 0.2) < 1e-12, 'beta defaults to 1');
  assert.is(symbolModel({ ...spec, volatility: 0 }).marketCorrelation, 0);
  assert.equal(TYPICAL.jumps, DEFAULT_JUMPS);
});

test('the normal sampler has mean 0, variance 1 and no correlation between successive values', () => {
  const rng = createRng(symbolStream(99, 'NORMAL'));
  const xs = Float64Array.from({ length: N }, () => rng.normal());
  within('mean', estimate(xs), 0);
  within('variance', estimate(map(xs, (x) => x * x)), 1);
  within('kurtosis', estimate(map(xs, (x) => x ** 4)), 3);
  // Polar pairs must not be correlated: the cached spare is the second of each pair.
  within('lag-1 product', estimate(map(xs, (x, i) => x * xs[(i + 1) % xs.length])), 0);
});

test.run();

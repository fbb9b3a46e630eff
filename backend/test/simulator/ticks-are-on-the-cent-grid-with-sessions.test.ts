// What a client sees: money on the cent grid with no float artefacts, a quote that brackets the
// price and is never locked or crossed, session statistics that hold together, sessions that end
// every 6.5 h of simulated time, and no symbol frozen by rounding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCents, quoteCents, toCents } from '../../simulator/model.ts';
import { createSimulator } from '../../simulator/simulator.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import type { SymbolSpec, TickDraft } from '../../types.ts';

const MONEY_FIELDS = ['price', 'bid', 'ask', 'open', 'high', 'low', 'prevClose', 'change'] as const;
// What JSON.stringify prints for a money value: at most two decimals, never 189.42000000000002.
const CENT_TEXT = /^-?\d+(\.\d{1,2})?$/;

function simulate(universe: SymbolSpec[], steps: number, intervalMs = 500, speed = 60): TickDraft[][] {
  const sim = createSimulator({ universe, seed: 314159, intervalMs, speed });
  return Array.from({ length: steps }, (_, i) => sim.step(i));
}

function series(batches: TickDraft[][], symbol: string): TickDraft[] {
  return batches.map((batch) => batch.find((t) => t.symbol === symbol)!);
}

// 30 s a step: a session is 780 steps, so 2400 steps cross three boundaries.
const BATCHES = simulate(BUILTIN_UNIVERSE, 2400);
const SESSION_STEPS = 780;

test('every money field prints with at most two decimals', () => {
  for (const tick of BATCHES.flat()) {
    for (const field of MONEY_FIELDS) {
      assert.ok(CENT_TEXT.test(JSON.stringify(tick[field])), `${tick.symbol} ${field} = ${tick[field]}`);
    }
    assert.ok(/^-?\d+(\.\d{1,3})?$/.test(JSON.stringify(tick.changePct)), `changePct = ${tick.changePct}`);
    assert.ok(Number.isSafeInteger(tick.size) && tick.size > 0 && Number.isSafeInteger(tick.volume));
  }
});

test('the quote brackets the price: bid <= price <= ask and bid < ask', () => {
  for (const t of BATCHES.flat()) {
    assert.ok(t.bid < t.ask, `${t.symbol} locked or crossed: ${t.bid} / ${t.ask}`);
    assert.ok(t.bid <= t.price && t.price <= t.ask, `${t.symbol} ${t.price} outside ${t.bid} / ${t.ask}`);
  }
});

test('bid and ask round outwards, never narrower than the configured spread', () => {
  for (const [price, bps] of [
    [189.4237, 1],
    [62.001, 3],
    [10.005, 0],
    [0.004, 5],
    [1000, 100],
  ]) {
    const q = quoteCents(price, bps);
    assert.ok(q.ask - q.bid >= 1, `${price} ${bps}bps: ${q.bid}/${q.ask}`);
    assert.ok((q.ask - q.bid) / 100 >= (price * bps) / 10_000 - 1e-9, `${price} ${bps}bps spread too narrow`);
    assert.ok(q.bid >= 1 && q.bid <= q.price && q.price <= q.ask, `${price} ${bps}bps: ${JSON.stringify(q)}`);
  }
  assert.equal(quoteCents(100, 10), { price: 10000, bid: 9995, ask: 10005 });
});

test('cent conversion survives float artefacts', () => {
  assert.is(toCents(189.42000000000002), 18942);
  assert.is(toCents(1.005), 101, '1.005 is 1.00499999999999989 in binary but means a cent and a half');
  assert.is(JSON.stringify(fromCents(toCents(0.1 + 0.2))), '0.3');
  assert.ok(Object.is(fromCents(-0), 0));
});

test('session statistics hold together: low <= open, price <= high; volume accumulates sizes', () => {
  for (const { symbol } of BUILTIN_UNIVERSE) {
    const ticks = series(BATCHES, symbol);
    ticks.forEach((t, i) => {
      assert.ok(t.low <= t.price && t.price <= t.high, `${symbol}#${i} ${t.low} <= ${t.price} <= ${t.high}`);
      assert.ok(t.low <= t.open && t.open <= t.high, `${symbol}#${i} open ${t.open} outside the range`);
      assert.is(t.change, fromCents(toCents(t.price) - toCents(t.prevClose)), `${symbol}#${i} change`);
      const pct = ((t.price - t.prevClose) / t.prevClose) * 100;
      assert.ok(Math.abs(t.changePct - pct) <= 0.0005 + 1e-12, `${symbol}#${i} changePct ${t.changePct} vs ${pct}`);
      if (i === 0 || i % SESSION_STEPS === 0) return;
      const prev = ticks[i - 1];
      assert.is(t.volume, prev.volume + t.size, `${symbol}#${i} volume`);
      assert.is(t.open, prev.open, `${symbol}#${i} open changed mid-session`);
      assert.is(t.prevClose, prev.prevClose, `${symbol}#${i} prevClose changed mid-session`);
      assert.is(t.high, Math.max(prev.high, t.price), `${symbol}#${i} high`);
      assert.is(t.low, Math.min(prev.low, t.price), `${symbol}#${i} low`);
    });
  }
});

test('a session ends after 6.5 h of simulated time and the next begins from the last price', () => {
  for (const { symbol, price } of BUILTIN_UNIVERSE) {
    const ticks = series(BATCHES, symbol);
    assert.is(ticks[0].prevClose, price, `${symbol} first session closes against the configured price`);
    const boundaries = [1, 2, 3].map((k) => k * SESSION_STEPS);
    for (const boundary of boundaries) {
      const last = ticks[boundary - 1];
      const first = ticks[boundary];
      assert.is(first.prevClose, last.price, `${symbol} prevClose = last price`);
      assert.is(first.volume, first.size, `${symbol} volume restarts`);
      assert.equal([first.open, first.high, first.low], [first.price, first.price, first.price]);
      assert.ok(last.volume > 100 * first.volume, `${symbol} volume before the boundary was cumulative`);
    }
    // No boundary anywhere else: within a session volume strictly grows, so it equals the size
    // only on a session's first tick.
    const starts = ticks.flatMap((t, i) => (t.volume === t.size ? [i] : []));
    assert.equal(starts, [0, ...boundaries], symbol);
  }
});

test('a step that does not divide the session still closes it once 6.5 h have passed', () => {
  // 7000 s a step: the session's fourth step starts at 21000 s < 23400 s, the fifth at 28000 s.
  const ticks = series(simulate(BUILTIN_UNIVERSE.slice(0, 1), 13, 1000, 7000), 'AAPL');
  const starts = ticks.flatMap((t, i) => (t.volume === t.size ? [i] : []));
  assert.equal(starts, [0, 4, 8, 12]);
  // And a step longer than a session makes every tick its own session.
  const daily = series(simulate(BUILTIN_UNIVERSE.slice(0, 1), 5, 1000, 30_000), 'AAPL');
  daily.slice(1).forEach((t, i) => assert.is(t.prevClose, daily[i].price));
});

test('a low-volatility symbol does not freeze on the cent grid', () => {
  // 3 s a step at 5 % volatility: a typical step moves the price by about $0.0004, far below a
  // cent. Rounding the carried price would pin it for ever; the unrounded price must wander.
  const calm: SymbolSpec = { symbol: 'CALM', name: 'Calm', price: 10, volatility: 0.05, drift: 0.05, spreadBps: 1, beta: 0.5 };
  const sim = createSimulator({ universe: [calm], seed: 271828, intervalMs: 500, speed: 6 });
  const unrounded = () => (JSON.parse(sim.checkpoint()) as { symbols: { price: number }[] }).symbols[0].price;
  const emitted = new Set<number>();
  let previous = unrounded();
  let stuck = 0;
  for (let i = 0; i < 20_000; i++) {
    emitted.add(sim.step(i)[0].price);
    const now = unrounded();
    if (now === previous) stuck += 1;
    previous = now;
  }
  assert.is(stuck, 0, 'the unrounded price stood still');
  assert.ok(emitted.size >= 5, `only ${emitted.size} distinct emitted prices`);
});

test.run();

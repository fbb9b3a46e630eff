// The events-per-second bound at a fast --interval: a per-step budget under 3 events (100 events/s
// at 20 ms is 2 a step; at 2 ms, 0.2) is saved up over steps, so trades still reach the tape, and
// any k consecutive steps carry at most k × budget + 3 trade and quote events.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMarket, eventsPerStep, marketStepSeconds } from '../../simulator/market.ts';
import { BUILTIN_UNIVERSE, builtinSymbol } from '../../simulator/universe.ts';
import type { MarketEventDraft } from '../../types.ts';

function run(intervalMs: number, symbols: number, steps: number): MarketEventDraft[][] {
  const market = createMarket({
    universe: symbols === 3 ? ['AAPL', 'MSFT', 'NVDA'].map((s) => builtinSymbol(s)!) : BUILTIN_UNIVERSE,
    seed: 9,
    stepSeconds: marketStepSeconds(intervalMs, 60),
    maxEventsPerStep: eventsPerStep(100, intervalMs),
    hours: 'regular',
    startDate: '2026-01-05',
  });
  return Array.from({ length: steps }, (_, i) => market.step(i));
}

for (const [intervalMs, symbols] of [[20, 3], [2, 12], [25, 12]] as const) {
  test(`100 events/s at ${intervalMs} ms over ${symbols} symbols: trades and quotes of every symbol, the bound kept`, () => {
    const budget = eventsPerStep(100, intervalMs);
    const steps = Math.ceil(6000 / budget);
    const batches = run(intervalMs, symbols, steps);
    const counted = batches.map((b) => b.filter((e) => e.kind !== 'status').length);
    const all = batches.flat();
    const trades = all.filter((e) => e.kind === 'tick');
    const quotes = all.filter((e) => e.kind === 'quote');
    assert.ok(trades.length >= 0.1 * counted.reduce((a, b) => a + b, 0), `trades ${trades.length} of ${all.length}`);
    assert.ok(quotes.length > trades.length, 'more quotes than trades');
    const traded = new Set(trades.map((e) => (e.kind === 'tick' ? e.symbol : '')));
    assert.is(traded.size, symbols, 'every symbol trades');
    // Any window of k consecutive steps: at most k × budget + 3.
    for (const k of [1, 5, 50, 500]) {
      let sum = 0;
      for (let i = 0; i < counted.length; i++) {
        sum += counted[i] - (i >= k ? counted[i - k] : 0);
        assert.ok(sum <= k * budget + 3 + 1e-9, `${sum} events in ${k} steps ending at ${i}, budget ${budget}`);
      }
    }
  });
}

test('a budget of 3 or more a step is never exceeded in one step', () => {
  const batches = run(50, 12, 3000);
  for (const batch of batches) assert.ok(batch.filter((e) => e.kind !== 'status').length <= 5);
});

test.run();

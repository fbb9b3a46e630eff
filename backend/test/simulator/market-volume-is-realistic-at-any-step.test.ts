// Session volume comes from each symbol's adv and the intraday profile, not from the step: AAPL's
// mean regular-session volume is within ±30 % of its adv and varies < 10 % across steps of 3 s,
// 30 s and 600 s (the regime that drives volume is drawn on a fixed grid of market time, so the
// three runs share it and differ only in the count of prints).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionVolumeOverAdv } from '../../../scripts/realism/facts.ts';
import { recordTape } from '../../../scripts/realism/tape.ts';
import { averageDailyVolume } from '../../simulator/microstructure.ts';
import { builtinSymbol } from '../../simulator/universe.ts';

const AAPL = [builtinSymbol('AAPL')!];

test('AAPL session volume ≈ adv and the same at steps of 3 s, 30 s and 600 s', () => {
  const ratios = [3, 30, 600].map((stepSeconds) => {
    const tape = recordTape({
      universe: AAPL,
      seed: 5,
      stepSeconds,
      maxEventsPerStep: 3,
      hours: 'regular',
      startDate: '2025-06-02',
      sessions: 40,
      intraday: false,
    });
    return sessionVolumeOverAdv(tape, AAPL)[0];
  });
  for (const r of ratios) assert.ok(r >= 0.7 && r <= 1.3, `volume / adv ${ratios.join(', ')}`);
  assert.ok(Math.max(...ratios) / Math.min(...ratios) - 1 < 0.1, `across steps: ${ratios.join(', ')}`);
});

test('a symbol with an adv of its own trades that; an unknown one gets about $1 bn a day', () => {
  assert.is(averageDailyVolume({ ...AAPL[0], adv: 1234 }), 1234);
  assert.is(averageDailyVolume(AAPL[0]), 55_000_000);
  assert.is(averageDailyVolume({ symbol: 'QAA', name: 'QAA', price: 50, volatility: 0.3, drift: 0.08, spreadBps: 2 }), 20_000_000);
});

test.run();

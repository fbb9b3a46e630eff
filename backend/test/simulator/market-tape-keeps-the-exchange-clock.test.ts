// The tape of market model v2 runs on the exchange clock: every event carries New York market
// time, regular-session events fall in [09:30, 16:00) on a weekday at any step (any --speed),
// sessions change with a status event, and each step stays within its event budget with trades,
// quotes and sizes of the documented shape.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inRegularHours, recordTape } from '../../../scripts/realism/tape.ts';
import { createMarket, type MarketOptions } from '../../simulator/market.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import type { MarketEventDraft } from '../../types.ts';

const BASE: MarketOptions = {
  universe: BUILTIN_UNIVERSE,
  seed: 8,
  stepSeconds: 30,
  maxEventsPerStep: 100,
  hours: 'extended',
  startDate: '2026-10-29',
};

const hhmm = (e: MarketEventDraft) => e.marketTime.slice(11, 16);

test('regular-session events are inside 09:30-16:00 ET on a weekday at any step, across DST switches', () => {
  for (const startDate of ['2026-03-05', '2026-10-29']) {
    for (const stepSeconds of [1, 7, 45, 600, 3600, 86_400]) {
      const tape = recordTape({ ...BASE, startDate, stepSeconds, maxEventsPerStep: 36, sessions: stepSeconds === 1 ? 2 : 6, intraday: false });
      assert.ok(tape.regularEvents > 0, `step ${stepSeconds}: some regular events`);
      assert.is(tape.outsideRegularHours, 0, `step ${stepSeconds} from ${startDate}`);
      assert.is(tape.offsetMismatches, 0, `step ${stepSeconds}: offsets agree with Intl`);
    }
  }
  assert.ok(inRegularHours('2026-03-09T09:30:00.000-04:00'));
  assert.not.ok(inRegularHours('2026-03-09T16:00:00.000-04:00'), 'the check itself rejects 16:00');
  assert.not.ok(inRegularHours('2026-03-07T10:00:00.000-05:00'), 'and Saturdays');
});

test('sessions: status events at each change, extended events in their hours, time never goes back', () => {
  const market = createMarket(BASE);
  const statuses: string[] = [];
  let previous = '';
  for (let i = 0; i < 3 * 1921 + 1; i++) {
    for (const e of market.step(0)) {
      assert.ok(e.marketTime >= previous || e.marketTime.slice(0, 10) > previous.slice(0, 10), `${e.marketTime} after ${previous}`);
      previous = e.marketTime;
      if (e.kind === 'status') statuses.push(`${e.marketTime.slice(0, 10)} ${hhmm(e)} ${e.session}`);
      else if (e.session === 'pre-market') assert.ok(hhmm(e) >= '04:00' && hhmm(e) < '09:30', e.marketTime);
      else if (e.session === 'after-hours') assert.ok(hhmm(e) >= '16:00' && hhmm(e) < '20:00', e.marketTime);
    }
  }
  // Thursday, Friday (the weekend is skipped), Monday 2 November after the DST switch.
  assert.equal(statuses.slice(0, 12), [
    '2026-10-29 04:00 pre-market', '2026-10-29 09:30 regular', '2026-10-29 16:00 after-hours', '2026-10-29 20:00 closed',
    '2026-10-30 04:00 pre-market', '2026-10-30 09:30 regular', '2026-10-30 16:00 after-hours', '2026-10-30 20:00 closed',
    '2026-11-02 04:00 pre-market', '2026-11-02 09:30 regular', '2026-11-02 16:00 after-hours', '2026-11-02 20:00 closed',
  ]);
});

test('an early-close day closes at 13:00 and Thanksgiving is skipped', () => {
  const market = createMarket({ ...BASE, hours: 'regular', startDate: '2026-11-25', stepSeconds: 600 });
  const statuses: string[] = [];
  for (let i = 0; i < 110; i++) for (const e of market.step(0)) if (e.kind === 'status') statuses.push(`${e.marketTime.slice(0, 16)} ${e.session}`);
  assert.equal(statuses.slice(0, 6), [
    '2026-11-25T09:30 regular', '2026-11-25T16:00 closed',
    '2026-11-27T09:30 regular', '2026-11-27T13:00 closed',
    '2026-11-30T09:30 regular', '2026-11-30T16:00 closed',
  ]);
});

test('each step stays within its event budget; prints meet the quote; sizes are round lots', () => {
  for (const maxEventsPerStep of [5, 40, 1000]) {
    const market = createMarket({ ...BASE, hours: 'regular', maxEventsPerStep });
    let trades = 0;
    let quotes = 0;
    for (let i = 0; i < 2000; i++) {
      const events = market.step(0);
      assert.ok(events.filter((e) => e.kind !== 'status').length <= maxEventsPerStep, `budget ${maxEventsPerStep}`);
      for (const e of events) {
        if (e.kind === 'status') continue;
        assert.ok(e.bid < e.ask, 'never locked or crossed');
        assert.ok(e.bidSize > 0 && e.bidSize % 100 === 0 && e.askSize > 0 && e.askSize % 100 === 0, 'round-lot sizes');
        if (e.kind === 'quote') quotes += 1;
        else {
          trades += 1;
          assert.ok(e.price === e.bid || e.price === e.ask || e.price === (e.bid + e.ask) / 2 || Math.abs(e.price - (e.bid + e.ask) / 2) < 1e-9);
          assert.ok(e.size >= 1 && (e.size < 100 || e.size % 100 === 0), 'a round lot or an odd lot');
          assert.ok(e.low <= e.price && e.price <= e.high && e.volume >= e.size);
        }
      }
    }
    assert.ok(trades > 0 && quotes > trades, `more quotes (${quotes}) than trades (${trades})`);
  }
});

test.run();

// Market model v2 is a function of its seed and options: the same events whatever ts is stamped,
// and a checkpoint taken anywhere (mid-session, at a session change, over a weekend, after a
// shock) continues exactly the same path, event for event, so the log's ids stay the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MARKET_MODEL_VERSION,
  ModelVersionError,
  createMarket,
  modelVersionRefusal,
  type MarketOptions,
} from '../../simulator/market.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import type { MarketEventDraft } from '../../types.ts';

const OPTIONS: MarketOptions = {
  universe: BUILTIN_UNIVERSE,
  seed: 20260302,
  stepSeconds: 600,
  maxEventsPerStep: 60,
  hours: 'extended',
  startDate: '2026-03-05',
};

function run(opts: MarketOptions, steps: number, ts: (i: number) => number = () => 0): MarketEventDraft[] {
  const market = createMarket(opts);
  const out: MarketEventDraft[] = [];
  for (let i = 0; i < steps; i++) out.push(...market.step(ts(i)));
  return out;
}

const withoutTs = (events: MarketEventDraft[]) => events.map(({ ts: _ts, ...rest }) => rest);

test('the same seed gives the same events whatever ts values are passed', () => {
  const a = run(OPTIONS, 300, (i) => 1_700_000_000_000 + i * 500);
  const b = run(OPTIONS, 300, (i) => (i * 7919) % 1000);
  assert.equal(withoutTs(a), withoutTs(b));
  assert.ok(a.length > 1000);
});

test('a different seed gives a different tape', () => {
  const a = run(OPTIONS, 50);
  const b = run({ ...OPTIONS, seed: OPTIONS.seed + 1 }, 50);
  assert.not.equal(withoutTs(a), withoutTs(b));
});

test('restoring a checkpoint continues the same events, wherever it was taken', () => {
  const total = 400; // 96 steps an extended day at 600 s: crosses sessions, nights and a weekend
  const reference = withoutTs(run(OPTIONS, total));
  for (const at of [1, 33, 34, 55, 95, 96, 97, 150, 287]) {
    const first = createMarket(OPTIONS);
    const head: MarketEventDraft[] = [];
    for (let i = 0; i < at; i++) head.push(...first.step(0));
    const second = createMarket({ ...OPTIONS, seed: 1 }); // the checkpoint, not the seed, decides
    second.restore(first.checkpoint());
    const tail: MarketEventDraft[] = [];
    for (let i = at; i < total; i++) tail.push(...second.step(0));
    assert.equal(withoutTs([...head, ...tail]), reference, `checkpoint after step ${at}`);
  }
});

test('a shock pending in a checkpoint is applied after the restore', () => {
  const a = createMarket(OPTIONS);
  for (let i = 0; i < 40; i++) a.step(0);
  a.shock('aapl', 10);
  const b = createMarket(OPTIONS);
  b.restore(a.checkpoint());
  assert.equal(withoutTs(b.step(0)), withoutTs(a.step(0)));
});

test('the checkpoint records the model version; a model-1 checkpoint is refused in one line', () => {
  const market = createMarket(OPTIONS);
  const data = JSON.parse(market.checkpoint());
  assert.is(data.version, MARKET_MODEL_VERSION);
  // Model 1 wrote `version: 1`; a checkpoint without a version is taken for model 1 too.
  const v1 = { steps: 10, sessionSteps: 3, epoch: 0, market: {}, symbols: [] };
  for (const checkpoint of [{ version: 1, ...v1 }, v1]) {
    try {
      market.restore(JSON.stringify(checkpoint));
      assert.unreachable('a model 1 checkpoint must be refused');
    } catch (error) {
      assert.instance(error, ModelVersionError);
      assert.is((error as ModelVersionError).found, 1);
      const message = (error as Error).message;
      assert.is(
        message,
        'this log was written by market model 1 (one mid-priced tick per symbol per step); this ticktape runs model 2 ' +
          'and cannot continue it: start a new log with another --db, or run ticktape 0.1 on this one',
      );
    }
  }
  assert.match(modelVersionRefusal('ticks.db', 1), /^ticks\.db was written by market model 1 \(/);
  assert.throws(() => market.restore(JSON.stringify({ ...data, version: 3 })), /market model 3; .* run the ticktape version that wrote it$/);
  assert.throws(() => market.restore(JSON.stringify({ ...data, version: 'two' })), /invalid market checkpoint: bad version "two"/);
  assert.throws(() => market.restore('{'), /invalid market checkpoint: not JSON/);
  assert.throws(() => createMarket({ ...OPTIONS, hours: 'regular' }).restore(market.checkpoint()), /--hours extended/);
});

test('symbols new to the universe join a restored market; dropped ones are forgotten', () => {
  const a = createMarket({ ...OPTIONS, universe: BUILTIN_UNIVERSE.slice(0, 3) });
  for (let i = 0; i < 20; i++) a.step(0);
  const b = createMarket({ ...OPTIONS, universe: BUILTIN_UNIVERSE.slice(1, 5) });
  b.restore(a.checkpoint());
  const symbols = new Set(b.step(0).flatMap((e) => (e.kind === 'status' ? [] : [e.symbol])));
  assert.equal([...symbols].sort(), BUILTIN_UNIVERSE.slice(1, 5).map((s) => s.symbol).sort());
});

test.run();

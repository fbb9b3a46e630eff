// Same seed, universe and step size ⇒ the same ticks, whatever the wall clock says; the seed and
// each symbol's own stream, not its position in the universe, decide its path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng, marketStream, symbolStream } from '../../simulator/rng.ts';
import { PRICE_CEILING, createSimulator } from '../../simulator/simulator.ts';
import { BUILTIN_UNIVERSE, customSymbol } from '../../simulator/universe.ts';
import type { SymbolSpec, TickDraft } from '../../types.ts';

const BASE = { universe: BUILTIN_UNIVERSE, seed: 20240601, intervalMs: 500, speed: 60 };
// Two and a half sessions at 30 s a step: crosses two session boundaries and their overnight gaps.
const STEPS = 2000;

function run(opts: typeof BASE, steps: number, ts: (i: number) => number): TickDraft[][] {
  const sim = createSimulator(opts);
  return Array.from({ length: steps }, (_, i) => sim.step(ts(i)));
}

function withoutTs(batches: TickDraft[][]): Omit<TickDraft, 'ts'>[][] {
  return batches.map((batch) => batch.map(({ ts: _ts, ...rest }) => rest));
}

function pathOf(batches: TickDraft[][], symbol: string): Omit<TickDraft, 'ts'>[] {
  return withoutTs(batches).map((batch) => batch.find((t) => t.symbol === symbol)!);
}

test('the same seed gives the same ticks whatever ts values are passed', () => {
  const a = run(BASE, STEPS, (i) => 1_700_000_000_000 + i * 500);
  const b = run(BASE, STEPS, (i) => 42 + ((i * 7919) % 1000));
  assert.equal(withoutTs(a), withoutTs(b));
  assert.is(a[10][3].ts, 1_700_000_000_000 + 10 * 500, 'ts is the stamp passed in');
});

test('each step emits one tick per symbol, in universe order', () => {
  const [batch] = run(BASE, 1, () => 0);
  assert.equal(batch.map((t) => t.symbol), BUILTIN_UNIVERSE.map((s) => s.symbol));
});

test('a different seed gives a different path', () => {
  const a = pathOf(run(BASE, 200, () => 0), 'AAPL');
  const b = pathOf(run({ ...BASE, seed: BASE.seed + 1 }, 200, () => 0), 'AAPL');
  const differing = a.filter((tick, i) => tick.price !== b[i].price).length;
  assert.ok(differing > 150, `only ${differing} of 200 prices differ`);
});

test('seeds beyond 32 bits are not truncated', () => {
  const low = symbolStream(5, 'AAPL');
  const high = symbolStream(5 + 2 ** 32, 'AAPL');
  assert.not.equal(low, high);
});

test('adding or reordering symbols leaves the other symbols paths unchanged', () => {
  const base = run(BASE, 900, () => 0);
  const extra: SymbolSpec = customSymbol('QAA', 50);
  const wider = run({ ...BASE, universe: [extra, ...[...BUILTIN_UNIVERSE].reverse()] }, 900, () => 0);
  for (const { symbol } of BUILTIN_UNIVERSE) {
    assert.equal(pathOf(wider, symbol), pathOf(base, symbol), symbol);
  }
});

test('a generator restored from its state, spare normal included, continues identically', () => {
  const original = createRng(symbolStream(7, 'MSFT'));
  original.normal(); // leaves the polar method's second value cached
  const state = original.getState();
  assert.type(state.spare, 'number');
  const copy = createRng(JSON.parse(JSON.stringify(state)));
  const next = (rng: typeof original) => [rng.normal(), rng.normal(), rng.uniform(), rng.next32()];
  assert.equal(next(copy), next(original));
});

test('the market stream differs from every symbol stream of the same seed', () => {
  assert.not.equal(marketStream(1).s, symbolStream(1, '').s);
});

test('checkpoint then restore continues exactly as the original, mid-session and with a pending shock', () => {
  const original = createSimulator(BASE);
  for (let i = 0; i < 777; i++) original.step(i); // three steps before the first session boundary
  original.shock('NVDA', -7.5);
  const saved = original.checkpoint();

  const restored = createSimulator(BASE);
  restored.step(0); // state that the restore must overwrite entirely
  restored.restore(saved);

  const expected = Array.from({ length: 900 }, (_, i) => original.step(i));
  const actual = Array.from({ length: 900 }, (_, i) => restored.step(i));
  assert.equal(actual, expected);
  assert.is(restored.checkpoint(), original.checkpoint());
});

test('restore starts symbols new to the universe fresh and keeps the others', () => {
  const small = createSimulator({ ...BASE, universe: BUILTIN_UNIVERSE.slice(0, 3) });
  for (let i = 0; i < 50; i++) small.step(i);
  const saved = small.checkpoint();
  const wide = createSimulator(BASE);
  wide.restore(saved);
  const batch = wide.step(0);
  const reference = small.step(0);
  assert.equal(batch.slice(0, 3), reference);
  const fresh = batch[5];
  assert.is(fresh.prevClose, BUILTIN_UNIVERSE[5].price, 'a new symbol starts from its configured price');
  assert.is(fresh.volume, fresh.size);
});

test('restore rejects a damaged checkpoint with a clear message', () => {
  const sim = createSimulator(BASE);
  assert.throws(() => sim.restore('{'), /invalid simulator checkpoint/);
  const data = JSON.parse(sim.checkpoint());
  data.symbols[0].price = -1;
  assert.throws(() => sim.restore(JSON.stringify(data)), /AAPL/);
});

test('resumeFromTicks continues each symbol from its newest tick, deterministically', () => {
  const first = createSimulator(BASE);
  let last: TickDraft[] = [];
  for (let i = 0; i < 100; i++) last = first.step(i);
  const latest = last.map((tick, i) => ({ ...tick, id: 1189 + i }));

  const resume = () => {
    const sim = createSimulator(BASE);
    sim.resumeFromTicks(latest);
    return Array.from({ length: 20 }, (_, i) => sim.step(i));
  };
  const a = resume();
  assert.equal(a, resume());
  for (const tick of a[0]) {
    const before = latest.find((t) => t.symbol === tick.symbol)!;
    assert.is(tick.prevClose, before.prevClose, `${tick.symbol} prevClose carries over`);
    assert.is(tick.open, before.open, `${tick.symbol} open carries over`);
    assert.is(tick.volume, before.volume + tick.size, `${tick.symbol} volume accumulates`);
    assert.ok(Math.abs(tick.price / before.price - 1) < 0.01, `${tick.symbol} continues from its last price`);
  }
  // The resumed streams are re-keyed by the newest id, so they do not replay the run's opening.
  const opening = run(BASE, 20, (i) => i).map((b) => b.map((t) => t.size));
  assert.not.equal(a.map((b) => b.map((t) => t.size)), opening);
});

test('shock moves the price by the given percentage at the next step', () => {
  const plain = createSimulator(BASE);
  const shocked = createSimulator(BASE);
  plain.step(0);
  shocked.step(0);
  shocked.shock('tsla', 10); // case-insensitive, like the stream filter
  const i = BUILTIN_UNIVERSE.findIndex((s) => s.symbol === 'TSLA');
  const p = plain.step(1)[i].price;
  const s = shocked.step(1)[i].price;
  assert.ok(Math.abs(s / p - 1.1) < 0.0001, `${s} is not 10% above ${p}`);
  assert.equal(shocked.step(2).filter((_, j) => j !== i), plain.step(2).filter((_, j) => j !== i));
});

test('shock rejects an unknown symbol and an impossible percentage', () => {
  const sim = createSimulator(BASE);
  assert.throws(() => sim.shock('NOPE', 5), /unknown symbol "NOPE"/);
  assert.throws(() => sim.shock('AAPL', -100), /above -100/);
});

test('repeated shocks cannot push a price past the ceiling where cents stop being exact', () => {
  const sim = createSimulator(BASE);
  sim.step(0);
  let refused: unknown;
  for (let i = 0; i < 40 && !refused; i++) {
    try {
      sim.shock('AAPL', 1000);
      sim.step(i + 1);
    } catch (err) {
      refused = err;
    }
  }
  assert.instance(refused, RangeError);
  assert.match(String((refused as Error).message), /AAPL above/);
  const aapl = sim.step(99).find((t) => t.symbol === 'AAPL')!;
  assert.ok(aapl.price <= PRICE_CEILING && Number.isSafeInteger(Math.round(aapl.price * 100)));
  // The state still round-trips: nothing unrepresentable got in.
  const copy = createSimulator(BASE);
  copy.restore(sim.checkpoint());
  assert.equal(copy.step(100), sim.step(100));
});

test.run();

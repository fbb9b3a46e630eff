// The seed and each symbol's own streams, not its position in the universe, decide its path: a
// symbol's events do not change when others join or the universe is reordered (at the same
// per-symbol budget). Generators restore exactly; admin shocks move one price by the percentage
// asked and nothing else; a shock cannot push a price past the ceiling where cents stop being
// exact; a damaged checkpoint is refused by name. (Ported from model 1's seeded-paths test.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMarket, type MarketOptions } from '../../simulator/market.ts';
import { PRICE_CEILING } from '../../simulator/prices.ts';
import { createRng, symbolStream } from '../../simulator/rng.ts';
import { BUILTIN_UNIVERSE, customSymbol } from '../../simulator/universe.ts';
import type { MarketEventDraft, SymbolSpec } from '../../types.ts';

// The server's defaults: --interval 500 --speed 60 (30 s steps), --max-events-per-second 100.
const BASE: MarketOptions = {
  universe: BUILTIN_UNIVERSE,
  seed: 20240601,
  stepSeconds: 30,
  maxEventsPerStep: 50,
  hours: 'regular',
  startDate: '2026-01-05',
};

type Stamped = Exclude<MarketEventDraft, { kind: 'status' }>;

/** Each symbol's events in order, without what depends on the others (ts, marketTime). */
function perSymbol(opts: MarketOptions, steps: number): Map<string, unknown[]> {
  const market = createMarket(opts);
  const paths = new Map<string, unknown[]>();
  for (let i = 0; i < steps; i++) {
    for (const e of market.step(0)) {
      if (e.kind === 'status') continue;
      const { ts: _ts, marketTime: _mt, ...rest } = e as Stamped;
      const path = paths.get(e.symbol) ?? [];
      path.push(rest);
      paths.set(e.symbol, path);
    }
  }
  return paths;
}

/** The unrounded efficient price of every symbol, from the checkpoint. */
const prices = (checkpoint: string) =>
  (JSON.parse(checkpoint) as { symbols: { symbol: string; price: number }[] }).symbols.map((s) => s.price);

test('seeds beyond 32 bits are not truncated', () => {
  assert.not.equal(symbolStream(5, 'AAPL'), symbolStream(5 + 2 ** 32, 'AAPL'));
  const a = createMarket({ ...BASE, seed: 5 }).step(0);
  const b = createMarket({ ...BASE, seed: 5 + 2 ** 32 }).step(0);
  assert.not.equal(a, b);
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

test('adding or reordering symbols leaves the other symbols events unchanged', () => {
  // 12 symbols at 132 events and 13 at 145 give both 5 prints a symbol a step.
  const steps = 1600; // two trading days and their overnight moves
  const base = perSymbol({ ...BASE, maxEventsPerStep: 132 }, steps);
  const extra: SymbolSpec = customSymbol('QAA', 50);
  const wider = perSymbol({ ...BASE, maxEventsPerStep: 145, universe: [extra, ...[...BUILTIN_UNIVERSE].reverse()] }, steps);
  assert.ok(wider.get('QAA')!.length > 1000);
  for (const { symbol } of BUILTIN_UNIVERSE) {
    assert.ok(base.get(symbol)!.length > 1000, symbol);
    assert.equal(wider.get(symbol), base.get(symbol), symbol);
  }
});

test('shock moves the price by the given percentage at the next step, and nothing else', () => {
  const plain = createMarket(BASE);
  const shocked = createMarket(BASE);
  for (let i = 0; i < 100; i++) {
    plain.step(0);
    shocked.step(0);
  }
  shocked.shock('tsla', 10); // case-insensitive, like the stream filter
  const i = BUILTIN_UNIVERSE.findIndex((s) => s.symbol === 'TSLA');
  const a = plain.step(0);
  const b = shocked.step(0);
  const ratio = prices(shocked.checkpoint())[i] / prices(plain.checkpoint())[i];
  assert.ok(Math.abs(ratio - 1.1) < 1e-9, `TSLA moved ×${ratio}, not ×1.1`);
  const tsla = (events: MarketEventDraft[]) => events.filter((e) => e.kind !== 'status' && e.symbol === 'TSLA');
  const mid = (e: MarketEventDraft) => (e.kind === 'status' ? NaN : (e.bid + e.ask) / 2);
  const quoted = mid(tsla(b).at(-1)!) / mid(tsla(a).at(-1)!);
  assert.ok(Math.abs(quoted - 1.1) < 0.002, `TSLA's quote moved ×${quoted}`);
  const others = (events: MarketEventDraft[]) => events.filter((e) => e.kind === 'status' || e.symbol !== 'TSLA');
  assert.equal(others(b), others(a));
});

test('shock rejects an unknown symbol and an impossible percentage', () => {
  const market = createMarket(BASE);
  assert.throws(() => market.shock('NOPE', 5), /unknown symbol "NOPE"/);
  assert.throws(() => market.shock('AAPL', -100), /above -100/);
  assert.throws(() => market.shock('AAPL', Number.NaN), /finite/);
});

test('repeated shocks cannot push a price past the ceiling where cents stop being exact', () => {
  const market = createMarket(BASE);
  market.step(0);
  let refused: unknown;
  for (let i = 0; i < 40 && !refused; i++) {
    try {
      market.shock('AAPL', 1000);
      market.step(0);
    } catch (err) {
      refused = err;
    }
  }
  assert.instance(refused, RangeError);
  assert.match(String((refused as Error).message), /AAPL above/);
  for (let i = 0; i < 5; i++) {
    for (const e of market.step(0)) {
      if (e.kind === 'status' || e.symbol !== 'AAPL') continue;
      assert.ok(e.ask <= PRICE_CEILING * 1.01 && Number.isSafeInteger(Math.round(e.ask * 100)));
    }
  }
  // The state still round-trips: nothing unrepresentable got in.
  const copy = createMarket(BASE);
  copy.restore(market.checkpoint());
  assert.equal(copy.step(1), market.step(1));
});

test('restore starts symbols new to the universe at their configured price and keeps the others', () => {
  const small = createMarket({ ...BASE, universe: BUILTIN_UNIVERSE.slice(0, 3) });
  for (let i = 0; i < 50; i++) small.step(0);
  const wide = createMarket(BASE);
  wide.restore(small.checkpoint());
  const saved = prices(small.checkpoint());
  const restored = prices(wide.checkpoint());
  assert.equal(restored.slice(0, 3), saved);
  assert.equal(restored.slice(3), BUILTIN_UNIVERSE.slice(3).map((s) => s.price));
  const firstTrade = new Map<string, MarketEventDraft>();
  for (let i = 0; i < 50; i++) {
    for (const e of wide.step(0)) if (e.kind === 'tick' && !firstTrade.has(e.symbol)) firstTrade.set(e.symbol, e);
  }
  const nflx = firstTrade.get('NFLX')!;
  assert.ok(nflx.kind === 'tick' && nflx.prevClose === BUILTIN_UNIVERSE.find((s) => s.symbol === 'NFLX')!.price);
});

test('restore rejects a damaged checkpoint, naming what is wrong', () => {
  const market = createMarket(BASE);
  assert.throws(() => market.restore('{'), /invalid market checkpoint: not JSON/);
  const data = JSON.parse(market.checkpoint());
  data.symbols[0].price = 'x';
  assert.throws(() => market.restore(JSON.stringify(data)), /bad state for symbol AAPL/);
  const clock = JSON.parse(market.checkpoint());
  clock.clock.dayNumber = clock.clock.dayNumber - 1; // a Sunday: no trading session
  assert.throws(() => market.restore(JSON.stringify(clock)), /not on a trading session/);
});

test.run();

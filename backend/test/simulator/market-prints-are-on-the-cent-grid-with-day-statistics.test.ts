// What a client sees of a trade or a quote: money on the cent grid with no float artefacts (a
// midpoint print may land on the half cent, as midpoint executions do), a quote that is never
// locked or crossed and brackets the print, day statistics that hold together across days (open,
// high, low, volume, prevClose = the previous day's last regular print), and no symbol frozen by
// rounding. (Ported from model 1's cent-grid test.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMarket, type MarketOptions } from '../../simulator/market.ts';
import { quoteCents } from '../../simulator/microstructure.ts';
import { fromCents, toCents } from '../../simulator/prices.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import type { MarketEventDraft, SymbolSpec, TradeTick } from '../../types.ts';

type Trade = Omit<TradeTick, 'id'>;

// 30 s steps, every symbol printing each step (12 × 3 events): 2400 steps cross three days.
const OPTIONS: MarketOptions = {
  universe: BUILTIN_UNIVERSE,
  seed: 314159,
  stepSeconds: 30,
  maxEventsPerStep: 36,
  hours: 'regular',
  startDate: '2026-01-05',
};

function tape(opts: MarketOptions, steps: number): MarketEventDraft[] {
  const market = createMarket(opts);
  const out: MarketEventDraft[] = [];
  for (let i = 0; i < steps; i++) out.push(...market.step(i));
  return out;
}

const EVENTS = tape(OPTIONS, 2400);
const TRADES = EVENTS.filter((e): e is Trade => e.kind === 'tick');
// What JSON.stringify prints for money: at most two decimals (three for a half cent), never 189.42000000000002.
const CENT_TEXT = /^-?\d+(\.\d{1,2})?$/;
const HALF_CENT_TEXT = /^-?\d+(\.\d{1,2}|\.\d\d5)?$/;

test('bid and ask print on the cent grid; trade money on the cent or half-cent grid', () => {
  assert.ok(TRADES.length > 20_000, `${TRADES.length} trades`);
  for (const e of EVENTS) {
    if (e.kind === 'status') continue;
    for (const field of ['bid', 'ask'] as const) assert.ok(CENT_TEXT.test(JSON.stringify(e[field])), `${e.symbol} ${field} = ${e[field]}`);
    assert.ok(Number.isSafeInteger(e.bidSize) && Number.isSafeInteger(e.askSize));
  }
  let halfCents = 0;
  for (const t of TRADES) {
    for (const field of ['price', 'open', 'high', 'low', 'prevClose', 'change'] as const) {
      assert.ok(HALF_CENT_TEXT.test(JSON.stringify(t[field])), `${t.symbol} ${field} = ${t[field]}`);
    }
    assert.ok(/^-?\d+(\.\d{1,3})?$/.test(JSON.stringify(t.changePct)), `changePct = ${t.changePct}`);
    assert.ok(Number.isSafeInteger(t.size) && t.size > 0 && Number.isSafeInteger(t.volume));
    // Only a midpoint print between an odd number of cents lands on the half cent.
    if (!CENT_TEXT.test(JSON.stringify(t.price))) {
      halfCents += 1;
      assert.is(Math.round(t.price * 200), toCents(t.bid) + toCents(t.ask), `${t.symbol} half-cent price ${t.price} is not the midpoint`);
    }
  }
  assert.ok(halfCents > 0 && halfCents < TRADES.length * 0.05, `${halfCents} half-cent prints`);
});

test('the quote is never locked or crossed and brackets every print', () => {
  for (const e of EVENTS) {
    if (e.kind === 'status') continue;
    assert.ok(e.bid > 0 && e.bid < e.ask, `${e.symbol} locked or crossed: ${e.bid} / ${e.ask}`);
    if (e.kind === 'tick') assert.ok(e.bid <= e.price && e.price <= e.ask, `${e.symbol} ${e.price} outside ${e.bid} / ${e.ask}`);
  }
});

test('bid and ask round outwards, never narrower than the modelled spread, never below a cent', () => {
  for (const [mid, spread] of [
    [189.4237, 0.019],
    [62.001, 0.0186],
    [10.005, 0],
    [0.004, 0.00001],
    [1000, 1],
  ]) {
    const q = quoteCents(mid, spread);
    assert.ok(q.ask - q.bid >= 1, `${mid} ${spread}: ${q.bid}/${q.ask}`);
    assert.ok((q.ask - q.bid) / 100 >= spread - 1e-9, `${mid} ${spread}: spread too narrow`);
    assert.ok(q.bid >= 1 && q.bid / 100 <= Math.max(mid, 0.01) && q.ask / 100 >= mid, `${mid}: ${JSON.stringify(q)}`);
  }
  assert.equal(quoteCents(100, 0.1), { bid: 9995, ask: 10005 });
});

test('cent conversion survives float artefacts', () => {
  assert.is(toCents(189.42000000000002), 18942);
  assert.is(toCents(1.005), 101, '1.005 is 1.00499999999999989 in binary but means a cent and a half');
  assert.is(JSON.stringify(fromCents(toCents(0.1 + 0.2))), '0.3');
  assert.ok(Object.is(fromCents(-0), 0));
});

test('day statistics hold together; a day opens against the last regular print of the one before', () => {
  const bySymbol = new Map<string, Trade[]>();
  for (const t of TRADES) bySymbol.set(t.symbol, [...(bySymbol.get(t.symbol) ?? []), t]);
  const date = (t: Trade) => t.marketTime.slice(0, 10);
  for (const { symbol, price } of BUILTIN_UNIVERSE) {
    const trades = bySymbol.get(symbol)!;
    assert.is(trades[0].prevClose, price, `${symbol} first day closes against the configured price`);
    let days = 1;
    trades.forEach((t, i) => {
      assert.ok(t.low <= t.price && t.price <= t.high, `${symbol}#${i} ${t.low} <= ${t.price} <= ${t.high}`);
      assert.ok(t.low <= t.open && t.open <= t.high, `${symbol}#${i} open ${t.open} outside the range`);
      assert.is(t.change, fromCents(Math.round((t.price - t.prevClose) * 1e4) / 100), `${symbol}#${i} change`);
      const pct = ((t.price - t.prevClose) / t.prevClose) * 100;
      assert.ok(Math.abs(t.changePct - pct) <= 0.0005 + 1e-12, `${symbol}#${i} changePct ${t.changePct} vs ${pct}`);
      assert.ok(t.volume >= t.size, `${symbol}#${i} volume`);
      if (i === 0) return;
      const prev = trades[i - 1];
      if (date(t) !== date(prev)) {
        days += 1;
        assert.is(t.prevClose, prev.price, `${symbol} ${date(t)} prevClose = the last print before`);
        assert.equal([t.open, t.high, t.low], [t.price, t.price, t.price], `${symbol} ${date(t)} opens at its first print`);
        assert.ok(t.volume < prev.volume, `${symbol} ${date(t)} volume restarts`);
        return;
      }
      // Unprinted trades add to volume too, so it grows by at least the print's size.
      assert.ok(t.volume >= prev.volume + t.size, `${symbol}#${i} volume`);
      assert.is(t.open, prev.open, `${symbol}#${i} open changed within the day`);
      assert.is(t.prevClose, prev.prevClose, `${symbol}#${i} prevClose changed within the day`);
      assert.is(t.high, Math.max(prev.high, t.price), `${symbol}#${i} high`);
      assert.is(t.low, Math.min(prev.low, t.price), `${symbol}#${i} low`);
    });
    assert.is(days, 4, `${symbol}: three day boundaries`);
  }
});

test('a low-volatility symbol does not freeze on the cent grid', () => {
  // 3 s a step at 5 % volatility: a typical step moves the price by about $0.0002, far below a
  // cent. Rounding the carried price would pin it for ever; the unrounded price must wander.
  const calm: SymbolSpec = { symbol: 'CALM', name: 'Calm', price: 10, volatility: 0.05, drift: 0.05, spreadBps: 1, beta: 0.5 };
  const market = createMarket({ ...OPTIONS, universe: [calm], stepSeconds: 3 });
  const unrounded = () => (JSON.parse(market.checkpoint()) as { symbols: { price: number }[] }).symbols[0].price;
  const quoted = new Set<number>();
  let previous = unrounded();
  let stuck = 0;
  for (let i = 0; i < 20_000; i++) {
    for (const e of market.step(i)) if (e.kind !== 'status') quoted.add(e.bid);
    const now = unrounded();
    if (now === previous) stuck += 1;
    previous = now;
  }
  assert.is(stuck, 0, 'the unrounded price stood still');
  assert.ok(quoted.size >= 5, `only ${quoted.size} distinct bids`);
});

test.run();

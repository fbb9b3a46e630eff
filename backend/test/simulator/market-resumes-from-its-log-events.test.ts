// With no usable checkpoint (a former leader whose log grew by replication), the market continues
// from its log's events alone: the clock where the tape stands (the same step grid, the same
// session and day, or the next session's opening after a close), each symbol from its newest
// quote and its day's statistics from its newest trade, deterministically for a given log.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelVersionError, createMarket, type MarketOptions } from '../../simulator/market.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import type { MarketEvent, MarketEventDraft, QuoteEvent, TradeTick } from '../../types.ts';

// The server's defaults: 500 ms × speed 60 = 30 s steps, 100 events/s × 0.5 s = 50 a step.
const OPTIONS: MarketOptions = {
  universe: BUILTIN_UNIVERSE,
  seed: 8080,
  stepSeconds: 30,
  maxEventsPerStep: 50,
  hours: 'regular',
  startDate: '2026-01-05',
};
const STEPS_A_DAY = 781; // the opening cross and 780 steps of 30 s

/** A tape of `steps` steps as its log holds it (ids from 1), and the market that wrote it. */
function logged(opts: MarketOptions, steps: number) {
  const market = createMarket(opts);
  const log: MarketEvent[] = [];
  for (let i = 0; i < steps; i++) for (const e of market.step(i)) log.push({ id: log.length + 1, ...e } as MarketEvent);
  return { market, log };
}

/** What the pipeline reads from a log: each symbol's newest trade and quote, the newest event. */
function latestOf(log: MarketEvent[]) {
  const trades = new Map<string, TradeTick>();
  const quotes = new Map<string, QuoteEvent>();
  for (const e of log) {
    if (e.kind === 'tick') trades.set(e.symbol, e);
    else if (e.kind === 'quote') quotes.set(e.symbol, e);
  }
  return { trades: [...trades.values()], quotes: [...quotes.values()], newest: log.at(-1) ?? null, lastId: log.length };
}

function resumed(opts: MarketOptions, log: MarketEvent[], steps: number) {
  const market = createMarket(opts);
  market.resumeFromEvents(latestOf(log));
  const events: MarketEventDraft[] = [];
  for (let i = 0; i < steps; i++) events.push(...market.step(i));
  return { market, events };
}

const at = (e: { marketTime: string }) => Date.parse(e.marketTime);
const mid = (e: { bid: number; ask: number }) => (e.bid + e.ask) / 2;
const withoutTs = (events: MarketEventDraft[]) => events.map(({ ts: _ts, ...rest }) => rest);

test('cut mid-session: the resumed tape goes on in the same session, after the cut, from the same prices', () => {
  const cut = 2 * STEPS_A_DAY + 300; // Wednesday 2026-01-07, 12:00 ET
  const { market: original, log } = logged(OPTIONS, cut);
  const last = log.at(-1)!;
  const { market, events } = resumed(OPTIONS, log, 40);
  assert.is(market.now() - 40 * 30_000, original.now(), 'the resumed clock is on the original step grid');
  assert.ok(events.length > 500);
  assert.ok(events.every((e) => e.kind !== 'status' && e.session === 'regular'), 'no session change 20 minutes in');
  assert.ok(at(events[0]) > at(last), `${events[0].marketTime} after ${last.marketTime}`);
  assert.is(events[0].marketTime.slice(0, 10), last.marketTime.slice(0, 10));

  const before = latestOf(log);
  for (const quote of before.quotes) {
    const next = events.find((e) => e.kind !== 'status' && e.symbol === quote.symbol)!;
    assert.ok(next.kind !== 'status');
    const spread = quote.ask - quote.bid;
    assert.ok(Math.abs(mid(next) - mid(quote)) <= 4 * spread + 0.002 * mid(quote), `${quote.symbol}: ${mid(quote)} -> ${mid(next)}`);
  }
  for (const trade of before.trades) {
    const next = events.find((e): e is Omit<TradeTick, 'id'> => e.kind === 'tick' && e.symbol === trade.symbol)!;
    assert.is(next.open, trade.open, `${trade.symbol} open carries over`);
    assert.is(next.prevClose, trade.prevClose, `${trade.symbol} prevClose carries over`);
    assert.ok(next.volume >= trade.volume + next.size, `${trade.symbol} volume accumulates`);
    assert.ok(next.high >= trade.high && next.low <= trade.low, `${trade.symbol} high and low carry over`);
  }
});

test('the same log always resumes to the same tape, and not to a replay of the original one', () => {
  const { market: original, log } = logged(OPTIONS, 500);
  const a = resumed(OPTIONS, log, 200).events;
  const b = resumed(OPTIONS, log, 200).events;
  assert.equal(withoutTs(a), withoutTs(b));
  const continued: MarketEventDraft[] = [];
  for (let i = 0; i < 200; i++) continued.push(...original.step(i));
  assert.not.equal(withoutTs(a), withoutTs(continued));
  // Another log (one more step) resumes on other streams.
  const other = resumed(OPTIONS, logged(OPTIONS, 501).log, 199).events;
  assert.not.equal(withoutTs(other).slice(0, 100), withoutTs(a).slice(0, 100));
});

test('cut at the close: the resumed tape opens the next trading day against the last print', () => {
  const { log } = logged(OPTIONS, 4 * STEPS_A_DAY); // Thursday's close
  const last = log.at(-1)!;
  assert.equal([last.kind, last.session, last.marketTime], ['status', 'closed', '2026-01-08T16:00:00.000-05:00']);
  const { market, events } = resumed(OPTIONS, log, 10);
  const [open] = events;
  assert.equal([open.kind, open.session, open.marketTime], ['status', 'regular', '2026-01-09T09:30:00.000-05:00']);
  assert.is(market.now(), createMarketAfter(OPTIONS, 4 * STEPS_A_DAY + 10).now(), 'the same clock as the original tape');
  for (const trade of latestOf(log).trades) {
    const next = events.find((e): e is Omit<TradeTick, 'id'> => e.kind === 'tick' && e.symbol === trade.symbol)!;
    assert.is(next.prevClose, trade.price, `${trade.symbol} closed at its last print`);
    assert.is(next.open, next.price, `${trade.symbol} a new day opens at its first print`);
    assert.ok(next.volume < trade.volume, `${trade.symbol} volume restarts`);
  }
});

test('extended hours: a cut in the after-hours session resumes there; the next day closes against the regular close', () => {
  const opts: MarketOptions = { ...OPTIONS, hours: 'extended', startDate: '2026-03-05' };
  const steps = 1 + 660 + 780 + 200; // the cross, pre-market, regular, 100 minutes of after-hours
  const { log } = logged(opts, steps);
  const last = log.at(-1)!;
  assert.is(last.session, 'after-hours');
  const { events } = resumed(opts, log, 400);
  assert.ok(at(events[0]) > at(last) && events[0].session === 'after-hours');
  const close = events.find((e) => e.kind === 'status' && e.session === 'closed')!;
  assert.is(close.marketTime, '2026-03-05T20:00:00.000-05:00');
  const regularClose = new Map<string, number>();
  for (const e of log) if (e.kind === 'tick' && e.session === 'regular') regularClose.set(e.symbol, e.price);
  const tomorrow = events.filter((e): e is Omit<TradeTick, 'id'> => e.kind === 'tick' && e.marketTime.startsWith('2026-03-06'));
  for (const [symbol, price] of regularClose) {
    assert.is(tomorrow.find((t) => t.symbol === symbol)!.prevClose, price, symbol);
  }
});

test('symbols without events start fresh; an empty log resumes to the tape from the start date', () => {
  const { log } = logged({ ...OPTIONS, universe: BUILTIN_UNIVERSE.slice(0, 3) }, 300);
  const { events } = resumed(OPTIONS, log, 5);
  const nflx = events.find((e) => e.kind !== 'status' && e.symbol === 'NFLX')!;
  assert.ok(nflx.kind !== 'status' && Math.abs(mid(nflx) / 650 - 1) < 0.01, 'NFLX from its configured price');

  const empty = createMarket(OPTIONS);
  empty.resumeFromEvents({ trades: [], quotes: [], newest: null, lastId: 0 });
  assert.equal(withoutTs(empty.step(0)), withoutTs(createMarket(OPTIONS).step(0)));
});

test('a log written by market model 1 (ticks without marketTime) is refused', () => {
  const tick = { id: 9, ts: 1, symbol: 'AAPL', price: 189.5, bid: 189.49, ask: 189.51, size: 100, volume: 100, open: 189.5, high: 189.5, low: 189.5, prevClose: 189.5, change: 0, changePct: 0 };
  const market = createMarket(OPTIONS);
  try {
    market.resumeFromEvents({ trades: [tick as TradeTick], quotes: [], newest: tick as unknown as MarketEvent, lastId: 9 });
    assert.unreachable('refused');
  } catch (error) {
    assert.instance(error, ModelVersionError);
    assert.is((error as ModelVersionError).found, 1);
  }
  const bad = { ...latestOf(logged(OPTIONS, 3).log) };
  bad.newest = { ...bad.newest!, marketTime: 'yesterday' };
  assert.throws(() => market.resumeFromEvents(bad), /marketTime "yesterday", not ISO 8601/);
});

function createMarketAfter(opts: MarketOptions, steps: number) {
  const market = createMarket(opts);
  for (let i = 0; i < steps; i++) market.step(i);
  return market;
}

test.run();

// The table's model (src/ticker-table/rows.ts, market.ts) on the events of market model 2: a quote
// changes a row's bid and ask (and sizes) but not its price, so it neither moves the arrow nor
// flashes the row; a trade does as before; status events and the session each event carries keep
// the table's market session and clock, telling the page of a new session at once and of a moved
// clock once per frame. Rows fed by a server before model 2 (trades only) keep no sizes. (Unit tests
// in Node, fed through the fake feed.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { QuoteEvent } from '../../backend/types.ts';
import { formatMarketTime, marketClockText } from '../demo/market-clock.ts';
import { MarketClock, SESSION_LABELS } from '../src/ticker-table/market.ts';
import { QuoteRows } from '../src/ticker-table/rows.ts';
import { fakeFeed, fakeMarketTime, recorder, settle } from './helpers/fake-feed.ts';

const SRC = 'http://feed.test/stream';

/** A table's rows and market clock, fed by a subscription as the component feeds them. */
async function table(session: 'regular' | null) {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT'], session);
  const rows = new QuoteRows(() => 48);
  const clock = new MarketClock();
  const told: string[] = [];
  const tell = (m: { session?: string; marketTime?: string }) => {
    if (!m.session || !m.marketTime) return;
    const change = clock.update({ session: m.session as never, marketTime: m.marketTime });
    if (change === 'session') told.push(clock.take()!.session);
  };
  const r = recorder();
  hub.subscribe(SRC, {}, {
    ...r.listener,
    snapshot: (ticks) => {
      rows.clear();
      for (const t of ticks) rows.add(t);
    },
    tick: (t) => {
      tell(t);
      rows.apply(t);
    },
    quote: (q) => {
      tell(q);
      rows.applyQuote(q);
    },
    market: tell,
  });
  await settle();
  server.serve(server.only);
  const row = (symbol: string) => rows.ordered().find((x) => x.tick.symbol === symbol)!;
  return { server, rows, clock, told, row };
}

test('a quote updates the bid, the ask and their sizes, not the price: no arrow, no flash', async () => {
  const { server, rows, row } = await table('regular');
  const before = row('AAPL');
  const price = before.tick.price;
  const [quote] = server.publish({ quote: 'AAPL' }) as QuoteEvent[];
  const after = row('AAPL');
  assert.equal(after.book, { id: quote.id, bid: quote.bid, ask: quote.ask, bidSize: 200, askSize: 400 });
  assert.is(after.tick.price, price);
  assert.is(after.moves, 0, 'no price move: the row does not flash');
  assert.is(after.move, null, 'no arrow');
  assert.is(after.view, null, 'its cells are formatted again');
  assert.ok(rows.hasSizes);

  server.publish('AAPL'); // a trade: its own quote in force, and a move
  assert.is(row('AAPL').book.id, server.log.lastId);
  assert.is(row('AAPL').book.bidSize, 300);
  assert.is(row('AAPL').moves, 1);
});

test('an older quote, or one of a symbol with no row yet, changes nothing', () => {
  const rows = new QuoteRows(() => 48);
  const tick = { id: 5, ts: 0, symbol: 'AAPL', price: 10, bid: 9.99, ask: 10.01, size: 100, volume: 100, open: 10, high: 10, low: 10, prevClose: 10, change: 0, changePct: 0 };
  rows.add(tick);
  const quote = (id: number, symbol = 'AAPL'): QuoteEvent => ({
    id, ts: 0, symbol, bid: 9.5, ask: 10.5, bidSize: 100, askSize: 100, marketTime: fakeMarketTime(id), session: 'regular', kind: 'quote',
  });
  assert.not.ok(rows.applyQuote(quote(4)), 'older than the trade');
  assert.not.ok(rows.applyQuote(quote(6, 'MSFT')), 'MSFT has not traded: no row');
  assert.is(rows.ordered().length, 1);
  assert.ok(rows.applyQuote(quote(7)));
  assert.not.ok(rows.applyQuote(quote(6)), 'older than the quote in force');
  assert.is(rows.ordered()[0].book.id, 7);
});

test('status events and each event’s session keep the session; the page is told each change once', async () => {
  const { server, clock, told } = await table('regular');
  assert.equal(clock.current, { session: 'regular', marketTime: fakeMarketTime(2) }, 'from the snapshot');
  server.publish('AAPL', { quote: 'MSFT' });
  assert.equal(told, ['regular']);
  assert.equal(clock.current, { session: 'regular', marketTime: fakeMarketTime(4) }, 'the clock follows every event');
  assert.equal(clock.take(), { session: 'regular', marketTime: fakeMarketTime(4) }, 'a moved clock is told with the next frame');
  assert.is(clock.take(), null, 'and only once');
  server.publish({ status: 'after-hours' }, { status: 'closed' }, { status: 'pre-market' });
  assert.equal(told, ['regular', 'after-hours', 'closed', 'pre-market'], 'every session, in order, even within one frame');
  assert.is(SESSION_LABELS[clock.current!.session], 'Pre-market');
});

test('a server before market model 2: no sizes, no session', async () => {
  const { server, rows, clock, row } = await table(null);
  server.publish('AAPL');
  assert.not.ok(rows.hasSizes, 'the size columns stay hidden');
  assert.is(row('AAPL').book.bidSize, undefined);
  assert.is(clock.current, null);
});

test('the market clock as the demo shows it: New York time from the string itself', () => {
  assert.is(formatMarketTime('2026-03-02T09:31:05.250-05:00'), 'Mon 2 Mar 2026 09:31:05 ET');
  assert.is(formatMarketTime('2026-07-03T16:00:00-04:00'), 'Fri 3 Jul 2026 16:00:00 ET');
  assert.is(formatMarketTime('yesterday'), null);
  assert.is(marketClockText({ session: 'regular', marketTime: '2026-03-02T09:31:05.250-05:00' }), 'Mon 2 Mar 2026 09:31:05 ET · Regular session');
});

test.run();

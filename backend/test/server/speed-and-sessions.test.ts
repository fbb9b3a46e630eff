// --speed through a real server: with interval × speed = 780 simulated seconds per batch, a 6.5 h
// regular session is 30 batches of exchange time, and the tape follows the exchange clock: a
// `status` event opens each trading day's session at 09:30 New York time and another closes it at
// 16:00, and the next session is the next trading day's. At each open prevClose = the previous
// session's last trade price and open, high, low and volume restart; within a session they accumulate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contiguity, getJson, waitUntil } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { firstEvents } from './fixtures.ts';
import type { MarketEvent, StatusEvent, TradeTick } from '../../types.ts';

const INTERVAL_MS = 5;
const SPEED = 156000; // 5 ms × 156000 = 780 s per batch
const SYMBOLS = ['AAPL', 'MSFT', 'XOM'];
const SESSIONS = 4;

let server: TestServer;
/** Each session's events, from its opening `status` to its closing one. */
let sessions: MarketEvent[][];

test.before(async () => {
  // 10 events a batch: every symbol reports (trades and quotes) every batch.
  server = await startTestServer({ interval: INTERVAL_MS, speed: SPEED, symbols: SYMBOLS.join(','), seed: 65, 'max-events-per-second': 2000 });
  const closes = await waitUntil(async () => {
    const { body } = await getJson(`${server.url}/api/events?events=status&limit=100`);
    const closed = (body.events as StatusEvent[]).filter((e) => e.session === 'closed');
    return closed.length >= SESSIONS ? closed : undefined;
  }, `${SESSIONS} sessions`, 20000);
  const events = await firstEvents(server.url, closes[SESSIONS - 1].id);
  assert.is(contiguity(events.map((t) => t.id)), null);
  sessions = [];
  for (const event of events) {
    if (event.kind === 'status' && event.session === 'regular') sessions.push([]);
    sessions.at(-1)!.push(event);
  }
});
test.after(() => server?.close());

const cents = (x: number) => Math.round(x * 100);
const trades = (events: MarketEvent[], symbol: string) => events.filter((e): e is TradeTick => e.kind === 'tick' && e.symbol === symbol);

test('each session runs from a status at 09:30 to a status at 16:00 New York time, on consecutive trading days', () => {
  assert.is(sessions.length, SESSIONS);
  const days: string[] = [];
  for (const session of sessions) {
    const [open, close] = [session[0], session.at(-1)!];
    const day = open.marketTime.slice(0, 10);
    days.push(day);
    assert.equal([open.kind, open.session, open.marketTime.slice(10)], ['status', 'regular', 'T09:30:00.000-05:00'], `${day} opens`);
    assert.equal([close.kind, close.session, close.marketTime.slice(10)], ['status', 'closed', 'T16:00:00.000-05:00'], `${day} closes`);
    for (const event of session.slice(1, -1)) {
      assert.is(event.session, 'regular', `${event.kind} ${event.id}`);
      assert.ok(event.marketTime.startsWith(day) && event.marketTime >= open.marketTime && event.marketTime <= close.marketTime, `${event.kind} ${event.id} at ${event.marketTime}`);
    }
    for (const symbol of SYMBOLS) assert.ok(trades(session, symbol).length >= 30, `${day}: ${symbol} trades every batch`);
  }
  // The default start date, Monday 5 January 2026, and the trading days after it.
  assert.equal(days, ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08']);
});

test('each session after the first opens with prevClose = the last price before it; open/high/low/volume restart', () => {
  for (let day = 1; day < sessions.length; day++) {
    for (const symbol of SYMBOLS) {
      const last = trades(sessions[day - 1], symbol).at(-1)!;
      const first = trades(sessions[day], symbol)[0];
      const at = `${symbol} session ${day} (id ${first.id})`;
      assert.is(first.prevClose, last.price, `${at}: prevClose`);
      assert.not.equal(first.prevClose, last.prevClose, `${at}: prevClose moved on from the previous session's`);
      // `volume` is the whole market's since the open (printed or not): at least this print, far below a whole day's.
      assert.ok(first.volume >= first.size && first.volume < last.volume, `${at}: volume restarts (${last.volume} → ${first.volume})`);
      assert.is(first.open, first.price, `${at}: open`);
      assert.is(first.high, first.price, `${at}: high`);
      assert.is(first.low, first.price, `${at}: low`);
      assert.is(cents(first.change), cents(first.price) - cents(last.price), `${at}: change against the new prevClose`);
    }
  }
});

test('within a session, prevClose and open hold and high/low/volume accumulate', () => {
  for (const session of sessions) {
    for (const symbol of SYMBOLS) {
      const ticks = trades(session, symbol);
      for (let i = 1; i < ticks.length; i++) {
        const [prev, tick] = [ticks[i - 1], ticks[i]];
        const at = `${symbol} trade ${i} (id ${tick.id})`;
        assert.is(tick.prevClose, prev.prevClose, `${at}: prevClose`);
        assert.is(tick.open, prev.open, `${at}: open`);
        assert.is(tick.high, Math.max(prev.high, tick.price), `${at}: high`);
        assert.is(tick.low, Math.min(prev.low, tick.price), `${at}: low`);
        assert.ok(tick.volume >= prev.volume + tick.size, `${at}: volume ${prev.volume} → ${tick.volume}`);
      }
    }
  }
});

test('the first session starts from the initial price', async () => {
  const { body } = await getJson(`${server.url}/api/symbols`);
  for (const spec of body.symbols as { symbol: string; price: number }[]) {
    const first = trades(sessions[0], spec.symbol)[0];
    assert.is(first.prevClose, spec.price, spec.symbol);
  }
});

test.run();

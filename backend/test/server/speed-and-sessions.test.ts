// --speed through a real server: with interval × speed = 780 simulated seconds per batch, a 6.5 h
// session is exactly 30 batches, and every 30th batch opens a new one: prevClose = the previous
// last price; open, high, low and volume restart. Within a session they accumulate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contiguity, getJson, waitForLastId } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { firstTicks } from './fixtures.ts';
import type { Tick } from '../../types.ts';

const SESSION_SECONDS = 6.5 * 3600;
const INTERVAL_MS = 5;
const SPEED = 156000; // 5 ms × 156000 = 780 s per batch
const BATCHES_PER_SESSION = SESSION_SECONDS / ((INTERVAL_MS * SPEED) / 1000);
const SYMBOLS = ['AAPL', 'MSFT', 'XOM'];
const SESSIONS = 4;

let server: TestServer;
let bySymbol: Map<string, Tick[]>;

test.before(async () => {
  server = await startTestServer({ interval: INTERVAL_MS, speed: SPEED, symbols: SYMBOLS.join(','), seed: 65 });
  const count = SESSIONS * BATCHES_PER_SESSION * SYMBOLS.length;
  await waitForLastId(server.url, count, 20000);
  const ticks = await firstTicks(server.url, count);
  assert.is(contiguity(ticks.map((t) => t.id)), null);
  bySymbol = new Map(SYMBOLS.map((symbol) => [symbol, ticks.filter((t) => t.symbol === symbol)]));
});
test.after(() => server?.close());

const cents = (x: number) => Math.round(x * 100);

test('the settings give a whole number of batches per session', () => {
  assert.is(BATCHES_PER_SESSION, 30);
  for (const symbol of SYMBOLS) assert.is(bySymbol.get(symbol)!.length, SESSIONS * BATCHES_PER_SESSION, symbol);
});

test('every 30th batch opens a session: prevClose = the last price, open/high/low/volume restart', () => {
  for (const [symbol, ticks] of bySymbol) {
    for (let i = BATCHES_PER_SESSION; i < ticks.length; i += BATCHES_PER_SESSION) {
      const [last, first] = [ticks[i - 1], ticks[i]];
      const at = `${symbol} batch ${i} (id ${first.id})`;
      assert.is(first.prevClose, last.price, `${at}: prevClose`);
      assert.not.equal(first.prevClose, last.prevClose, `${at}: prevClose moved on from the previous session's`);
      assert.is(first.volume, first.size, `${at}: volume restarts`);
      assert.is(first.open, first.price, `${at}: open`);
      assert.is(first.high, first.price, `${at}: high`);
      assert.is(first.low, first.price, `${at}: low`);
      assert.is(cents(first.change), cents(first.price) - cents(last.price), `${at}: change against the new prevClose`);
    }
  }
});

test('within a session, prevClose and open hold and high/low/volume accumulate', () => {
  for (const [symbol, ticks] of bySymbol) {
    for (let i = 0; i < ticks.length; i++) {
      if (i % BATCHES_PER_SESSION === 0) continue;
      const [prev, tick] = [ticks[i - 1], ticks[i]];
      const at = `${symbol} batch ${i} (id ${tick.id})`;
      assert.is(tick.prevClose, prev.prevClose, `${at}: prevClose`);
      assert.is(tick.open, prev.open, `${at}: open`);
      assert.is(tick.high, Math.max(prev.high, tick.price), `${at}: high`);
      assert.is(tick.low, Math.min(prev.low, tick.price), `${at}: low`);
      assert.is(tick.volume, prev.volume + tick.size, `${at}: volume`);
    }
  }
});

test('the first session starts from the initial price', async () => {
  const { body } = await getJson(`${server.url}/api/symbols`);
  for (const spec of body.symbols as { symbol: string; price: number }[]) {
    const first = bySymbol.get(spec.symbol)![0];
    assert.is(first.prevClose, spec.price, spec.symbol);
  }
});

test.run();

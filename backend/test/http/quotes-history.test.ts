// GET /api/quotes?history=N: beside the quotes, the last N trade prices of each quoted symbol,
// oldest first, ending with that symbol's quote (so at lastEventId), from what the log retains.
// Without the parameter the answer is unchanged; a bad N is a 400 naming `history`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarketEvent, TradeTick } from '../../types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { getJson, postJson, waitForLastId } from '../helpers/http.ts';
import { assertError } from './fixtures.ts';

const TOKEN = 's3cret';
/** Events of every kind retained: trades are about half of them. */
const RETENTION = 150;
let server: TestServer;
/** The trades of the whole retained log, read after generation was paused. */
let log: TradeTick[];

test.before(async () => {
  // 10 events a 20 ms step: every symbol may trade each step (the default budget, 2, prints no trades).
  server = await startTestServer({
    interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 5, retention: RETENTION, 'admin-token': TOKEN, 'max-events-per-second': 500,
  });
  await waitForLastId(server.url, 3 * RETENTION);
  assert.is((await postJson(`${server.url}/api/admin/pause`, {}, { Authorization: `Bearer ${TOKEN}` })).status, 200);
  const events: MarketEvent[] = (await getJson(`${server.url}/api/events?after=0&limit=10000`)).body.events;
  assert.is(events.length, RETENTION);
  log = events.filter((e): e is TradeTick => e.kind === 'tick');
  assert.equal([...new Set(log.map((t) => t.symbol))].sort(), ['AAPL', 'MSFT', 'NVDA'], 'every symbol has a retained trade');
});
test.after(() => server.close());

const pricesOf = (symbol: string) => log.filter((t) => t.symbol === symbol).map((t) => t.price);

test('history=5: the last 5 prices per symbol, oldest first, ending with the quote', async () => {
  const res = await getJson(`${server.url}/api/quotes?history=5`);
  assert.is(res.status, 200);
  assert.equal(Object.keys(res.body), ['lastEventId', 'quotes', 'session', 'marketTime', 'history']);
  assert.is(res.body.lastEventId, (await getJson(`${server.url}/healthz`)).body.lastEventId);
  assert.equal(Object.keys(res.body.history), ['AAPL', 'MSFT', 'NVDA'], 'one list per quoted symbol, in quote order');
  for (const quote of res.body.quotes as TradeTick[]) {
    assert.equal(res.body.history[quote.symbol], pricesOf(quote.symbol).slice(-5), quote.symbol);
    assert.is(res.body.history[quote.symbol].at(-1), quote.price, `${quote.symbol} ends at its quote`);
  }
});

test('the quotes are those of the answer without history', async () => {
  const plain = await getJson(`${server.url}/api/quotes?symbols=MSFT`);
  const withHistory = await getJson(`${server.url}/api/quotes?symbols=MSFT&history=3`);
  assert.equal(Object.keys(plain.body), ['lastEventId', 'quotes', 'session', 'marketTime'], 'no history field unless asked');
  assert.equal(withHistory.body.quotes, plain.body.quotes);
  assert.equal(withHistory.body.history, { MSFT: pricesOf('MSFT').slice(-3) }, 'only the filtered symbols');
});

test('history=500 is bounded by the trades the log retains', async () => {
  const { body } = await getJson(`${server.url}/api/quotes?history=500`);
  let total = 0;
  for (const symbol of ['AAPL', 'MSFT', 'NVDA']) {
    assert.equal(body.history[symbol], pricesOf(symbol), `${symbol}: every retained price`);
    total += body.history[symbol].length;
  }
  assert.is(total, log.length);
  assert.ok(total < RETENTION, 'quotes take room in the log but have no price');
});

test('history=0: the field with empty lists', async () => {
  const { body } = await getJson(`${server.url}/api/quotes?symbols=aapl&history=0`);
  assert.equal(body.history, { AAPL: [] });
});

for (const bad of ['', '-1', '501', '1000000', '2.5', '1e2', 'ten', ' 5']) {
  test(`history=${JSON.stringify(bad)} is a 400 naming history`, async () => {
    assertError(await getJson(`${server.url}/api/quotes?history=${encodeURIComponent(bad)}`), 400, 'BAD_PARAMETER', /^history: .*500/);
  });
}

test('an unknown symbol is still a 400 naming it, with history', async () => {
  assertError(await getJson(`${server.url}/api/quotes?symbols=NOPE&history=5`), 400, 'UNKNOWN_SYMBOL', /NOPE/);
});

test('before the first tick: an empty history', async () => {
  const idle = await startTestServer({ interval: 1_000_000, symbols: 'AAPL', seed: 1 });
  try {
    assert.equal((await getJson(`${idle.url}/api/quotes?history=10`)).body, { lastEventId: 0, quotes: [], history: {} });
  } finally {
    await idle.close();
  }
});

test.run();

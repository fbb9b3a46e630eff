// GET /api/quotes?history=N: beside the quotes, the last N trade prices of each quoted symbol,
// oldest first, ending with that symbol's quote (so at lastEventId), from what the log retains.
// Without the parameter the answer is unchanged; a bad N is a 400 naming `history`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Tick } from '../../types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { getJson, postJson, waitForLastId } from '../helpers/http.ts';
import { assertError } from './fixtures.ts';

const TOKEN = 's3cret';
const RETENTION = 60;
let server: TestServer;
/** The whole retained log, read after generation was paused. */
let log: Tick[];

test.before(async () => {
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 5, retention: RETENTION, 'admin-token': TOKEN });
  await waitForLastId(server.url, 3 * RETENTION);
  assert.is((await postJson(`${server.url}/api/admin/pause`, {}, { Authorization: `Bearer ${TOKEN}` })).status, 200);
  log = (await getJson(`${server.url}/api/ticks?after=0&limit=10000`)).body.ticks;
});
test.after(() => server.close());

const pricesOf = (symbol: string) => log.filter((t) => t.symbol === symbol).map((t) => t.price);

test('history=5: the last 5 prices per symbol, oldest first, ending with the quote', async () => {
  const res = await getJson(`${server.url}/api/quotes?history=5`);
  assert.is(res.status, 200);
  assert.equal(Object.keys(res.body), ['lastEventId', 'quotes', 'history']);
  assert.is(res.body.lastEventId, log.at(-1)!.id);
  assert.equal(Object.keys(res.body.history), ['AAPL', 'MSFT', 'NVDA'], 'one list per quoted symbol, in quote order');
  for (const quote of res.body.quotes as Tick[]) {
    assert.equal(res.body.history[quote.symbol], pricesOf(quote.symbol).slice(-5), quote.symbol);
    assert.is(res.body.history[quote.symbol].at(-1), quote.price, `${quote.symbol} ends at its quote`);
  }
});

test('the quotes are those of the answer without history', async () => {
  const plain = await getJson(`${server.url}/api/quotes?symbols=MSFT`);
  const withHistory = await getJson(`${server.url}/api/quotes?symbols=MSFT&history=3`);
  assert.equal(Object.keys(plain.body), ['lastEventId', 'quotes'], 'no history field unless asked');
  assert.equal(withHistory.body.quotes, plain.body.quotes);
  assert.equal(withHistory.body.history, { MSFT: pricesOf('MSFT').slice(-3) }, 'only the filtered symbols');
});

test('history=500 is bounded by what the log retains', async () => {
  const { body } = await getJson(`${server.url}/api/quotes?history=500`);
  let total = 0;
  for (const symbol of ['AAPL', 'MSFT', 'NVDA']) {
    assert.equal(body.history[symbol], pricesOf(symbol), `${symbol}: every retained price`);
    total += body.history[symbol].length;
  }
  assert.is(total, RETENTION);
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

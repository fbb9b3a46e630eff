// GET /api/quotes: the newest log id, the market's session and clock, and each symbol's state (its
// latest trade with its current quote and the current session), filtered case-insensitively, each
// with the shape of a complete contract tick; unknown or malformed symbol lists are 400s naming the problem.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarketEvent, TradeTick } from '../../types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { getJson, postJson, waitUntil } from '../helpers/http.ts';
import { assertError, assertTickShape } from './fixtures.ts';

const TOKEN = 's3cret';
let server: TestServer;
/** The whole log (every kind), read after generation was paused, so every answer below describes it. */
let log: MarketEvent[];

test.before(async () => {
  // 10 events a 20 ms step: every symbol may trade each step (the default budget, 2, prints no trades).
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 1, 'admin-token': TOKEN, 'max-events-per-second': 500 });
  await waitUntil(async () => (await getJson(`${server.url}/api/quotes`)).body.quotes.length === 3, 'a trade of every symbol');
  const paused = await postJson(`${server.url}/api/admin/pause`, {}, { Authorization: `Bearer ${TOKEN}` });
  assert.is(paused.status, 200);
  log = (await getJson(`${server.url}/api/events?after=0&limit=10000`)).body.events;
  assert.ok(log.length < 10_000, 'the whole log in one page');
});
test.after(() => server.close());

/**
 * Each symbol's state, worked out from the log: its newest trade, with the bid, ask and sizes of its
 * newest quote when that is newer than the trade, and the session of the log's newest event.
 */
function statePerSymbol(events: MarketEvent[], symbols: string[]): TradeTick[] {
  const session = events.at(-1)!.session;
  return symbols.map((symbol) => {
    const trade = events.filter((e): e is TradeTick => e.kind === 'tick' && e.symbol === symbol).at(-1)!;
    const quote = events.filter((e) => e.kind === 'quote' && e.symbol === symbol && e.id > trade.id).at(-1);
    const current = quote?.kind === 'quote' ? { bid: quote.bid, ask: quote.ask, bidSize: quote.bidSize, askSize: quote.askSize } : {};
    return { ...trade, ...current, session };
  });
}

test('answers {"lastEventId","quotes","session","marketTime"} with the newest id and every symbol\'s state', async () => {
  const res = await getJson(`${server.url}/api/quotes`);
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  assert.equal(Object.keys(res.body), ['lastEventId', 'quotes', 'session', 'marketTime']);
  assert.is(res.body.lastEventId, log.at(-1)!.id);
  assert.is(res.body.lastEventId, (await getJson(`${server.url}/healthz`)).body.lastEventId);
  assert.is(res.body.session, log.at(-1)!.session);
  assert.is(res.body.marketTime, log.at(-1)!.marketTime);
  assert.equal(res.body.quotes, statePerSymbol(log, ['AAPL', 'MSFT', 'NVDA']));
});

test('every quote carries every tick field with the right type, on the cent grid, bid < ask, change = price − prevClose', async () => {
  const { body } = await getJson(`${server.url}/api/quotes`);
  assert.is(body.quotes.length, 3);
  for (const quote of body.quotes) assertTickShape(quote, `quote ${JSON.stringify(quote)}`, { state: true });
  // The same holds for every trade the feed produced, not only the newest.
  const trades = log.filter((e): e is TradeTick => e.kind === 'tick');
  assert.ok(trades.length >= 3);
  for (const tick of trades) assertTickShape(tick);
});

test('the symbols filter is case-insensitive and keeps only the named symbols', async () => {
  const { body: all } = await getJson(`${server.url}/api/quotes`);
  const res = await getJson(`${server.url}/api/quotes?symbols=msft,Nvda`);
  assert.is(res.status, 200);
  assert.is(res.body.lastEventId, all.lastEventId, 'lastEventId is the log\'s newest id whatever the filter');
  assert.is(res.body.session, all.session, 'the session is the market\'s whatever the filter');
  assert.equal(res.body.quotes, all.quotes.filter((q: TradeTick) => q.symbol === 'MSFT' || q.symbol === 'NVDA'));
  const one = await getJson(`${server.url}/api/quotes?symbols=aapl`);
  assert.equal(one.body.quotes.map((q: TradeTick) => q.symbol), ['AAPL']);
});

test('symbols are case-insensitive in ASCII only: mſft (with a long s) is unknown, not MSFT', async () => {
  // String#toUpperCase maps ſ to S; only a-z may stand for A-Z.
  assertError(await getJson(`${server.url}/api/quotes?symbols=${encodeURIComponent('mſft')}`), 400, 'UNKNOWN_SYMBOL', /MſFT/);
  assertError(await getJson(`${server.url}/api/quotes?symbols=${encodeURIComponent('msft,nvda,mſft')}`), 400, 'UNKNOWN_SYMBOL');
  const shock = await postJson(`${server.url}/api/admin/shock`, { symbol: 'mſft', pct: 1 }, { Authorization: `Bearer ${TOKEN}` });
  assertError(shock, 400, 'UNKNOWN_SYMBOL');
});

test('an unknown symbol is a 400 naming it (every unknown one)', async () => {
  assertError(await getJson(`${server.url}/api/quotes?symbols=AAPL,NOPE`), 400, 'UNKNOWN_SYMBOL', /NOPE/);
  const two = await getJson(`${server.url}/api/quotes?symbols=ZZZ,aapl,qqq`);
  assertError(two, 400, 'UNKNOWN_SYMBOL', /ZZZ/);
  assert.match(two.body.error, /QQQ/);
  assert.match(two.body.error, /symbols/);
});

for (const bad of ['', ',', 'AAPL,', ',AAPL', 'AAPL,,MSFT']) {
  test(`a malformed list symbols=${JSON.stringify(bad)} is a 400 naming symbols`, async () => {
    assertError(await getJson(`${server.url}/api/quotes?symbols=${encodeURIComponent(bad)}`), 400, 'BAD_SYMBOLS', /symbols/);
  });
}

test('before the first tick: lastEventId 0 and no quotes', async () => {
  const idle = await startTestServer({ interval: 1_000_000, symbols: 'AAPL,MSFT', seed: 1 });
  try {
    const res = await getJson(`${idle.url}/api/quotes`);
    assert.is(res.status, 200);
    assert.equal(res.body, { lastEventId: 0, quotes: [] });
  } finally {
    await idle.close();
  }
});

test.run();

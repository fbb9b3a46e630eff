// GET /api/quotes: the newest log id and the latest tick per symbol, filtered case-insensitively,
// each a complete contract tick; unknown or malformed symbol lists are 400s naming the problem.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Tick } from '../../types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { getJson, postJson, waitForLastId } from '../helpers/http.ts';
import { assertError, assertTickShape } from './fixtures.ts';

const TOKEN = 's3cret';
let server: TestServer;
/** The whole log, read after generation was paused, so every answer below describes it. */
let log: Tick[];

test.before(async () => {
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 1, 'admin-token': TOKEN });
  await waitForLastId(server.url, 60);
  const paused = await postJson(`${server.url}/api/admin/pause`, {}, { Authorization: `Bearer ${TOKEN}` });
  assert.is(paused.status, 200);
  log = (await getJson(`${server.url}/api/ticks?after=0&limit=10000`)).body.ticks;
});
test.after(() => server.close());

function newestPerSymbol(ticks: Tick[], symbols: string[]): Tick[] {
  return symbols.map((symbol) => ticks.filter((t) => t.symbol === symbol).at(-1)!);
}

test('answers {"lastEventId","quotes"} with the newest id and the newest tick of every symbol', async () => {
  const res = await getJson(`${server.url}/api/quotes`);
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  assert.equal(Object.keys(res.body), ['lastEventId', 'quotes']);
  assert.is(res.body.lastEventId, log.at(-1)!.id);
  assert.is(res.body.lastEventId, (await getJson(`${server.url}/healthz`)).body.lastEventId);
  assert.equal(res.body.quotes, newestPerSymbol(log, ['AAPL', 'MSFT', 'NVDA']));
});

test('every quote carries every tick field with the right type, on the cent grid, bid < ask, change = price − prevClose', async () => {
  const { body } = await getJson(`${server.url}/api/quotes`);
  assert.is(body.quotes.length, 3);
  for (const quote of body.quotes) assertTickShape(quote);
  // The same holds for every tick the feed produced, not only the newest.
  for (const tick of log) assertTickShape(tick);
});

test('the symbols filter is case-insensitive and keeps only the named symbols', async () => {
  const { body: all } = await getJson(`${server.url}/api/quotes`);
  const res = await getJson(`${server.url}/api/quotes?symbols=msft,Nvda`);
  assert.is(res.status, 200);
  assert.is(res.body.lastEventId, all.lastEventId, 'lastEventId is the log\'s newest id whatever the filter');
  assert.equal(res.body.quotes, all.quotes.filter((q: Tick) => q.symbol === 'MSFT' || q.symbol === 'NVDA'));
  const one = await getJson(`${server.url}/api/quotes?symbols=aapl`);
  assert.equal(one.body.quotes.map((q: Tick) => q.symbol), ['AAPL']);
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

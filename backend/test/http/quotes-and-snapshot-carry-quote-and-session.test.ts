// /api/quotes and the /stream snapshot (issue 8) over a log whose newest events are written by hand,
// so the case is exact: one entry per symbol that has traded, the trade's fields and id with bid,
// ask and sizes from a quote newer than the trade, and `session` the market's current one (a
// status event after the trades); /api/quotes adds `session` and `marketTime` at top level, and
// omits them on an empty log. The log starts as the real model wrote it (helpers/log.ts buildLog);
// the hand-made events go on top with the model's checkpoint re-tagged at the new last id, so the
// server continues it (at an interval too long to generate anything during the test).
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import { tagCheckpoint } from '../../pipeline/checkpoint.ts';
import { builtinSymbol } from '../../simulator/universe.ts';
import type { TradeTick } from '../../types.ts';
import { draft, quoteDraft, statusDraft } from '../log/fixtures/log-fixtures.ts';
import { getJson } from '../helpers/http.ts';
import { buildLog } from '../helpers/log.ts';
import { WIRE_KEYS } from '../helpers/market-events.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse } from '../helpers/sse-client.ts';

let server: TestServer;
/** Ids of the hand-made events. */
let ids: Record<'aaplTrade' | 'aaplQuote' | 'msftQuote' | 'msftTrade' | 'nvdaQuote' | 'status', number>;
let built: number;
/** The stored JSON of each event, by id. */
let stored: Map<number, string>;

test.before(async () => {
  const db = path.join(tempDir(), 'ticks.db');
  built = buildLog(db, [builtinSymbol('AAPL')!, builtinSymbol('MSFT')!, builtinSymbol('TSLA')!], 40, 5);
  const log = openLog({ path: db, retention: 1_000_000 });
  try {
    const { simulator, seed } = JSON.parse(log.checkpoint()!) as { simulator: string; seed: number };
    // AAPL: a trade, then a newer quote. MSFT: a quote, then a newer trade. NVDA: quotes only.
    // Then the market closes. TSLA keeps its last trade from the model.
    const drafts = [draft('AAPL', 11), quoteDraft('MSFT', 12), draft('MSFT', 13), quoteDraft('AAPL', 14), quoteDraft('NVDA', 15), statusDraft('after-hours', 16)];
    const rows = log.append(drafts, tagCheckpoint(log.lastId() + drafts.length, simulator, seed));
    const [aaplTrade, msftQuote, msftTrade, aaplQuote, nvdaQuote, status] = rows.map((row) => row.id);
    ids = { aaplTrade, aaplQuote, msftQuote, msftTrade, nvdaQuote, status };
    stored = new Map(log.readAfter(0, null, 1_000_000).map((row) => [row.id, row.json]));
  } finally {
    log.close();
  }
  server = await startTestServer({ db, interval: 1_000_000, symbols: 'AAPL,MSFT,NVDA,TSLA', seed: 5 });
});
test.after(() => server.close());

const json = (id: number) => JSON.parse(stored.get(id)!);

/** TSLA's newest trade and quote among the model's events. */
function tslaExpected(): TradeTick {
  let trade: TradeTick | undefined;
  let quote: { id: number; bid: number; ask: number; bidSize: number; askSize: number } | undefined;
  for (const [, text] of stored) {
    const e = JSON.parse(text);
    if (e.symbol !== 'TSLA') continue;
    if (e.kind === 'tick') trade = e;
    else quote = e;
  }
  assert.ok(trade, 'the model printed TSLA trades');
  const entry = { ...trade!, session: 'after-hours' as const };
  if (quote && quote.id > trade!.id) Object.assign(entry, { bid: quote.bid, ask: quote.ask, bidSize: quote.bidSize, askSize: quote.askSize });
  return entry;
}

function expectedEntries(): TradeTick[] {
  const aaplQuote = json(ids.aaplQuote);
  return [
    { ...json(ids.aaplTrade), bid: aaplQuote.bid, ask: aaplQuote.ask, bidSize: aaplQuote.bidSize, askSize: aaplQuote.askSize, session: 'after-hours' },
    { ...json(ids.msftTrade), session: 'after-hours' },
    tslaExpected(),
  ];
}

test('the server continued the hand-made log without generating', async () => {
  assert.is(ids.aaplTrade, built + 1);
  assert.is((await getJson(`${server.url}/healthz`)).body.lastEventId, ids.status);
});

test('/api/quotes: an entry per traded symbol with the newer quote\'s numbers and the current session; session and marketTime on top', async () => {
  const res = await getJson(`${server.url}/api/quotes`);
  assert.is(res.status, 200);
  assert.equal(Object.keys(res.body), ['lastEventId', 'quotes', 'session', 'marketTime']);
  assert.is(res.body.lastEventId, ids.status);
  assert.is(res.body.session, 'after-hours');
  assert.is(res.body.marketTime, json(ids.status).marketTime);
  assert.equal(res.body.quotes, expectedEntries());
  const [aapl, msft] = res.body.quotes as TradeTick[];
  assert.is(aapl.id, ids.aaplTrade, 'an entry\'s id is its trade\'s');
  assert.is(aapl.price, json(ids.aaplTrade).price);
  assert.is(aapl.bid, json(ids.aaplQuote).bid);
  assert.is(msft.bid, json(ids.msftTrade).bid, 'an older quote does not override the trade');
  for (const entry of res.body.quotes) assert.equal(Object.keys(entry), WIRE_KEYS.tick);
  // ?history= still comes last.
  const withHistory = await getJson(`${server.url}/api/quotes?history=2&symbols=aapl`);
  assert.equal(Object.keys(withHistory.body), ['lastEventId', 'quotes', 'session', 'marketTime', 'history']);
  assert.equal(withHistory.body.history.AAPL.at(-1), aapl.price);
});

test('/api/quotes?symbols=: only the named symbols that traded; session and marketTime are the market\'s', async () => {
  const res = await getJson(`${server.url}/api/quotes?symbols=msft,nvda`);
  assert.is(res.status, 200);
  assert.equal(res.body.quotes, [expectedEntries()[1]]);
  assert.is(res.body.session, 'after-hours');
  assert.is(res.body.marketTime, json(ids.status).marketTime);
});

test('the /stream snapshot holds the same entries, stamped with the log\'s last id; filtered by symbols', async () => {
  for (const [query, expected] of [
    ['', expectedEntries()],
    ['?symbols=aapl,nvda', [expectedEntries()[0]]],
    ['?events=quote', expectedEntries()],
  ] as const) {
    const conn = await connectSse(`${server.url}/stream${query}`);
    try {
      const snapshot = await conn.waitFor((e) => e.event === 'snapshot', 10_000, 'the snapshot');
      assert.is(snapshot.id, String(ids.status), query);
      assert.equal(JSON.parse(snapshot.data), expected, query);
    } finally {
      conn.close();
    }
  }
});

test('an empty log: lastEventId 0, no quotes, and neither session nor marketTime', async () => {
  const idle = await startTestServer({ interval: 1_000_000, symbols: 'AAPL', seed: 1 });
  try {
    const res = await getJson(`${idle.url}/api/quotes`);
    assert.equal(res.body, { lastEventId: 0, quotes: [] });
    const conn = await connectSse(`${idle.url}/stream`);
    const snapshot = await conn.waitFor((e) => e.event === 'snapshot');
    conn.close();
    assert.is(snapshot.data, '[]');
  } finally {
    await idle.close();
  }
});

test.run();

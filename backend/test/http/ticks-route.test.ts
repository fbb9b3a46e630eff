// GET /api/ticks: the trades (`tick` events) only, whatever else the log holds: pages of ascending
// ids after `after`, limit 1000 by default and clamped to 10000, `next` chaining the pages until
// null; every trade of the log pages through exactly once, filtered or not; malformed
// `after`/`limit` are 400s naming the parameter. The server runs on a log of over 10 000 trades
// (and as many quotes between them) built beforehand by the real market model, and generates
// nothing during the test.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinSymbol } from '../../simulator/universe.ts';
import type { TradeTick } from '../../types.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { getJson } from '../helpers/http.ts';
import { assertError } from './fixtures.ts';
import { buildLog } from '../helpers/log.ts';

const STEPS = 1000; // two symbols: about 14 trades a step, more than the 10 000 clamp in all
let server: TestServer;
let total: number;
/** The ids of the log's trades, read from the log itself: what /api/ticks must page through. */
let trades: number[];
let dir: string;

test.before(async () => {
  dir = tempDir();
  const db = path.join(dir, 'ticks.db');
  total = buildLog(db, [builtinSymbol('AAPL')!, builtinSymbol('MSFT')!], STEPS);
  server = await startTestServer({ db, interval: 1_000_000, symbols: 'AAPL,MSFT', seed: 1 });
  trades = server.log
    .readAfter(0, null, total)
    .filter((event) => event.kind === 'tick')
    .map((event) => event.id);
});
test.after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Page {
  ticks: TradeTick[];
  next: number | null;
}

async function page(query: string): Promise<Page> {
  const res = await getJson<Page>(`${server.url}/api/ticks${query}`);
  assert.is(res.status, 200, `${query}: ${JSON.stringify(res.body).slice(0, 200)}`);
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  assert.equal(Object.keys(res.body), ['ticks', 'next']);
  assert.ok(res.body.ticks.every((t) => t.kind === 'tick'), `${query}: trades only`);
  return res.body;
}

const ids = (ticks: TradeTick[]) => ticks.map((t) => t.id);

test('the log under test holds more than 10 000 trades, and quotes between them', async () => {
  assert.ok(trades.length > 10_000, `${trades.length} trades`);
  assert.ok(trades.length < total, `${total - trades.length} events of other kinds`);
  assert.is((await getJson(`${server.url}/healthz`)).body.lastEventId, total);
});

test('no parameters: the first 1000 trades (after defaults to 0, limit to 1000), next = the last one\'s id', async () => {
  const { ticks, next } = await page('');
  assert.equal(ids(ticks), trades.slice(0, 1000));
  assert.is(next, trades[999]);
});

test('after=N gives the trades with ids > N, ascending; next is the after of the following page', async () => {
  const first = await page(`?after=${trades[499]}&limit=10`);
  assert.equal(ids(first.ticks), trades.slice(500, 510));
  assert.is(first.next, trades[509]);
  const second = await page(`?after=${first.next}&limit=10`);
  assert.equal(ids(second.ticks), trades.slice(510, 520));
  // `after` may be the id of an event of another kind: the page starts at the next trade.
  const quoteId = trades.find((id, i) => trades[i + 1] > id + 1)! + 1;
  assert.equal(ids((await page(`?after=${quoteId}&limit=3`)).ticks), trades.filter((id) => id > quoteId).slice(0, 3));
});

test('limit above 10 000 is clamped to 10 000; exactly 10 000 is allowed', async () => {
  for (const limit of [10_001, 20_000, 2 ** 53, '9007199254740993', '99999999999999999999']) {
    const { ticks, next } = await page(`?limit=${limit}`);
    assert.equal(ids(ticks), trades.slice(0, 10_000), `limit=${limit}`);
    assert.is(next, trades[9_999]);
  }
  assert.is((await page('?limit=10000')).ticks.length, 10_000);
});

test('next is null once caught up, including on an empty page after the newest id', async () => {
  const tail = await page(`?after=${trades.at(-11)}&limit=100`);
  assert.equal(ids(tail.ticks), trades.slice(-10));
  assert.is(tail.next, null);
  assert.equal(await page(`?after=${trades.at(-1)}`), { ticks: [], next: null });
  assert.equal(await page(`?after=${total}`), { ticks: [], next: null });
  assert.equal(await page(`?after=${2 ** 53}`), { ticks: [], next: null });
});

test('paging through the whole log with next yields every trade exactly once, in order', async () => {
  for (const limit of [777, 10_000]) {
    const seen: number[] = [];
    let after: number | null = 0;
    let pages = 0;
    while (after !== null) {
      const p: Page = await page(`?after=${after}&limit=${limit}`);
      seen.push(...ids(p.ticks));
      after = p.next;
      assert.ok(++pages <= Math.ceil(trades.length / limit) + 1, 'paging terminates');
    }
    assert.equal(seen, trades, `limit=${limit}`);
  }
});

test('a symbol filter (case-insensitive) pages through exactly that symbol\'s trades', async () => {
  const everything: TradeTick[] = [];
  for (let after: number | null = 0; after !== null; ) {
    const p: Page = await page(`?after=${after}&limit=10000`);
    everything.push(...p.ticks);
    after = p.next;
  }
  const expected = ids(everything.filter((t) => t.symbol === 'MSFT'));
  assert.ok(expected.length > 0 && expected.length < trades.length);

  const seen: TradeTick[] = [];
  for (let after: number | null = 0; after !== null; ) {
    const p: Page = await page(`?symbols=msft&after=${after}&limit=999`);
    seen.push(...p.ticks);
    after = p.next;
  }
  assert.ok(seen.every((t) => t.symbol === 'MSFT'));
  assert.equal(ids(seen), expected);

  // Both symbols named: the same as no filter.
  assert.equal(await page('?symbols=AAPL,msft&after=42&limit=50'), await page('?after=42&limit=50'));
});

test('an unknown symbol or a malformed list is a 400 naming it', async () => {
  assertError(await getJson(`${server.url}/api/ticks?symbols=AAPL,NOPE`), 400, 'UNKNOWN_SYMBOL', /NOPE/);
  assertError(await getJson(`${server.url}/api/ticks?symbols=AAPL,`), 400, 'BAD_SYMBOLS', /symbols/);
});

test('limit is read like lastEventId: digits only, leading zeros allowed (000001 is 1, 0010 is 10)', async () => {
  assert.equal(ids((await page('?limit=000001')).ticks), [trades[0]]);
  assert.equal(ids((await page(`?after=${trades[4]}&limit=0010`)).ticks), trades.slice(5, 15));
  assert.is((await page('?limit=00000000000000000000010000')).ticks.length, 10_000);
});

const BAD_VALUES = ['-1', 'abc', '1.5', '', ' ', '1e3', '0x10', '+5'];
// Past 2^53 `after` is out of range; `limit` is merely large, and clamped (see above).
const TOO_LARGE = [String(2n ** 53n + 1n), '99999999999999999999'];
for (const param of ['after', 'limit']) {
  for (const bad of param === 'limit' ? [...BAD_VALUES, '0', '000000'] : [...BAD_VALUES, ...TOO_LARGE]) {
    test(`${param}=${JSON.stringify(bad)} is a 400 naming ${param}`, async () => {
      const res = await getJson(`${server.url}/api/ticks?${param}=${encodeURIComponent(bad)}`);
      assertError(res, 400, 'BAD_PARAMETER', new RegExp(`^${param}\\b`));
    });
  }
}

test.run();

// GET /api/events (issue 8): every kind in ascending ids, contiguous when unfiltered, paged by
// `after`/`limit`/`next` like /api/ticks; `events=` and `symbols=` select as on /stream (status
// events pass any symbol filter); bad parameters are 400s naming them. And GET /api/ticks, beside
// it, still answers trades only. The server generates a fast tape, then is paused, so every answer
// describes the same log.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarketEvent } from '../../types.ts';
import { contiguity, getJson, postJson, waitForLastId } from '../helpers/http.ts';
import { FAST_MARKET, WIRE_KEYS, eventsOf, selects, type KindFilter } from '../helpers/market-events.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { assertError } from './fixtures.ts';

const TOKEN = 'events-token';
let server: TestServer;
/** The whole (paused) log. */
let log: MarketEvent[];

test.before(async () => {
  server = await startTestServer({ ...FAST_MARKET, symbols: 'AAPL,MSFT,TSLA', seed: 31, 'admin-token': TOKEN });
  await waitForLastId(server.url, 2500, 30_000);
  const paused = await postJson(`${server.url}/api/admin/pause`, {}, { Authorization: `Bearer ${TOKEN}` });
  assert.is(paused.status, 200);
  log = eventsOf(server.log);
});
test.after(() => server.close());

interface Page {
  events: MarketEvent[];
  next: number | null;
}

async function page(path: string, query: string): Promise<Page & { ticks?: MarketEvent[] }> {
  const res = await getJson(`${server.url}${path}${query}`);
  assert.is(res.status, 200, `${path}${query}: ${JSON.stringify(res.body).slice(0, 200)}`);
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  return res.body;
}

/** Every event `/api/events?{query}` pages through from after=0 by following `next`. */
async function pageThrough(query: string, limit: number): Promise<MarketEvent[]> {
  const seen: MarketEvent[] = [];
  let pages = 0;
  for (let after: number | null = 0; after !== null; ) {
    const p: Page = await page('/api/events', `?${query}${query ? '&' : ''}after=${after}&limit=${limit}`);
    assert.equal(Object.keys(p), ['events', 'next']);
    // A full page names its last id as next; a short one ends the paging.
    assert.is(p.next, p.events.length === limit ? p.events.at(-1)!.id : null, `${query} page ${pages}`);
    seen.push(...p.events);
    after = p.next;
    assert.ok(++pages <= Math.ceil(log.length / limit) + 1, 'paging terminates');
  }
  return seen;
}

const ids = (events: MarketEvent[]) => events.map((e) => e.id);

test('the paused log holds every kind, and stays put', async () => {
  assert.ok(log.length >= 2500);
  assert.is(log.at(-1)!.id, server.log.lastId());
  const kinds = new Set(log.map((e) => e.kind));
  assert.equal([...kinds].sort(), ['quote', 'status', 'tick']);
  assert.ok(log.filter((e) => e.kind === 'status').length >= 4, 'several session changes');
  assert.is((await getJson(`${server.url}/healthz`)).body.lastEventId, log.length);
});

test('unfiltered, paging by next gives ids 1…last contiguous, each event as logged, keys in wire order', async () => {
  for (const limit of [97, 1000]) {
    const seen = await pageThrough('', limit);
    assert.is(seen.length, log.length, `limit=${limit}`);
    assert.is(seen[0].id, 1);
    assert.is(contiguity(ids(seen)), null);
    assert.equal(seen, log);
    for (const event of seen) assert.equal(Object.keys(event), WIRE_KEYS[event.kind], `id ${event.id} (${event.kind})`);
  }
});

test('no parameters: the first 1000 events (after 0, limit 1000), next 1000; past the end an empty page', async () => {
  const first = await page('/api/events', '');
  assert.equal(ids(first.events), ids(log.slice(0, 1000)));
  assert.is(first.next, 1000);
  const tail = await page('/api/events', `?after=${log.length - 5}&limit=10`);
  assert.equal(ids(tail.events), ids(log.slice(-5)));
  assert.is(tail.next, null);
  assert.equal(await page('/api/events', `?after=${log.length}`), { events: [], next: null });
  // limit is clamped to 10 000 as on /api/ticks, not refused.
  assert.is((await page('/api/events', '?limit=20000')).events.length, Math.min(10_000, log.length));
});

const FILTERS: { query: string; filter: KindFilter }[] = [
  { query: 'events=tick', filter: { kinds: ['tick'] } },
  { query: 'events=quote', filter: { kinds: ['quote'] } },
  { query: 'events=status', filter: { kinds: ['status'] } },
  { query: 'events=quote,status', filter: { kinds: ['quote', 'status'] } },
  { query: 'events=tick,quote,status', filter: {} },
  { query: 'symbols=msft', filter: { symbols: ['MSFT'] } },
  { query: 'symbols=MSFT&events=tick,status', filter: { symbols: ['MSFT'], kinds: ['tick', 'status'] } },
  { query: 'symbols=aapl,tsla&events=quote', filter: { symbols: ['AAPL', 'TSLA'], kinds: ['quote'] } },
  { query: 'symbols=AAPL,MSFT,TSLA&events=tick', filter: { kinds: ['tick'] } },
];

for (const { query, filter } of FILTERS) {
  test(`?${query} pages through exactly the events it selects`, async () => {
    const expected = log.filter((e) => selects(filter, e));
    assert.ok(expected.length > 0);
    for (const limit of [50, 10_000]) assert.equal(await pageThrough(query, limit), expected, `limit=${limit}`);
  });
}

test('a symbol filter keeps every status event: they are market-wide', async () => {
  const statuses = ids(log.filter((e) => e.kind === 'status'));
  const msft = await pageThrough('symbols=msft', 10_000);
  assert.equal(ids(msft.filter((e) => e.kind === 'status')), statuses);
  assert.ok(msft.every((e) => e.kind === 'status' || e.symbol === 'MSFT'));
});

test('bad events, after, limit and symbols are 400s naming the parameter', async () => {
  for (const bad of ['foo', '', 'tick,', 'TICK', 'tick,trade', 'snapshot']) {
    assertError(await getJson(`${server.url}/api/events?events=${encodeURIComponent(bad)}`), 400, 'BAD_PARAMETER', /^events: /);
  }
  for (const bad of ['-1', 'abc', '1.5', '']) {
    assertError(await getJson(`${server.url}/api/events?after=${encodeURIComponent(bad)}`), 400, 'BAD_PARAMETER', /^after\b/);
  }
  for (const bad of ['0', '-1', 'x']) {
    assertError(await getJson(`${server.url}/api/events?limit=${bad}`), 400, 'BAD_PARAMETER', /^limit\b/);
  }
  assertError(await getJson(`${server.url}/api/events?symbols=AAPL,NOPE`), 400, 'UNKNOWN_SYMBOL', /NOPE/);
  assertError(await getJson(`${server.url}/api/events?symbols=AAPL,`), 400, 'BAD_SYMBOLS', /symbols/);
});

test('/api/ticks answers trades only (kind tick), ascending, with next as before', async () => {
  const trades = log.filter((e) => e.kind === 'tick');
  const seen: MarketEvent[] = [];
  for (let after: number | null = 0; after !== null; ) {
    const res: { status: number; body: { ticks: MarketEvent[]; next: number | null } } = await getJson(`${server.url}/api/ticks?after=${after}&limit=100`);
    assert.is(res.status, 200);
    assert.equal(Object.keys(res.body), ['ticks', 'next']);
    const ticks = res.body.ticks as MarketEvent[];
    assert.is(res.body.next, ticks.length === 100 ? ticks.at(-1)!.id : null);
    seen.push(...ticks);
    after = res.body.next;
  }
  assert.equal(seen, trades);
  assert.ok(seen.every((e, i) => e.kind === 'tick' && (i === 0 || e.id > seen[i - 1].id)));
  // after= is an event id, whatever its kind: the ticks after a quote's id.
  const quote = log.find((e) => e.kind === 'quote' && e.id > 500)!;
  const afterQuote = await getJson(`${server.url}/api/ticks?after=${quote.id}&limit=5`);
  assert.equal(afterQuote.body.ticks, trades.filter((t) => t.id > quote.id).slice(0, 5));
  const msft = await getJson(`${server.url}/api/ticks?symbols=msft&limit=10000`);
  assert.equal(msft.body.ticks, trades.filter((t) => t.kind === 'tick' && t.symbol === 'MSFT'));
});

test.run();

// Every entry read from the Redis stream is checked before it can reach a log (parseEntry): only an
// event of one of the kinds (tick, quote, status) in exactly the log's serialisation for that kind,
// with the entry's id and symbol (`''` for a status event, which is market-wide) and an epoch,
// passes. Anything else is a ForeignEntryError naming the entry, never bytes handed on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ForeignEntryError, parseEntry } from '../../bus/redis/feed.ts';
import { makeEvent } from './fixtures.ts';

const EPOCH = '0123456789abcdef';
// makeEvent's kinds: a trade at odd ids, a quote at even ones, a status event every 7th id.
const tick = makeEvent(9);
const quote = makeEvent(10);
const status = makeEvent(14);
const fields = (symbol: string, json: string, extra: string[] = ['e', EPOCH]) => ['s', symbol, 't', json, ...extra];

/** Parses as an entry of id `id`-0 and expects a ForeignEntryError naming it. */
function assertRefused(what: string, entryId: string, entryFields: string[]): void {
  try {
    parseEntry(entryId, entryFields);
    assert.unreachable(`${what} passed`);
  } catch (err) {
    assert.instance(err, ForeignEntryError, what);
    assert.is((err as ForeignEntryError).entryId, entryId, what);
  }
}

test('an event of each kind as the log wrote it passes, with its kind and its epoch', () => {
  assert.equal([tick.kind, quote.kind, status.kind], ['tick', 'quote', 'status']);
  assert.is(status.symbol, '');
  assert.equal(parseEntry('9-0', fields(tick.symbol, tick.json)), { ...tick, epoch: EPOCH });
  assert.equal(parseEntry('10-0', fields(quote.symbol, quote.json)), { ...quote, epoch: EPOCH });
  assert.equal(parseEntry('14-0', fields('', status.json)), { ...status, epoch: EPOCH });
});

test('anything else is a ForeignEntryError naming the entry', () => {
  const t = JSON.parse(tick.json) as Record<string, unknown>;
  const cases: [string, string, string[]][] = [
    ['SSE framing smuggled after the JSON', '9-0', fields(tick.symbol, `${tick.json}\n\nevent: reset\ndata: {}\n\nid: 999999`)],
    ['valid JSON with line breaks between tokens', '9-0', fields(tick.symbol, tick.json.replace(',', ',\n\n'))],
    ['an id other than the entry\'s', '9-0', fields(tick.symbol, JSON.stringify({ ...t, id: 999999 }))],
    ['another symbol than `s`', '9-0', fields(tick.symbol, JSON.stringify({ ...t, symbol: 'ZZZ' }))],
    ['a missing field', '9-0', fields(tick.symbol, JSON.stringify({ ...t, changePct: undefined }))],
    ['an extra field', '9-0', fields(tick.symbol, JSON.stringify({ ...t, note: 'x' }))],
    ['a price that is not a number', '9-0', fields(tick.symbol, JSON.stringify({ ...t, price: '1' }))],
    ['fields in another order', '9-0', fields(tick.symbol, JSON.stringify({ ts: t.ts, id: t.id, ...t }))],
    ['a tick of market model 1 (no bidSize, askSize, marketTime, session, kind)', '9-0', fields(tick.symbol, JSON.stringify({ ...t, bidSize: undefined, askSize: undefined, marketTime: undefined, session: undefined, kind: undefined }))],
    ['an unknown kind', '9-0', fields(tick.symbol, JSON.stringify({ ...t, kind: 'trade' }))],
    ['no epoch', '9-0', fields(tick.symbol, tick.json, [])],
    ['a malformed epoch', '9-0', fields(tick.symbol, tick.json, ['e', 'ZZ'])],
    ['an entry id with a sequence', '9-1', fields(tick.symbol, tick.json)],
    ['not JSON', '9-0', fields(tick.symbol, '{"id":9')],
  ];
  for (const [what, entryId, entryFields] of cases) assertRefused(what, entryId, entryFields);
});

test('a quote or status event not in its kind\'s serialisation is refused', () => {
  const q = JSON.parse(quote.json) as Record<string, unknown>;
  const s = JSON.parse(status.json) as Record<string, unknown>;
  const cases: [string, string, string[]][] = [
    // Wire order: id, ts, symbol, bid, ask, bidSize, askSize, marketTime, session, kind.
    ['a quote with session before marketTime', '10-0', fields(quote.symbol, JSON.stringify({ id: q.id, ts: q.ts, symbol: q.symbol, bid: q.bid, ask: q.ask, bidSize: q.bidSize, askSize: q.askSize, session: q.session, marketTime: q.marketTime, kind: 'quote' }))],
    ['a quote with `kind` first', '10-0', fields(quote.symbol, JSON.stringify({ kind: 'quote', ...q }))],
    ['a quote carrying a trade\'s price', '10-0', fields(quote.symbol, JSON.stringify({ ...q, price: 100 }))],
    ['a quote under the kind tick', '10-0', fields(quote.symbol, JSON.stringify({ ...q, kind: 'tick' }))],
    ['a quote whose `s` is not its symbol', '10-0', fields('', quote.json)],
    ['a quote with no symbol', '10-0', fields('', JSON.stringify({ ...q, symbol: '' }))],
    ['a quote with a bid that is not a number', '10-0', fields(quote.symbol, JSON.stringify({ ...q, bid: null }))],
    ['a quote whose marketTime has no offset', '10-0', fields(quote.symbol, JSON.stringify({ ...q, marketTime: '2026-03-02T09:30:00.010' }))],
    ['a quote whose marketTime is not ISO 8601', '10-0', fields(quote.symbol, JSON.stringify({ ...q, marketTime: 'Mon, 02 Mar 2026 14:30:00 GMT' }))],
    ['a quote in an unknown session', '10-0', fields(quote.symbol, JSON.stringify({ ...q, session: 'lunch' }))],
    ['a status with a symbol in `s`', '14-0', fields('AAPL', status.json)],
    ['a status with a symbol in its JSON and `s`', '14-0', fields('AAPL', JSON.stringify({ id: s.id, ts: s.ts, symbol: 'AAPL', marketTime: s.marketTime, session: s.session, kind: 'status' }))],
    ['a status with a bad marketTime', '14-0', fields('', JSON.stringify({ ...s, marketTime: '2026-03-02T09:30:00-05:00' }))],
    ['a status with its keys in another order', '14-0', fields('', JSON.stringify({ id: s.id, ts: s.ts, session: s.session, marketTime: s.marketTime, kind: 'status' }))],
    ['a status with no session', '14-0', fields('', JSON.stringify({ ...s, session: undefined }))],
  ];
  for (const [what, entryId, entryFields] of cases) assertRefused(what, entryId, entryFields);
});

test.run();

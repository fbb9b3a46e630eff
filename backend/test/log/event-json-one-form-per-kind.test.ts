// log/event-json.ts, the one JSON form of each event kind (issue 8): serializeEvent writes the
// contract's keys in the contract's order whatever the draft's own order, `kind` last, nothing
// else; checkDraft refuses a bad draft naming the field, and log.append then throws a TypeError
// with nothing written (the batch is all or nothing); appendReplicated refuses a status event with
// a symbol and a trade or quote without one; parseStoredEvent accepts exactly the stored bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkDraft, parseStoredEvent, serializeEvent } from '../../log/event-json.ts';
import { openLog } from '../../log/log.ts';
import type { MarketEventDraft } from '../../types.ts';
import { WIRE_KEYS } from '../helpers/market-events.ts';
import { draft, quoteDraft, spanOnDisk, statusDraft, tempDir } from './fixtures/log-fixtures.ts';

/** The same draft with its keys in reverse order and a stray field. */
function scrambled<T extends object>(d: T): T {
  return Object.fromEntries([...Object.entries(d).reverse(), ['extra', 'not on the wire']]) as T;
}

test('serializeEvent: each kind\'s keys in wire order, kind last, whatever the draft\'s order; no other field', () => {
  const cases: [MarketEventDraft, keyof typeof WIRE_KEYS][] = [
    [draft('AAPL', 7), 'tick'],
    [quoteDraft('MSFT', 8), 'quote'],
    [statusDraft('after-hours', 9), 'status'],
  ];
  for (const [d, kind] of cases) {
    const json = serializeEvent(42, scrambled(d));
    const value = JSON.parse(json);
    assert.equal(Object.keys(value), WIRE_KEYS[kind], kind);
    assert.is(value.id, 42);
    assert.equal({ ...value, id: undefined }, { ...d, id: undefined }, `${kind}: the draft's values`);
    assert.is(json, serializeEvent(42, d), `${kind}: same bytes as the draft in order`);
    assert.ok(json.endsWith(`"kind":"${kind}"}`), `${kind}: kind is last`);
    assert.not.match(json, /\s/, `${kind}: no whitespace (no line break can end an SSE frame)`);
  }
  // A status draft that carries a symbol anyway does not put it on the wire.
  const withSymbol = { ...statusDraft('closed', 3), symbol: 'AAPL' } as MarketEventDraft;
  assert.equal(Object.keys(JSON.parse(serializeEvent(1, withSymbol))), WIRE_KEYS.status);
});

/** The TypeError checkDraft throws for `d`, or a failure if it accepts it. */
function refusal(d: unknown): string {
  try {
    checkDraft(d as MarketEventDraft);
  } catch (error) {
    assert.instance(error, TypeError);
    return (error as Error).message;
  }
  assert.unreachable(`accepted ${JSON.stringify(d)}`);
  return '';
}

const BAD: { what: string; draft: unknown; names: RegExp }[] = [
  { what: 'an unknown kind', draft: { ...draft('AAPL'), kind: 'trade' }, names: /kind must be tick, quote or status, got "trade"/ },
  { what: 'no kind', draft: { ...draft('AAPL'), kind: undefined }, names: /kind/ },
  { what: 'a fractional ts', draft: { ...draft('AAPL'), ts: 1.5 }, names: /ts must be an integer/ },
  { what: 'a marketTime without milliseconds', draft: { ...quoteDraft('AAPL'), marketTime: '2026-03-02T09:30:00-05:00' }, names: /marketTime/ },
  { what: 'a marketTime in UTC (Z)', draft: { ...statusDraft('regular'), marketTime: '2026-03-02T14:30:00.000Z' }, names: /marketTime/ },
  { what: 'a marketTime that is a number', draft: { ...draft('AAPL'), marketTime: 1_772_461_800_000 }, names: /marketTime/ },
  { what: 'an unknown session', draft: { ...statusDraft('regular'), session: 'open' }, names: /session must be pre-market, regular, after-hours or closed/ },
  { what: 'a trade without a symbol', draft: { ...draft('AAPL'), symbol: '' }, names: /symbol must be a non-empty string/ },
  { what: 'a quote whose symbol is not a string', draft: { ...quoteDraft('AAPL'), symbol: 7 }, names: /symbol/ },
  { what: 'a NaN price', draft: { ...draft('AAPL'), price: Number.NaN }, names: /price must be a finite number/ },
  { what: 'an infinite volume', draft: { ...draft('AAPL'), volume: Infinity }, names: /volume must be a finite number/ },
  { what: 'a price as text', draft: { ...draft('AAPL'), price: '100.01' }, names: /price must be a finite number/ },
  { what: 'a trade without askSize', draft: { ...draft('AAPL'), askSize: undefined }, names: /askSize must be a finite number/ },
  { what: 'a quote with a null bid', draft: { ...quoteDraft('AAPL'), bid: null }, names: /bid must be a finite number/ },
  { what: 'a quote without bidSize', draft: { ...quoteDraft('AAPL'), bidSize: undefined }, names: /bidSize must be a finite number/ },
];

for (const { what, draft: bad, names } of BAD) {
  test(`checkDraft refuses ${what}, naming the field`, () => {
    assert.match(refusal(bad), names);
  });
}

test('checkDraft accepts the three kinds (a status needs no symbol)', () => {
  for (const d of [draft('AAPL'), quoteDraft('MSFT'), statusDraft('pre-market'), statusDraft('closed')]) checkDraft(d);
});

test('log.append with one bad draft in a batch throws a TypeError naming it and writes nothing', () => {
  const tmp = tempDir();
  try {
    const log = openLog({ path: tmp.file(), retention: 1000 });
    log.append([statusDraft('regular', 1), draft('AAPL', 2)], 'checkpoint-1');
    const bad = { ...quoteDraft('MSFT', 4), askSize: Number.NaN } as MarketEventDraft;
    assert.throws(() => log.append([draft('MSFT', 3), bad, statusDraft('closed', 5)], 'checkpoint-2'), (error: Error) => error instanceof TypeError && /quote MSFT.*askSize/.test(error.message));
    assert.is(log.lastId(), 2);
    assert.is(log.checkpoint(), 'checkpoint-1', 'nor the checkpoint of the refused batch');
    assert.is(log.newestEvent()!.id, 2);
    assert.equal(spanOnDisk(tmp.file()), { count: 2, min: 1, max: 2 });
    // The next batch continues at 3: the refusal left no gap.
    assert.equal(log.append([quoteDraft('MSFT', 6)]).map((e) => e.id), [3]);
    log.close();
  } finally {
    tmp.remove();
  }
});

test('appendReplicated refuses a status event with a symbol, a trade or quote without one, an unknown kind: nothing written', () => {
  const tmp = tempDir();
  try {
    const log = openLog({ path: tmp.file(), retention: 1000 });
    const event = (id: number, d: MarketEventDraft, kind = d.kind, symbol = d.kind === 'status' ? '' : d.symbol) =>
      ({ id, kind, symbol, json: serializeEvent(id, d) }) as Parameters<typeof log.appendReplicated>[0][number];
    log.appendReplicated([event(1, statusDraft('regular', 1)), event(2, draft('AAPL', 2))]);
    // Each in the middle of a batch whose first event is fine: the batch is refused whole.
    const refused: [string, ReturnType<typeof event>, RegExp][] = [
      ['a status with a symbol', event(4, statusDraft('closed', 4), 'status', 'AAPL'), /status 4: a status event has no symbol/],
      ['a trade without a symbol', event(4, draft('AAPL', 4), 'tick', ''), /tick 4: no symbol/],
      ['a quote without a symbol', event(4, quoteDraft('AAPL', 4), 'quote', ''), /quote 4: no symbol/],
      ['an unknown kind', event(4, draft('AAPL', 4), 'trade' as 'tick'), /unknown kind trade/],
    ];
    for (const [what, bad, message] of refused) {
      const batch = [event(3, quoteDraft('MSFT', 3)), bad];
      assert.throws(() => log.appendReplicated(batch), (error: Error) => error instanceof TypeError && message.test(error.message), what);
      assert.is(log.lastId(), 2, what);
    }
    assert.equal(spanOnDisk(tmp.file()), { count: 2, min: 1, max: 2 });
    assert.equal(log.appendReplicated([event(3, statusDraft('closed', 3))]).map((e) => [e.id, e.kind, e.symbol]), [[3, 'status', '']]);
    log.close();
  } finally {
    tmp.remove();
  }
});

test('parseStoredEvent reads back exactly what serializeEvent writes, and refuses any other bytes', () => {
  for (const d of [draft('AAPL', 1), quoteDraft('MSFT', 2), statusDraft('pre-market', 3)]) {
    const json = serializeEvent(9, d);
    assert.equal(parseStoredEvent(json), { id: 9, ts: d.ts, kind: d.kind, symbol: d.kind === 'status' ? '' : d.symbol });
    const value = JSON.parse(json);
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(value).reverse()));
    assert.throws(() => parseStoredEvent(reordered), /not the fields of a/);
    assert.throws(() => parseStoredEvent(JSON.stringify(value, null, 1)), /serialisation/);
    assert.throws(() => parseStoredEvent(JSON.stringify({ ...value, extra: 1 })), /not the fields of a/);
    assert.throws(() => parseStoredEvent(JSON.stringify({ ...value, id: 0 })), /id must be a positive integer/);
  }
  assert.throws(() => parseStoredEvent('{"id":'), /not JSON/);
  assert.throws(() => parseStoredEvent('[1]'), /not an object/);
});

test.run();

// Every entry read from the Redis stream is checked before it can reach a log (parseEntry): only a
// tick in exactly the log's serialisation, with the entry's id and symbol and an epoch, passes.
// Anything else is a ForeignEntryError naming the entry, never bytes handed on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ForeignEntryError, parseEntry } from '../../bus/redis/feed.ts';
import { makeTick } from './fixtures.ts';

const EPOCH = '0123456789abcdef';
const good = makeTick(7);
const fields = (json: string, extra: string[] = ['e', EPOCH]) => ['s', good.symbol, 't', json, ...extra];

test('a tick as the log wrote it passes, with its epoch', () => {
  assert.equal(parseEntry('7-0', fields(good.json)), { ...good, epoch: EPOCH });
});

test('anything else is a ForeignEntryError naming the entry', () => {
  const tick = JSON.parse(good.json) as Record<string, unknown>;
  const cases: [string, string, string[]][] = [
    ['SSE framing smuggled after the JSON', '7-0', fields(`${good.json}\n\nevent: reset\ndata: {}\n\nid: 999999`)],
    ['valid JSON with line breaks between tokens', '7-0', fields(good.json.replace(',', ',\n\n'))],
    ['an id other than the entry\'s', '7-0', fields(JSON.stringify({ ...tick, id: 999999 }))],
    ['another symbol than `s`', '7-0', fields(JSON.stringify({ ...tick, symbol: 'ZZZ' }))],
    ['a missing field', '7-0', fields(JSON.stringify({ ...tick, changePct: undefined }))],
    ['an extra field', '7-0', fields(JSON.stringify({ ...tick, note: 'x' }))],
    ['a price that is not a number', '7-0', fields(JSON.stringify({ ...tick, price: '1' }))],
    ['fields in another order', '7-0', fields(JSON.stringify({ ts: tick.ts, id: tick.id, ...tick }))],
    ['no epoch', '7-0', fields(good.json, [])],
    ['a malformed epoch', '7-0', fields(good.json, ['e', 'ZZ'])],
    ['an entry id with a sequence', '7-1', fields(good.json)],
    ['not JSON', '7-0', fields('{"id":7')],
  ];
  for (const [what, entryId, entryFields] of cases) {
    try {
      parseEntry(entryId, entryFields);
      assert.unreachable(`${what} passed`);
    } catch (err) {
      assert.instance(err, ForeignEntryError, what);
      assert.is((err as ForeignEntryError).entryId, entryId);
    }
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import type { EventLog } from '../../log/event-log.ts';
import type { EventFilter, LoggedEvent, MarketEventDraft, MarketEventKind } from '../../types.ts';
import { draft, drafts, quoteDraft, statusDraft, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

// Uneven frequencies, so that a filtered read has to skip over long runs of other symbols; ticks and
// quotes interleaved under one id sequence, and a status event (no symbol) now and then.
const WEIGHTS: Record<string, number> = { AAPL: 10, MSFT: 6, NVDA: 3, AMZN: 1, RARE: 0.05 };
const SYMBOLS = Object.keys(WEIGHTS);

let tmp: TempDir;
let log: EventLog;
let all: LoggedEvent[];

/** A deterministic pseudo-random symbol sequence (mulberry32), so a failure is reproducible. */
function symbolStream(seed: number): () => string {
  let state = seed;
  const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    let pick = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * total;
    for (const symbol of SYMBOLS) if ((pick -= WEIGHTS[symbol]) < 0) return symbol;
    return SYMBOLS[0];
  };
}

/** What a filter selects, by brute force: its kinds, and its symbols or a status event (market-wide). */
function expected(afterId: number, filter: EventFilter | null, limit: number): number[] {
  const passes = (t: LoggedEvent) =>
    (!filter?.kinds || filter.kinds.has(t.kind)) && (!filter?.symbols || t.kind === 'status' || filter.symbols.has(t.symbol));
  return all
    .filter((t) => t.id > afterId && passes(t))
    .slice(0, limit)
    .map((t) => t.id);
}

const filter = (symbols: string[] | null, kinds: MarketEventKind[] | null = null): EventFilter => ({
  symbols: symbols && new Set(symbols),
  kinds: kinds && new Set(kinds),
});

test.before.each(() => {
  tmp = tempDir();
  log = openLog({ path: tmp.file(), retention: 1_000_000 });
  const next = symbolStream(42);
  all = [];
  for (let round = 1; round <= 300; round++) {
    // About one event in three a quote (the symbol stream decides, so it stays reproducible).
    const batch: MarketEventDraft[] = Array.from({ length: 12 }, (_, i) => (i % 3 === 1 ? quoteDraft(next(), round) : draft(next(), round)));
    if (round % 25 === 0) batch.push(statusDraft(round % 50 === 0 ? 'regular' : 'after-hours', round));
    all.push(...log.append(batch));
  }
});
test.after.each(() => {
  log.close();
  tmp.remove();
});

test('unfiltered reads return ascending ids of every kind after afterId, at most limit', () => {
  const last = all.length;
  assert.is(last, 300 * 12 + 12);
  assert.equal(log.readAfter(0, null, 5).map((t) => t.id), [1, 2, 3, 4, 5]);
  assert.equal(log.readAfter(last - 2, null, 5).map((t) => t.id), [last - 1, last]);
  assert.equal(log.readAfter(last, null, 5), []);
  assert.equal(log.readAfter(10, null, 0), []);
  const everything = log.readAfter(0, null, 10_000);
  assert.equal(everything.map((t) => t.id), all.map((t) => t.id));
  assert.equal(new Set(everything.map((t) => t.kind)), new Set(['tick', 'quote', 'status']));
  // A filter naming every kind and no symbol is no filter.
  assert.equal(log.readAfter(0, filter(null, ['tick', 'quote', 'status']), 10_000).length, last);
});

test('filtered reads match a brute-force filter for every kind of filter', () => {
  const symbolSets: Array<string[] | null> = [
    null,
    ['AAPL'],
    ['RARE'],
    ['AMZN', 'RARE'],
    ['AAPL', 'NVDA', 'RARE'],
    SYMBOLS.slice(0, 4),
    SYMBOLS, // covers the whole log
    [...SYMBOLS, 'ZZZZ'], // plus a symbol the log has never seen
    ['ZZZZ'],
    [],
  ];
  const kindSets: Array<MarketEventKind[] | null> = [null, ['tick'], ['quote'], ['status'], ['tick', 'status'], ['tick', 'quote'], ['tick', 'quote', 'status'], []];
  const filters = [null, ...symbolSets.flatMap((symbols) => kindSets.map((kinds) => filter(symbols, kinds)))];
  const last = all.length;
  for (const f of filters) {
    for (const afterId of [0, 1, 17, 1800, 3500, last - 1, last]) {
      for (const limit of [1, 7, 100, 10_000]) {
        const got = log.readAfter(afterId, f, limit);
        const label = `${f?.symbols ? [...f.symbols].join(',') : 'all'} / ${f?.kinds ? [...f.kinds].join(',') : 'every kind'} after ${afterId} limit ${limit}`;
        assert.equal(got.map((t) => t.id), expected(afterId, f, limit), label);
        for (const tick of got) assert.is(tick.json, all[tick.id - 1].json, `${label}: stored bytes`);
      }
    }
  }
});

test('paging with next = last id of the page visits every matching event exactly once', () => {
  for (const f of [null, filter(['NVDA']), filter(['MSFT', 'AMZN', 'RARE']), filter(['NVDA'], ['tick']), filter(null, ['quote', 'status'])]) {
    const visited: number[] = [];
    let after = 0;
    for (;;) {
      const page = log.readAfter(after, f, 97);
      visited.push(...page.map((t) => t.id));
      if (page.length < 97) break;
      after = page[page.length - 1].id;
    }
    assert.equal(visited, expected(0, f, Infinity));
  }
});

test('the filtered read survives being interrupted by an append between pages', () => {
  const f = filter(['AAPL', 'RARE']);
  const first = log.readAfter(3000, f, 10);
  const last = all.length;
  const added = log.append([...drafts(['RARE', 'MSFT', 'AAPL'], 999), statusDraft('closed', 999)]);
  all.push(...added);
  const rest = log.readAfter(first[first.length - 1].id, f, 10_000);
  assert.equal([...first, ...rest].map((t) => t.id), expected(3000, f, Infinity));
  assert.equal(rest.slice(-3).map((t) => t.id), [last + 1, last + 3, last + 4]);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import type { EventLog } from '../../log/event-log.ts';
import type { LoggedEvent } from '../../types.ts';
import { drafts, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

// Uneven frequencies, so that a filtered read has to skip over long runs of other symbols.
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

function expected(afterId: number, symbols: ReadonlySet<string> | null, limit: number): number[] {
  return all
    .filter((t) => t.id > afterId && (!symbols || symbols.has(t.symbol)))
    .slice(0, limit)
    .map((t) => t.id);
}

test.before.each(() => {
  tmp = tempDir();
  log = openLog({ path: tmp.file(), retention: 1_000_000 });
  const next = symbolStream(42);
  all = [];
  for (let round = 1; round <= 300; round++) {
    all.push(...log.append(drafts(Array.from({ length: 12 }, next), round)));
  }
});
test.after.each(() => {
  log.close();
  tmp.remove();
});

test('unfiltered reads return ascending ids after afterId, at most limit', () => {
  assert.equal(log.readAfter(0, null, 5).map((t) => t.id), [1, 2, 3, 4, 5]);
  assert.equal(log.readAfter(3598, null, 5).map((t) => t.id), [3599, 3600]);
  assert.equal(log.readAfter(3600, null, 5), []);
  assert.equal(log.readAfter(10, null, 0), []);
  assert.equal(log.readAfter(0, null, 10_000).length, 3600);
});

test('filtered reads match a brute-force filter for every kind of filter', () => {
  const filters: Array<ReadonlySet<string> | null> = [
    null,
    new Set(['AAPL']),
    new Set(['RARE']),
    new Set(['AMZN', 'RARE']),
    new Set(['AAPL', 'NVDA', 'RARE']),
    new Set(SYMBOLS.slice(0, 4)),
    new Set(SYMBOLS), // covers the whole log
    new Set([...SYMBOLS, 'ZZZZ']), // plus a symbol the log has never seen
    new Set(['ZZZZ']),
    new Set(),
  ];
  for (const symbols of filters) {
    for (const afterId of [0, 1, 17, 1800, 3500, 3599, 3600]) {
      for (const limit of [1, 7, 100, 10_000]) {
        const got = log.readAfter(afterId, symbols, limit);
        const label = `${symbols ? [...symbols].join(',') : 'all'} after ${afterId} limit ${limit}`;
        assert.equal(got.map((t) => t.id), expected(afterId, symbols, limit), label);
        for (const tick of got) assert.is(tick.json, all[tick.id - 1].json, `${label}: stored bytes`);
      }
    }
  }
});

test('paging with next = last id of the page visits every matching tick exactly once', () => {
  for (const symbols of [null, new Set(['NVDA']), new Set(['MSFT', 'AMZN', 'RARE'])]) {
    const visited: number[] = [];
    let after = 0;
    for (;;) {
      const page = log.readAfter(after, symbols, 97);
      visited.push(...page.map((t) => t.id));
      if (page.length < 97) break;
      after = page[page.length - 1].id;
    }
    assert.equal(visited, expected(0, symbols, Infinity));
  }
});

test('the filtered read survives being interrupted by an append between pages', () => {
  const symbols = new Set(['AAPL', 'RARE']);
  const first = log.readAfter(3000, symbols, 10);
  const added = log.append(drafts(['RARE', 'MSFT', 'AAPL'], 999));
  all.push(...added);
  const rest = log.readAfter(first[first.length - 1].id, symbols, 10_000);
  assert.equal([...first, ...rest].map((t) => t.id), expected(3000, symbols, Infinity));
  assert.equal(rest.slice(-2).map((t) => t.id), [3601, 3603]);
});

test.run();

// Benchmark of the SQLite event log: append throughput, replay page throughput on a 1M-row log
// (filtered by symbols and by event kinds), the cost of opening it, and what retention pruning adds
// to each append. The log is a market model 2 tape: trades and quotes in about equal numbers, a
// status event now and then. Prints figures only.
//
// usage: npx tsx scripts/bench/log-process.ts [rows=1000000]   (npm run bench -- log runs it)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openLog } from '../../backend/log/log.ts';
import type { EventFilter, MarketEventDraft, MarketEventKind } from '../../backend/types.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'BRK.B', 'JPM', 'V', 'XOM', 'WMT'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticktape-bench-'));

const MARKET_TIME = '2026-03-02T10:15:30.250-05:00';

/** Event `n`: a status event every 5000th, else a trade at even n and the quote it leaves at odd n. */
function draft(symbol: string, n: number): MarketEventDraft {
  const ts = 1_763_920_000_000 + n;
  if (n % 5000 === 4999) return { ts, marketTime: MARKET_TIME, session: 'regular', kind: 'status' };
  const price = Math.round((100 + Math.sin(n) * 5) * 100) / 100;
  const [bid, ask, bidSize, askSize] = [price - 0.01, price + 0.01, 100 * (1 + (n % 5)), 100 * (1 + (n % 3))];
  if (n % 2 === 1) return { ts, symbol, bid, ask, bidSize, askSize, marketTime: MARKET_TIME, session: 'regular', kind: 'quote' };
  return {
    ts, symbol, price, bid, ask, size: 100 * (1 + (n % 7)),
    volume: 1000 * n, open: 100, high: 105, low: 95, prevClose: 100, change: Math.round((price - 100) * 100) / 100,
    changePct: Math.round((price - 100) * 1000) / 1000, bidSize, askSize, marketTime: MARKET_TIME, session: 'regular', kind: 'tick',
  };
}

/** A symbol trades and then quotes (n and n + 1 share it), round-robin over the universe. */
function batchOf(size: number, round: number): MarketEventDraft[] {
  return Array.from({ length: size }, (_, i) => {
    const n = round * size + i;
    return draft(SYMBOLS[Math.floor(n / 2) % SYMBOLS.length], n);
  });
}

function time(work: () => void): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const report = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);

function benchAppend(batchSize: number, events: number): void {
  const log = openLog({ path: path.join(dir, `append-${batchSize}.db`), retention: Number.MAX_SAFE_INTEGER });
  const batches = Array.from({ length: 50 }, (_, round) => batchOf(batchSize, round));
  const rounds = Math.ceil(events / batchSize);
  const ms = time(() => {
    for (let round = 0; round < rounds; round++) log.append(batches[round % batches.length], `cp${round}`);
  });
  report(`append, batch of ${batchSize}`, `${fmt((rounds * batchSize) / (ms / 1000))} events/s  (${(ms / rounds * 1000).toFixed(0)} µs/batch)`);
  log.close();
}

function benchReads(file: string): void {
  const log = openLog({ path: file, retention: Number.MAX_SAFE_INTEGER });
  const last = log.lastId();
  const only = (symbols: string[] | null, kinds: MarketEventKind[] | null = null): EventFilter => ({
    symbols: symbols && new Set(symbols),
    kinds: kinds && new Set(kinds),
  });
  const filters: Array<[string, EventFilter | null]> = [
    ['no filter', null],
    ['1 symbol', only(['NVDA'])],
    ['3 symbols', only(['AAPL', 'NVDA', 'XOM'])],
    ['all 12 symbols', only(SYMBOLS)],
    ['trades only (/api/ticks)', only(null, ['tick'])],
    ['1 symbol, trades only', only(['NVDA'], ['tick'])],
    ['status events only', only(null, ['status'])],
  ];
  for (const [name, filter] of filters) {
    for (const [from, afterId] of [['afterId=0', 0], ['recent afterId', last - 20_000]] as const) {
      const limit = 1000;
      let pages = 0;
      let events = 0;
      let after: number = afterId;
      const ms = time(() => {
        while (pages < 200) {
          const page = log.readAfter(after, filter, limit);
          pages++;
          events += page.length;
          if (page.length < limit) after = afterId; // wrap: keep measuring full pages
          else after = page[page.length - 1].id;
        }
      });
      report(`readAfter limit ${limit}, ${name}, ${from}`, `${fmt(pages / (ms / 1000))} pages/s  ${fmt(events / (ms / 1000))} events/s`);
    }
  }
  log.close();
}

function benchOpen(file: string): void {
  const ms = time(() => openLog({ path: file, retention: Number.MAX_SAFE_INTEGER }).close());
  report(`openLog on ${fmt(ROWS)} rows (incl. newest-per-symbol caches)`, `${ms.toFixed(1)} ms`);
  const db = new Database(file, { readonly: true });
  const groupBy = time(() => db.prepare('SELECT symbol, MAX(id) FROM ticks GROUP BY symbol').all());
  const skipScan = time(() =>
    db
      .prepare(
        `WITH RECURSIVE s(symbol) AS (SELECT MIN(symbol) FROM ticks
           UNION ALL SELECT (SELECT MIN(symbol) FROM ticks WHERE symbol > s.symbol) FROM s WHERE s.symbol IS NOT NULL)
         SELECT symbol, (SELECT MAX(id) FROM ticks t WHERE t.symbol = s.symbol) FROM s WHERE symbol IS NOT NULL`,
      )
      .all(),
  );
  report('  newest per symbol: recursive distinct + seek (used)', `${skipScan.toFixed(2)} ms`);
  report('  newest per symbol: SELECT symbol, MAX(id) … GROUP BY symbol', `${groupBy.toFixed(2)} ms`);
  console.log('\nquery plans:');
  for (const sql of [
    'SELECT id, kind, symbol, json FROM ticks WHERE id > 0 ORDER BY id LIMIT 1000',
    "SELECT id, kind, symbol, json FROM ticks WHERE symbol = 'NVDA' AND id > 0 ORDER BY id LIMIT 1000",
    "SELECT id, kind, symbol, json FROM ticks WHERE id > 0 AND instr('|tick|', '|' || kind || '|') > 0 ORDER BY id LIMIT 1000",
    "SELECT id, kind, symbol, json FROM ticks WHERE symbol = 'NVDA' AND kind = 'quote' ORDER BY id DESC LIMIT 1 -- newest quote, at open",
    "SELECT id, kind, symbol, json FROM ticks WHERE symbol IN ('AAPL','NVDA') AND id > 0 ORDER BY id LIMIT 1000 -- not used",
  ]) {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql.replace(/ --.*/, '')}`).all() as Array<{ detail: string }>;
    console.log(`  ${sql}\n    -> ${plan.map((row) => row.detail).join('; ')}`);
  }
  db.close();
  console.log();
}

function benchPruning(): void {
  const retention = 100_000;
  const appends = 20_000;
  const measure = (name: string, keep: number) => {
    const log = openLog({ path: path.join(dir, `${name}.db`), retention: keep, pruneBatch: 1000 });
    for (let round = 0; round < retention / 1000; round++) log.append(batchOf(1000, round));
    const batch = batchOf(12, 0);
    const ms = time(() => {
      for (let round = 0; round < appends; round++) log.append(batch);
    });
    const count = log.stats().count;
    log.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, `${name}.db${suffix}`), { force: true });
    return { usPerAppend: (ms / appends) * 1000, count };
  };
  // Alternate the two a few times and keep the best of each: single runs differ by more than the effect.
  const runs = [0, 1, 2].map((i) => [measure(`no-prune-${i}`, Number.MAX_SAFE_INTEGER), measure(`prune-${i}`, retention)]);
  const best = (k: 0 | 1) => runs.map((pair) => pair[k]).reduce((a, b) => (a.usPerAppend <= b.usPerAppend ? a : b));
  const unpruned = best(0);
  const pruned = best(1);
  report('append of 12, log of 100k, no pruning', `${unpruned.usPerAppend.toFixed(1)} µs/append`);
  report(`append of 12, retention ${fmt(retention)}, pruneBatch 1000`, `${pruned.usPerAppend.toFixed(1)} µs/append  (count stays ${fmt(pruned.count)})`);
  report('  pruning cost per append', `${(pruned.usPerAppend - unpruned.usPerAppend).toFixed(1)} µs`);
}

try {
  console.log(`ticktape log benchmark: SQLite ${new Database(':memory:').prepare('SELECT sqlite_version()').pluck().get()}, node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'}\n`);
  benchAppend(12, 240_000);
  benchAppend(1000, ROWS);

  const big = path.join(dir, 'append-1000.db');
  report('log file for reads', `${fmt(ROWS)} rows, ${(fs.statSync(big).size / 2 ** 20).toFixed(0)} MiB`);
  benchOpen(big);
  benchReads(big);
  console.log();
  benchPruning();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

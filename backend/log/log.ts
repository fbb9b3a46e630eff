// The event log on SQLite: gap-free ids, serialise-once JSON, bounded retention, indexed replay.
//
// Over ~350 lines because the EventLog is one SQLite connection: its prepared statements, the
// newest-tick cache and the id counters change together in each transaction, so they stay in one class.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LoggedTick, TickDraft } from '../types.ts';
import { isEpoch, newEpoch } from './epoch.ts';
import { lockLog, type LogLock } from './lock.ts';
import { migrate } from './migrate.ts';
import type { EventLog, LogOptions, LogStats } from './event-log.ts';

const DEFAULT_PRUNE_BATCH = 1000;
const BUSY_TIMEOUT_MS = 5000;

/** The numeric fields of a draft, in wire order after `id, ts, symbol`. */
const PRICE_FIELDS = [
  'price', 'bid', 'ask', 'size', 'volume', 'open', 'high', 'low', 'prevClose', 'change', 'changePct',
] as const;

/**
 * Error codes after which the database file can no longer be trusted; other errors (a constraint,
 * a bad argument) only fail the one call. SQLITE_FULL is not among them: SQLite rolls the batch
 * back and the file stays consistent, so once space is freed the log works again, and /healthz
 * must not keep a working node out of service until it restarts.
 */
const FATAL_CODE = /^SQLITE_(IOERR|CORRUPT|NOTADB|CANTOPEN|READONLY)/;

/**
 * new LogGapError(expected, got)
 *
 * Thrown by `appendReplicated` when the ticks do not continue the log at `lastId + 1`: the
 * follower missed some of the feed and must re-read it from the leader before storing more.
 */
export class LogGapError extends Error {
  override name = 'LogGapError';
  constructor(
    readonly expected: number,
    readonly got: number,
  ) {
    super(`log gap: expected id ${expected}, got ${got}`);
  }
}

/**
 * openLog(options) -> EventLog
 *
 * Opens (creating it and its parent directories if needed) the SQLite event log at
 * `options.path`, applies pending migrations, prunes it down to `options.retention` events and
 * returns the synchronous `EventLog` over it. `':memory:'` gives a log that lives as long as the
 * object. A file is locked (`FILE.lock`, see lock.ts) until `close()`: opening a log that another
 * live process, or this one, has open throws LogLockedError before anything is read or written.
 * Every method is synchronous and cheap enough to call from a request handler.
 *
 *     const log = openLog({ path: 'db/ticktape.db', retention: 1_000_000 });
 *     const [tick] = log.append([draft], 'rng-state');
 */
export function openLog(options: LogOptions): EventLog {
  const file = options.path;
  const inMemory = file === ':memory:';
  const retention = options.retention;
  const pruneBatch = options.pruneBatch ?? DEFAULT_PRUNE_BATCH;
  if (!Number.isSafeInteger(retention) || retention < 1) throw new RangeError(`retention must be an integer >= 1, got ${retention}`);
  if (!Number.isSafeInteger(pruneBatch) || pruneBatch < 1) throw new RangeError(`pruneBatch must be an integer >= 1, got ${pruneBatch}`);

  if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // Before opening: opening alone may write (WAL recovery, migrations, pruning to retention).
  const lock = inMemory ? null : lockLog(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    if (!inMemory) db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL syncs only at checkpoints: a commit is in the WAL (the OS page cache)
    // when it returns, so it survives the process crashing or being killed with SIGKILL, which is
    // what we defend against. Only a power loss or kernel crash can drop the newest commits, and
    // even then the log rolls back to an earlier, still gap-free state.
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return new SqliteEventLog(db, file, retention, pruneBatch, lock);
  } catch (error) {
    db?.close();
    lock?.release();
    throw error;
  }
}

class SqliteEventLog implements EventLog {
  private last = 0;
  private oldest = 0;
  private storedCheckpoint: string | undefined;
  private history = '';
  /** Newest tick of each symbol present in the log: its keys are exactly the log's symbols. */
  private readonly newest = new Map<string, LoggedTick>();
  private failed = false;
  private closed = false;
  /** Appends whose transaction failed, and whether the newest one did (see `appendErrors`). */
  private failedAppends = 0;
  private appendFailing = false;

  private readonly insertTick: Database.Statement<[number, string, number, string]>;
  private readonly saveCheckpoint: Database.Statement<[string]>;
  private readonly deleteBelow: Database.Statement<[number]>;
  private readonly selectAfter: Database.Statement<[number, number], LoggedTick>;
  private readonly selectSymbolAfter: Database.Statement<[string, number, number], LoggedTick>;
  private readonly selectRecentPrices: Database.Statement<[string, number], number>;
  /** One statement per symbol, because a k-way merge keeps k iterators open at once. */
  private readonly symbolCursors = new Map<string, Database.Statement<[string, number, number], LoggedTick>>();
  private readonly writeBatch: (rows: LoggedTick[], timestamps: number[], checkpoint: string | undefined) => number;
  private readonly deleteAll: (epoch: string) => void;
  private readonly saveEpoch: Database.Statement<[string]>;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly retention: number,
    private readonly pruneBatch: number,
    private readonly lock: LogLock | null,
  ) {
    this.insertTick = db.prepare('INSERT INTO ticks (id, symbol, ts, json) VALUES (?, ?, ?, ?)');
    this.saveCheckpoint = db.prepare(
      'INSERT INTO checkpoint (only, value) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET value = excluded.value',
    );
    this.deleteBelow = db.prepare('DELETE FROM ticks WHERE id < ?');
    this.selectAfter = db.prepare<[number, number], LoggedTick>(
      'SELECT id, symbol, json FROM ticks WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.selectSymbolAfter = this.symbolCursor();
    // Walks the (symbol, id) index backwards from the symbol's newest row: no sort, `count` rows read.
    this.selectRecentPrices = db
      .prepare<[string, number], number>("SELECT json_extract(json, '$.price') FROM ticks WHERE symbol = ? ORDER BY id DESC LIMIT ?")
      .pluck();

    // Returns the new oldest id. Everything the caches need is computed inside and applied by
    // the caller only after the commit, so a rollback leaves memory and disk in agreement.
    this.writeBatch = db.transaction((rows: LoggedTick[], timestamps: number[], checkpoint: string | undefined) => {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        this.insertTick.run(row.id, row.symbol, timestamps[i], row.json);
      }
      if (checkpoint !== undefined) this.saveCheckpoint.run(checkpoint);
      if (rows.length === 0) return this.oldest;
      const newLast = rows[rows.length - 1].id;
      const oldest = this.oldest === 0 ? rows[0].id : this.oldest;
      // Deleting at most max(pruneBatch, 2 × batch) rows bounds the cost of any one write, and
      // still outpaces the batch itself, so a log over retention converges back to it.
      return this.pruneStep(oldest, newLast, Math.max(this.pruneBatch, 2 * rows.length));
    });

    this.saveEpoch = db.prepare('INSERT INTO history (only, epoch) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET epoch = excluded.epoch');
    this.deleteAll = db.transaction((epoch: string) => {
      db.prepare('DELETE FROM ticks').run();
      db.prepare('DELETE FROM checkpoint').run();
      this.saveEpoch.run(epoch);
    });

    this.guard(() => this.load());
  }

  lastId(): number {
    return this.last;
  }

  oldestId(): number {
    return this.oldest;
  }

  epoch(): string {
    return this.history;
  }

  append(drafts: TickDraft[], checkpoint?: string): LoggedTick[] {
    if (drafts.length === 0) {
      if (checkpoint !== undefined) this.commit([], [], checkpoint);
      return [];
    }
    const rows: LoggedTick[] = new Array(drafts.length);
    const timestamps: number[] = new Array(drafts.length);
    for (let i = 0; i < drafts.length; i++) {
      const draft = drafts[i];
      checkDraft(draft);
      const id = this.last + 1 + i;
      rows[i] = { id, symbol: draft.symbol, json: serializeTick(id, draft) };
      timestamps[i] = draft.ts;
    }
    this.commit(rows, timestamps, checkpoint);
    return rows;
  }

  appendReplicated(ticks: LoggedTick[]): LoggedTick[] {
    const fresh = ticks.filter((tick) => tick.id > this.last);
    if (fresh.length === 0) return [];
    // An empty log may join a feed anywhere: the leader may have pruned everything before it.
    let expected = this.last === 0 ? fresh[0].id : this.last + 1;
    if (!Number.isSafeInteger(expected) || expected < 1) throw new LogGapError(this.last + 1, expected);
    const timestamps: number[] = new Array(fresh.length);
    for (let i = 0; i < fresh.length; i++) {
      const tick = fresh[i];
      if (typeof tick.symbol !== 'string' || tick.symbol === '') throw new TypeError(`replicated tick ${tick.id}: no symbol`);
      if (tick.id !== expected) throw new LogGapError(expected, tick.id);
      timestamps[i] = timestampOf(tick);
      expected++;
    }
    this.commit(fresh, timestamps, undefined);
    return fresh;
  }

  clear(epoch = this.history): void {
    if (!isEpoch(epoch)) throw new TypeError(`clear: not an epoch: ${String(epoch).slice(0, 40)}`);
    this.guard(() => this.deleteAll(epoch));
    this.history = epoch;
    this.last = 0;
    this.oldest = 0;
    this.storedCheckpoint = undefined;
    this.newest.clear();
  }

  fork(epoch: string): void {
    if (!isEpoch(epoch)) throw new TypeError(`fork: not an epoch: ${String(epoch).slice(0, 40)}`);
    this.guard(() => this.saveEpoch.run(epoch));
    this.history = epoch;
  }

  readAfter(afterId: number, symbols: ReadonlySet<string> | null, limit: number): LoggedTick[] {
    if (limit <= 0) return [];
    return this.guard(() => {
      if (symbols === null) return this.selectAfter.all(afterId, limit);
      // The cache picks the plan, never the rows: only a cache that knows symbols may skip the
      // filter (an empty one "covers" every filter) or drop the symbols it has not seen.
      const known = this.newest.size > 0;
      if (known && this.coversEverySymbol(symbols)) return this.selectAfter.all(afterId, limit);
      const present = known ? [...symbols].filter((symbol) => this.newest.has(symbol)) : [...symbols];
      if (present.length === 0) return [];
      if (present.length === 1) return this.selectSymbolAfter.all(present[0], afterId, limit);
      return this.mergeSymbols(present, afterId, limit);
    });
  }

  latest(symbols?: ReadonlySet<string> | null): LoggedTick[] {
    const names = symbols ? [...symbols].filter((symbol) => this.newest.has(symbol)) : [...this.newest.keys()];
    return names.sort().map((symbol) => this.newest.get(symbol)!);
  }

  recentPrices(symbols: ReadonlySet<string> | null, count: number): Map<string, number[]> {
    const prices = new Map<string, number[]>();
    if (count <= 0) {
      for (const tick of this.latest(symbols)) prices.set(tick.symbol, []);
      return prices;
    }
    return this.guard(() => {
      for (const tick of this.latest(symbols)) prices.set(tick.symbol, this.selectRecentPrices.all(tick.symbol, count).reverse());
      return prices;
    });
  }

  checkpoint(): string | undefined {
    return this.storedCheckpoint;
  }

  stats(): LogStats {
    return {
      count: this.last === 0 ? 0 : this.last - this.oldest + 1,
      oldestId: this.oldest,
      lastId: this.last,
      bytes: this.path === ':memory:' ? 0 : fileSize(this.path) + fileSize(`${this.path}-wal`),
    };
  }

  healthy(): boolean {
    return !this.failed && !this.closed;
  }

  appendErrors(): { total: number; failing: boolean } {
    return { total: this.failedAppends, failing: this.appendFailing };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // Folds the WAL back into the main file so the database is one self-contained file at rest.
      if (!this.failed && this.path !== ':memory:') this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      try {
        this.db.close();
      } finally {
        this.lock?.release();
      }
    }
  }

  private load(): void {
    // Two subqueries, because SQLite's min/max optimisation (one seek to an end of the rowid
    // b-tree) only applies to a query with a single MIN or MAX; `SELECT MIN(id), MAX(id)` scans.
    const bounds = this.db.prepare('SELECT (SELECT MIN(id) FROM ticks) AS oldest, (SELECT MAX(id) FROM ticks) AS last').get() as {
      oldest: number | null;
      last: number | null;
    };
    this.oldest = bounds.oldest ?? 0;
    this.last = bounds.last ?? 0;
    const saved = this.db.prepare('SELECT value FROM checkpoint WHERE only = 1').pluck().get() as string | undefined;
    this.storedCheckpoint = saved;
    // A log opened for the first time (or written before epochs existed) starts a history of its
    // own; a follower replaces it with the cluster's when it starts over.
    const epoch = this.db.prepare('SELECT epoch FROM history WHERE only = 1').pluck().get() as string | undefined;
    this.history = epoch ?? newEpoch();
    if (epoch === undefined) this.saveEpoch.run(this.history);

    // Pruning at open may face a whole backlog (retention was lowered); small transactions keep
    // each lock short so readers in other processes are not starved.
    const step = this.db.transaction(() => this.pruneStep(this.oldest, this.last, this.pruneBatch));
    while (this.last > 0 && this.last - this.oldest + 1 > this.retention) this.oldest = step();

    this.loadNewest();
  }

  /**
   * Fills the newest-tick cache. `MAX(id) … GROUP BY symbol` would walk the whole (symbol, id)
   * index; instead a recursive query hops from one distinct symbol to the next (an index seek
   * each) and the newest row of each symbol is another seek, so opening a 1M-row log costs
   * O(symbols × log n) rather than O(n).
   */
  private loadNewest(): void {
    const symbols = this.db
      .prepare(
        `WITH RECURSIVE distinct_symbol(symbol) AS (
           SELECT MIN(symbol) FROM ticks
           UNION ALL
           SELECT (SELECT MIN(symbol) FROM ticks WHERE symbol > distinct_symbol.symbol)
           FROM distinct_symbol WHERE distinct_symbol.symbol IS NOT NULL
         )
         SELECT symbol FROM distinct_symbol WHERE symbol IS NOT NULL`,
      )
      .pluck()
      .all() as string[];
    const newestOf = this.db.prepare<[string], LoggedTick>(
      'SELECT id, symbol, json FROM ticks WHERE symbol = ? ORDER BY id DESC LIMIT 1',
    );
    this.newest.clear();
    for (const symbol of symbols) this.newest.set(symbol, newestOf.get(symbol)!);
  }

  /** Deletes up to `maxRows` of the oldest rows beyond retention; returns the new oldest id. */
  private pruneStep(oldest: number, last: number, maxRows: number): number {
    const keepFrom = last - this.retention + 1;
    if (oldest >= keepFrom) return oldest;
    const newOldest = Math.min(keepFrom, oldest + maxRows);
    this.deleteBelow.run(newOldest);
    return newOldest;
  }

  private commit(rows: LoggedTick[], timestamps: number[], checkpoint: string | undefined): void {
    let oldest: number;
    try {
      oldest = this.guard(() => this.writeBatch(rows, timestamps, checkpoint));
    } catch (error) {
      this.failedAppends++;
      this.appendFailing = true;
      throw error;
    }
    this.appendFailing = false;
    if (checkpoint !== undefined) this.storedCheckpoint = checkpoint;
    if (rows.length === 0) return;
    this.last = rows[rows.length - 1].id;
    this.oldest = oldest;
    for (const row of rows) this.newest.set(row.symbol, row);
    // A symbol whose newest tick was just pruned has no rows left: the log no longer knows it.
    for (const [symbol, tick] of this.newest) if (tick.id < oldest) this.newest.delete(symbol);
  }

  private coversEverySymbol(symbols: ReadonlySet<string>): boolean {
    for (const symbol of this.newest.keys()) if (!symbols.has(symbol)) return false;
    return true;
  }

  /**
   * A filtered page as a k-way merge of per-symbol index range scans.
   *
   * `symbol IN (…) AND id > ? ORDER BY id` is planned as "SEARCH USING INDEX (symbol=? AND id>?)"
   * plus "USE TEMP B-TREE FOR ORDER BY": SQLite reads every matching row after `afterId` and sorts
   * them before taking `limit` (a million rows for a replay from 0). A rowid scan with the filter
   * in JS avoids the sort but reads every non-matching row too, which is unbounded for a rare
   * symbol. Each `symbol = ? AND id > ? ORDER BY id` is a plain index range scan in id order, so
   * merging the k cursors reads at most `limit + k` rows whatever the filter. When the filter
   * covers every symbol in the log, `readAfter` uses the unfiltered rowid scan instead.
   */
  private mergeSymbols(symbols: string[], afterId: number, limit: number): LoggedTick[] {
    const cursors = symbols.map((symbol) => this.cursorFor(symbol).iterate(symbol, afterId, limit));
    try {
      const heads = cursors.map((cursor) => cursor.next());
      const page: LoggedTick[] = [];
      while (page.length < limit) {
        // Linear search of the heads: k is the size of a filter (a dozen or so), where a heap buys nothing.
        let min = -1;
        for (let i = 0; i < heads.length; i++) {
          const head = heads[i];
          if (!head.done && (min < 0 || head.value.id < (heads[min].value as LoggedTick).id)) min = i;
        }
        if (min < 0) break;
        page.push(heads[min].value as LoggedTick);
        heads[min] = cursors[min].next();
      }
      return page;
    } finally {
      for (const cursor of cursors) cursor.return?.();
    }
  }

  private cursorFor(symbol: string): Database.Statement<[string, number, number], LoggedTick> {
    let statement = this.symbolCursors.get(symbol);
    if (!statement) {
      statement = this.symbolCursor();
      this.symbolCursors.set(symbol, statement);
    }
    return statement;
  }

  private symbolCursor(): Database.Statement<[string, number, number], LoggedTick> {
    return this.db.prepare<[string, number, number], LoggedTick>(
      'SELECT id, symbol, json FROM ticks WHERE symbol = ? AND id > ? ORDER BY id LIMIT ?',
    );
  }

  /** Runs `work`, remembering a failure that means the database itself is unusable. */
  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof Database.SqliteError && FATAL_CODE.test(error.code)) this.failed = true;
      throw error;
    }
  }
}

/**
 * The tick's JSON, built from an object literal so the key order is the wire order of `Tick`
 * whatever order the draft's own keys are in, and extra properties never leak into the log.
 */
function serializeTick(id: number, d: TickDraft): string {
  return JSON.stringify({
    id,
    ts: d.ts,
    symbol: d.symbol,
    price: d.price,
    bid: d.bid,
    ask: d.ask,
    size: d.size,
    volume: d.volume,
    open: d.open,
    high: d.high,
    low: d.low,
    prevClose: d.prevClose,
    change: d.change,
    changePct: d.changePct,
  });
}

/** A malformed draft would be replayed to every client forever, so it is refused before the write. */
function checkDraft(draft: TickDraft): void {
  if (typeof draft.symbol !== 'string' || draft.symbol === '') throw new TypeError('tick draft: symbol must be a non-empty string');
  if (!Number.isSafeInteger(draft.ts)) throw new TypeError(`tick draft ${draft.symbol}: ts must be an integer`);
  for (const field of PRICE_FIELDS) {
    if (!Number.isFinite(draft[field])) throw new TypeError(`tick draft ${draft.symbol}: ${field} must be a finite number`);
  }
}

/** Our own serialisation puts `ts` right after `id`, so the common case needs no JSON.parse. */
function timestampOf(tick: LoggedTick): number {
  const match = /^\{"id":(\d+),"ts":(\d+),/.exec(tick.json);
  const [id, ts] = match ? [Number(match[1]), Number(match[2])] : parseIdAndTs(tick.json);
  if (id !== tick.id) throw new TypeError(`replicated tick ${tick.id}: its JSON carries id ${id}`);
  return ts;
}

function parseIdAndTs(json: string): [number, number] {
  const parsed = JSON.parse(json) as { id?: unknown; ts?: unknown };
  if (typeof parsed.id !== 'number' || !Number.isSafeInteger(parsed.ts)) throw new TypeError(`replicated tick is not a tick: ${json.slice(0, 80)}`);
  return [parsed.id, parsed.ts as number];
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

// The event log on SQLite: gap-free ids, serialise-once JSON, bounded retention, indexed replay.
//
// Over ~350 lines because the EventLog is one SQLite connection: its prepared statements, the
// newest-tick cache and the id counters change together in each transaction, so they stay in one class.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EVENT_KINDS, type EventFilter, type LoggedEvent, type MarketEventDraft } from '../types.ts';
import { isEpoch, newEpoch } from './epoch.ts';
import { checkDraft, isEventKind, parseStoredEvent, serializeEvent, symbolOf } from './event-json.ts';
import { lockLog, type LogLock } from './lock.ts';
import { migrate } from './migrate.ts';
import type { EventLog, LogOptions, LogStats } from './event-log.ts';

const DEFAULT_PRUNE_BATCH = 1000;
const BUSY_TIMEOUT_MS = 5000;

/** The columns every read returns: a LoggedEvent. */
const ROW = 'id, kind, symbol, json';

/** A symbol cursor's parameters (named, so the kind-filtered variant binds the same object). */
interface CursorParams {
  symbol: string;
  after: number;
  limit: number;
  /** `|tick|quote|`: the kinds wanted, for the kind-filtered statements. */
  kinds?: string;
}

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
    // Appends touch the ends of two b-trees (rows by id, the (symbol, id) index) and each WAL
    // checkpoint syncs the file: SQLite's defaults (a 2 MiB page cache, a checkpoint every 1000
    // pages) made an append ~35 % slower than a 16 MiB cache with a checkpoint every 4000 pages
    // (16 MiB of WAL at most between checkpoints), measured with `npm run bench -- log`.
    db.pragma('cache_size = -16000');
    if (!inMemory) db.pragma('wal_autocheckpoint = 4000');
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
  /** Newest trade (tick) of each symbol that has one. */
  private readonly newest = new Map<string, LoggedEvent>();
  /** Newest quote of each symbol that has one. */
  private readonly newestQuote = new Map<string, LoggedEvent>();
  /**
   * Newest id of each symbol present in the log, of any kind ('' for status events): its keys are
   * exactly the log's symbols, which lets a filtered read skip the symbols the log does not hold.
   */
  private readonly present = new Map<string, number>();
  /** The newest event of any kind: the market's current session and clock. */
  private newestAny: LoggedEvent | null = null;
  private failed = false;
  private closed = false;
  /** Appends whose transaction failed, and whether the newest one did (see `appendErrors`). */
  private failedAppends = 0;
  private appendFailing = false;

  private readonly insertEvent: Database.Statement<[number, string, string, number, string]>;
  private readonly saveCheckpoint: Database.Statement<[string]>;
  private readonly deleteBelow: Database.Statement<[number]>;
  private readonly selectAfter: Database.Statement<[number, number], LoggedEvent>;
  private readonly selectKindsAfter: Database.Statement<[Omit<CursorParams, 'symbol'>], LoggedEvent>;
  private readonly selectRecentPrices: Database.Statement<[string, number], number>;
  /** One statement per symbol and variant, because a k-way merge keeps k iterators open at once. */
  private readonly symbolCursors = new Map<string, Database.Statement<[CursorParams], LoggedEvent>>();
  private readonly writeBatch: (rows: LoggedEvent[], timestamps: number[], checkpoint: string | undefined) => number;
  private readonly deleteAll: (epoch: string) => void;
  private readonly saveEpoch: Database.Statement<[string]>;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly retention: number,
    private readonly pruneBatch: number,
    private readonly lock: LogLock | null,
  ) {
    this.insertEvent = db.prepare('INSERT INTO ticks (id, kind, symbol, ts, json) VALUES (?, ?, ?, ?, ?)');
    this.saveCheckpoint = db.prepare(
      'INSERT INTO checkpoint (only, value) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET value = excluded.value',
    );
    this.deleteBelow = db.prepare('DELETE FROM ticks WHERE id < ?');
    this.selectAfter = db.prepare<[number, number], LoggedEvent>(`SELECT ${ROW} FROM ticks WHERE id > ? ORDER BY id LIMIT ?`);
    // Ticks and quotes are each about half of the log, so a rowid scan that skips the other kind
    // reads about twice the rows it returns; only status events are rare, and they are read
    // through the (symbol, id) index under symbol ''.
    this.selectKindsAfter = db.prepare<[Omit<CursorParams, 'symbol'>], LoggedEvent>(
      `SELECT ${ROW} FROM ticks WHERE id > @after AND instr(@kinds, '|' || kind || '|') > 0 ORDER BY id LIMIT @limit`,
    );
    // Walks the (symbol, id) index backwards from the symbol's newest row, skipping its quotes: no
    // sort, about 2 × `count` rows read.
    this.selectRecentPrices = db
      .prepare<[string, number], number>(
        "SELECT json_extract(json, '$.price') FROM ticks WHERE symbol = ? AND kind = 'tick' ORDER BY id DESC LIMIT ?",
      )
      .pluck();

    // Returns the new oldest id. Everything the caches need is computed inside and applied by
    // the caller only after the commit, so a rollback leaves memory and disk in agreement.
    this.writeBatch = db.transaction((rows: LoggedEvent[], timestamps: number[], checkpoint: string | undefined) => {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        this.insertEvent.run(row.id, row.kind, row.symbol, timestamps[i], row.json);
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

  append(drafts: MarketEventDraft[], checkpoint?: string): LoggedEvent[] {
    if (drafts.length === 0) {
      if (checkpoint !== undefined) this.commit([], [], checkpoint);
      return [];
    }
    const rows: LoggedEvent[] = new Array(drafts.length);
    const timestamps: number[] = new Array(drafts.length);
    for (let i = 0; i < drafts.length; i++) {
      const draft = drafts[i];
      checkDraft(draft);
      const id = this.last + 1 + i;
      rows[i] = { id, kind: draft.kind, symbol: symbolOf(draft), json: serializeEvent(id, draft) };
      timestamps[i] = draft.ts;
    }
    this.commit(rows, timestamps, checkpoint);
    return rows;
  }

  appendReplicated(events: LoggedEvent[]): LoggedEvent[] {
    const fresh = events.filter((event) => event.id > this.last);
    if (fresh.length === 0) return [];
    // An empty log may join a feed anywhere: the leader may have pruned everything before it.
    let expected = this.last === 0 ? fresh[0].id : this.last + 1;
    if (!Number.isSafeInteger(expected) || expected < 1) throw new LogGapError(this.last + 1, expected);
    const timestamps: number[] = new Array(fresh.length);
    for (let i = 0; i < fresh.length; i++) {
      const event = fresh[i];
      if (!isEventKind(event.kind)) throw new TypeError(`replicated event ${event.id}: unknown kind ${String(event.kind)}`);
      if (typeof event.symbol !== 'string' || (event.symbol === '') !== (event.kind === 'status')) {
        throw new TypeError(`replicated ${event.kind} ${event.id}: ${event.kind === 'status' ? 'a status event has no symbol' : 'no symbol'}`);
      }
      if (event.id !== expected) throw new LogGapError(expected, event.id);
      timestamps[i] = timestampOf(event);
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
    this.newestQuote.clear();
    this.present.clear();
    this.newestAny = null;
  }

  fork(epoch: string): void {
    if (!isEpoch(epoch)) throw new TypeError(`fork: not an epoch: ${String(epoch).slice(0, 40)}`);
    this.guard(() => this.saveEpoch.run(epoch));
    this.history = epoch;
  }

  readAfter(afterId: number, filter: EventFilter | null, limit: number): LoggedEvent[] {
    if (limit <= 0) return [];
    return this.guard(() => {
      const kinds = filter?.kinds && !EVENT_KINDS.every((kind) => filter.kinds!.has(kind)) ? filter.kinds : null;
      const kindParam = kinds === null ? undefined : `|${[...kinds].join('|')}|`;
      const wantsStatus = kinds === null || kinds.has('status');
      // Status events are market-wide: they pass every symbol filter.
      let wanted: string[] | null = filter?.symbols ? [...filter.symbols] : null;
      if (wanted !== null && wantsStatus) wanted.push('');
      if (wanted === null && kinds !== null && kinds.size === 1 && wantsStatus) wanted = [''];
      // The cache picks the plan, never the rows: only a cache that knows symbols may skip the
      // filter (an empty one "covers" every filter) or drop the symbols it has not seen.
      const known = this.present.size > 0;
      if (wanted !== null && known) {
        const asked = new Set(wanted);
        wanted = wanted.filter((symbol) => this.present.has(symbol));
        if (wanted.length === 0) return [];
        if ([...this.present.keys()].every((symbol) => asked.has(symbol))) wanted = null;
      }
      if (wanted === null) {
        return kindParam === undefined ? this.selectAfter.all(afterId, limit) : this.selectKindsAfter.all({ after: afterId, kinds: kindParam, limit });
      }
      if (wanted.length === 1) return this.cursorFor(wanted[0], kindParam).all(cursorParams(wanted[0], afterId, limit, kindParam));
      return this.mergeSymbols(wanted, afterId, limit, kindParam);
    });
  }

  latest(symbols?: ReadonlySet<string> | null): LoggedEvent[] {
    return newestOf(this.newest, symbols);
  }

  latestQuotes(symbols?: ReadonlySet<string> | null): LoggedEvent[] {
    return newestOf(this.newestQuote, symbols);
  }

  newestEvent(): LoggedEvent | null {
    return this.newestAny;
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
   * Fills the newest-event caches. `MAX(id) … GROUP BY symbol` would walk the whole (symbol, id)
   * index; instead a recursive query hops from one distinct symbol to the next (an index seek
   * each) and the newest rows of each symbol are a backward index walk each, so opening a 1M-row
   * log costs O(symbols × log n) rather than O(n).
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
    const newestId = this.db.prepare<[string], number>('SELECT MAX(id) FROM ticks WHERE symbol = ?').pluck();
    const newestOfKind = this.db.prepare<[string, string], LoggedEvent>(
      `SELECT ${ROW} FROM ticks WHERE symbol = ? AND kind = ? ORDER BY id DESC LIMIT 1`,
    );
    this.newest.clear();
    this.newestQuote.clear();
    this.present.clear();
    for (const symbol of symbols) {
      this.present.set(symbol, newestId.get(symbol)!);
      if (symbol === '') continue;
      const trade = newestOfKind.get(symbol, 'tick');
      if (trade) this.newest.set(symbol, trade);
      const quote = newestOfKind.get(symbol, 'quote');
      if (quote) this.newestQuote.set(symbol, quote);
    }
    this.newestAny = this.last === 0 ? null : (this.db.prepare<[number], LoggedEvent>(`SELECT ${ROW} FROM ticks WHERE id = ?`).get(this.last) ?? null);
  }

  /** Deletes up to `maxRows` of the oldest rows beyond retention; returns the new oldest id. */
  private pruneStep(oldest: number, last: number, maxRows: number): number {
    const keepFrom = last - this.retention + 1;
    if (oldest >= keepFrom) return oldest;
    const newOldest = Math.min(keepFrom, oldest + maxRows);
    this.deleteBelow.run(newOldest);
    return newOldest;
  }

  private commit(rows: LoggedEvent[], timestamps: number[], checkpoint: string | undefined): void {
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
    for (const row of rows) {
      this.present.set(row.symbol, row.id);
      if (row.kind === 'tick') this.newest.set(row.symbol, row);
      else if (row.kind === 'quote') this.newestQuote.set(row.symbol, row);
    }
    this.newestAny = rows[rows.length - 1];
    // A symbol whose newest event was just pruned has no rows left: the log no longer knows it.
    for (const [symbol, id] of this.present) if (id < oldest) this.present.delete(symbol);
    for (const cache of [this.newest, this.newestQuote]) for (const [symbol, event] of cache) if (event.id < oldest) cache.delete(symbol);
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
  private mergeSymbols(symbols: string[], afterId: number, limit: number, kinds: string | undefined): LoggedEvent[] {
    const cursors = symbols.map((symbol) => this.cursorFor(symbol, kinds).iterate(cursorParams(symbol, afterId, limit, kinds)));
    try {
      const heads = cursors.map((cursor) => cursor.next());
      const page: LoggedEvent[] = [];
      while (page.length < limit) {
        // Linear search of the heads: k is the size of a filter (a dozen or so), where a heap buys nothing.
        let min = -1;
        for (let i = 0; i < heads.length; i++) {
          const head = heads[i];
          if (!head.done && (min < 0 || head.value.id < (heads[min].value as LoggedEvent).id)) min = i;
        }
        if (min < 0) break;
        page.push(heads[min].value as LoggedEvent);
        heads[min] = cursors[min].next();
      }
      return page;
    } finally {
      for (const cursor of cursors) cursor.return?.();
    }
  }

  private cursorFor(symbol: string, kinds: string | undefined): Database.Statement<[CursorParams], LoggedEvent> {
    const key = kinds === undefined ? symbol : `${symbol}\u0000kinds`;
    let statement = this.symbolCursors.get(key);
    if (!statement) {
      const kindFilter = kinds === undefined ? '' : "AND instr(@kinds, '|' || kind || '|') > 0";
      statement = this.db.prepare<[CursorParams], LoggedEvent>(
        `SELECT ${ROW} FROM ticks WHERE symbol = @symbol AND id > @after ${kindFilter} ORDER BY id LIMIT @limit`,
      );
      this.symbolCursors.set(key, statement);
    }
    return statement;
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

/** Named parameters of a symbol cursor; `kinds` only for the kind-filtered variant. */
function cursorParams(symbol: string, after: number, limit: number, kinds: string | undefined): CursorParams {
  return kinds === undefined ? { symbol, after, limit } : { symbol, after, limit, kinds };
}

/** The newest event of each symbol of `cache` (of `symbols` when given), in symbol order. */
function newestOf(cache: Map<string, LoggedEvent>, symbols: ReadonlySet<string> | null | undefined): LoggedEvent[] {
  const names = symbols ? [...symbols].filter((symbol) => cache.has(symbol)) : [...cache.keys()];
  return names.sort().map((symbol) => cache.get(symbol)!);
}

/** Our own serialisation puts `ts` right after `id`, so the common case needs no JSON.parse. */
function timestampOf(event: LoggedEvent): number {
  const match = /^\{"id":(\d+),"ts":(\d+),/.exec(event.json);
  const [id, ts] = match ? [Number(match[1]), Number(match[2])] : parseIdAndTs(event.json);
  if (id !== event.id) throw new TypeError(`replicated event ${event.id}: its JSON carries id ${id}`);
  return ts;
}

function parseIdAndTs(json: string): [number, number] {
  try {
    const head = parseStoredEvent(json);
    return [head.id, head.ts];
  } catch (error) {
    throw new TypeError(`replicated event is not an event (${(error as Error).message}): ${json.slice(0, 80)}`);
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

// The event log as the rest of the server sees it: the `EventLog` interface with its contract, its
// options and its stats. log.ts implements it on SQLite (`openLog`).
import type { EventFilter, LoggedEvent, MarketEventDraft } from '../types.ts';

export interface LogOptions {
  /** SQLite file path, or ':memory:'. Parent directories are created. */
  path: string;
  /** Newest events kept; older ones are pruned in small batches. >= 1. */
  retention: number;
  /** Rows deleted per pruning step (default 1000). */
  pruneBatch?: number;
}

export interface LogStats {
  count: number;
  oldestId: number;
  lastId: number;
  /** Size of the database file(s) in bytes (0 for :memory:). */
  bytes: number;
}

/**
 * The append-only, gap-free event log. Synchronous by design (better-sqlite3): a caller that
 * appends and then broadcasts in the same JavaScript task knows no reader can see a gap.
 */
export interface EventLog {
  readonly path: string;
  /** Newest id, 0 when the log is empty. */
  lastId(): number;
  /**
   * The history this log holds: a random token (16 hex digits) given to a fresh log, kept across
   * restarts, replaced only by `clear(epoch)`. Ticks under one id are the same in every log of one
   * epoch; logs of different epochs share nothing.
   */
  epoch(): string;
  /** Oldest retained id, 0 when the log is empty. */
  oldestId(): number;
  /**
   * Give drafts (events of any kind) the ids lastId+1…, commit them in one transaction (with
   * `checkpoint`, an opaque string the caller can read back after a restart), then return them
   * serialized. A malformed draft throws a TypeError naming the field, and nothing is written.
   */
  append(drafts: MarketEventDraft[], checkpoint?: string): LoggedEvent[];
  /**
   * Store ticks that already have ids (a follower filling its log from the cluster feed). Ids at
   * or below lastId are skipped (idempotent); the rest must continue at lastId+1 without a gap or
   * a LogGapError is thrown and nothing is written. Returns the ticks stored.
   */
  appendReplicated(ticks: LoggedEvent[]): LoggedEvent[];
  /**
   * Delete every tick and the checkpoint in one transaction. For a follower that can no longer
   * continue the cluster feed gap-free (or holds ticks the feed contradicts): it starts over
   * empty, and an empty log may take the feed up at any id. Ids are not reused by this: the
   * feed's ids only grow. With `epoch`, the log then holds that history (the cluster's it is about
   * to copy) in the same transaction.
   */
  clear(epoch?: string): void;
  /**
   * From now on the log holds history `epoch`, its ticks kept: a fork. For a node that must
   * continue a forgotten stream without being sure it holds all of it (see
   * cluster/restore-claims.ts): nodes that hold more of the old history then start over.
   */
  fork(epoch: string): void;
  /**
   * Ascending events with id > afterId, at most `limit`; with a filter, only its kinds and its
   * symbols (upper case; status events have none and pass every symbol filter).
   */
  readAfter(afterId: number, filter: EventFilter | null, limit: number): LoggedEvent[];
  /** The newest trade (`tick`) of each symbol (of `symbols` when given), in symbol order. */
  latest(symbols?: ReadonlySet<string> | null): LoggedEvent[];
  /** The newest quote of each symbol (of `symbols` when given), in symbol order. */
  latestQuotes(symbols?: ReadonlySet<string> | null): LoggedEvent[];
  /** The newest event of any kind (it tells the market's session and clock); null when empty. */
  newestEvent(): LoggedEvent | null;
  /**
   * The trade prices of the newest `count` ticks of each symbol in the log (of `symbols` when
   * given), oldest first: each list ends with the price of that symbol's `latest` tick. One
   * (symbol, id) index range read per symbol, newest first, so the cost is symbols × count whatever
   * the size of the log.
   */
  recentPrices(symbols: ReadonlySet<string> | null, count: number): Map<string, number[]>;
  /** The checkpoint stored by the newest append that carried one. */
  checkpoint(): string | undefined;
  stats(): LogStats;
  /** False once the database has failed (e.g. disk I/O error); /healthz answers 503. */
  healthy(): boolean;
  /**
   * Appends (`append`, `appendReplicated`) whose write failed and rolled back since the log was
   * opened, and whether the newest one did: a log that is readable but cannot take new ticks
   * (disk full, a constraint another writer broke). Drafts refused before the write do not count.
   */
  appendErrors(): { total: number; failing: boolean };
  close(): void;
}

// The bus replicates committed batches between ticktape processes. It is not how a process feeds
// its own SSE clients: a batch is committed to the local log and streamed locally first, then
// handed to the bus (local-first), so a Redis outage never stops a node serving its own clients.
import type { LoggedEvent } from '../types.ts';

/** `off`: no Redis configured (in-process bus). */
export type BusState = 'up' | 'down' | 'off';

export interface BusStats {
  /** Ticks the bus has confirmed as replicated. */
  published: number;
  /** Failed attempts to replicate (each retried later; no tick is dropped). */
  publishErrors: number;
  /** Newest id confirmed in the cluster feed by this process, 0 if none. */
  publishedUpTo: number;
}

export interface Bus {
  readonly kind: 'memory' | 'redis';
  /**
   * Replicate a batch that is already committed to the local log. Never throws and never blocks
   * the caller; while the transport is down the bus remembers how far it got and catches up from
   * its `BusSource` when the transport returns, in id order.
   */
  publish(batch: LoggedEvent[]): void;
  /**
   * Follow the cluster feed: `handler` receives, in id order, every tick with id > afterId, in
   * batches, with no gap and no duplicate, across transport drops. Returns a function that stops.
   * `onError` hears of conditions the follower cannot repair (e.g. the feed no longer holds
   * afterId + 1).
   */
  follow(afterId: number, handler: (batch: LoggedEvent[]) => void, onError?: (err: Error) => void): () => void;
  /** Newest id in the cluster feed, or null when unknown (transport down, feed empty). */
  clusterLastId(): Promise<number | null>;
  state(): BusState;
  /** Hear each change of state; returns a function that stops listening. */
  onState(listener: (state: BusState) => void): () => void;
  stats(): BusStats;
  close(): Promise<void>;
}

/** How a bus reads back what it has not yet replicated: the local log, passed in by the server. */
export interface BusSource {
  /** Ascending ticks with id > afterId, at most `limit`. */
  readAfter(afterId: number, limit: number): LoggedEvent[];
  lastId(): number;
  /** The history the local log holds: every entry the bus writes carries it. */
  epoch(): string;
}

/**
 * What a writer learns when it finds the stream is not its alone: `history`, the stream holds
 * another history (its epoch key names another epoch); `generator`, another writer of this history
 * moved the stream's end past what this node wrote.
 */
export interface WriterConflict {
  reason: 'history' | 'generator';
  /** The stream's epoch, and this node's. */
  theirs: string;
  mine: string;
  /** The stream's last id when the append was refused. */
  streamLastId: number;
}

/** A thrown value as an Error, for handlers and loops that report what they caught. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

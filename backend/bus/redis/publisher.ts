// The publishing half of the Redis bus. Publishing is local-first: `publish` only records how far
// the local log has got and, while Redis is up, keeps the batch for the next write; one writer
// loop ("pump") appends to the stream, one request in flight at a time. Whenever the connection
// comes back (or a write fails) the pump first reads where the stream ends and re-publishes from
// the local log (`BusSource`) from there, so an outage costs no memory here and loses or
// duplicates nothing in the stream.
//
// The publishing connection is also the one whose ups and downs the bus reports (`state`).
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.ts';
import type { LoggedEvent } from '../../types.ts';
import { toError, type BusSource, type BusState, type BusStats, type WriterConflict } from '../bus.ts';
import { busBackoff } from './connection.ts';
import { epochKeyOf, FEED_PAGE } from './feed.ts';
import { definePublisherScripts } from './scripts.ts';

/** Live batches kept while a write is in flight; beyond this the pump reads the local log instead. */
const MAX_PENDING_TICKS = 10_000;

export interface PublisherOptions {
  /** The publishing connection, not connected yet: the publisher connects it and owns its events. */
  conn: Redis;
  key: string;
  maxLen: number;
  source: BusSource;
  logger: Logger;
  /** The Redis URL as logs may show it. */
  logUrl: string;
  /** Write only while `fence.key` holds `fence.token` (see RedisBusOptions.fence). */
  fence?: { key: string; token: string };
  /**
   * Hears of a writer conflict (see WriterConflict). An unfenced writer (`--role all`, the single
   * generator by configuration) then stops writing for good: another generator is on its stream,
   * which only a change of configuration resolves. A fenced one retries later, like when fenced.
   */
  onConflict?: (conflict: WriterConflict) => void;
  /**
   * Write only while this reads true (checked before each append; the next publish() wakes the
   * writer again). A simulator's reads "leading": the lease alone would let a node that is still
   * deciding whether to restore a forgotten stream write its log into it.
   */
  mayWrite?: () => boolean;
}

export interface Publisher {
  publish(batch: LoggedEvent[]): void;
  state(): BusState;
  onState(listener: (state: BusState) => void): () => void;
  stats(): BusStats;
  /** Stop writing and forget kept batches; the owner closes the connection. */
  stop(): void;
}

/** An append refused because this node does not hold the fence key (or met a conflict); the pump retries later. */
class FencedError extends Error {
  override name = 'FencedError';
}

export function startPublisher(opts: PublisherOptions): Publisher {
  const { conn, key, maxLen, source, logger, logUrl, fence } = opts;
  const epochKey = epochKeyOf(key);
  const scripts = definePublisherScripts(conn);

  const counters: BusStats = { published: 0, publishErrors: 0, publishedUpTo: 0 };
  const stateListeners = new Set<(state: BusState) => void>();
  let state: BusState = 'down';
  let stateReported = false;
  let lastError: Error | null = null;
  let stopped = false;

  // The pump's view of the stream. `streamLast` is where the stream ends as last seen (0: empty),
  // `cursor` the newest id that needs no writing; they differ only when the stream is empty and the
  // local log holds more than `maxLen` ticks (older ones would be trimmed at once anyway).
  let synced = false;
  let streamLast = 0;
  let cursor = 0;
  /** Newest id committed locally that should reach the stream. */
  let target = 0;
  let pending: LoggedEvent[][] = [];
  let pendingTicks = 0;
  let pumping = false;
  let pumpAgain = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryAttempt = 0;
  let failing = false;
  let conflicting = false;
  let fenced = false;
  /** An unfenced writer that met another generator: it writes nothing more. */
  let halted = false;

  function setState(next: 'up' | 'down'): void {
    if (stateReported && next === state) return;
    stateReported = true;
    state = next;
    if (next === 'up') logger('redis.up', { url: logUrl });
    else logger('redis.down', { url: logUrl, error: lastError?.message ?? 'connection closed' }, 'warn');
    for (const listener of [...stateListeners]) {
      try {
        listener(next);
      } catch {
        // A listener's failure is its own; the bus keeps running.
      }
    }
  }

  conn.on('error', (err: Error) => {
    lastError = err;
  });
  conn.on('ready', () => {
    lastError = null;
    synced = false;
    retryAttempt = 0;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    setState('up');
    kick();
  });
  conn.on('close', () => {
    if (stopped) return;
    dropPending();
    setState('down');
  });
  conn.connect().catch(() => {
    // The first failure is reported through 'error'/'close'; the retry strategy keeps trying.
  });

  function dropPending(): void {
    pending = [];
    pendingTicks = 0;
  }

  function kick(): void {
    if (stopped || retryTimer) return;
    void pump();
  }

  function scheduleRetry(): void {
    // While disconnected the 'ready' event restarts the pump; only a failure on a live connection
    // (a timeout, a script error) needs a timer.
    if (stopped || conn.status !== 'ready' || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      kick();
    }, busBackoff(++retryAttempt));
    retryTimer.unref();
  }

  async function resync(): Promise<void> {
    const last = Number(await scripts.ticktapeLastId(key));
    const sourceLast = source.lastId();
    if (sourceLast > target) target = sourceLast;
    streamLast = last;
    cursor = last > 0 ? last : Math.max(0, sourceLast - maxLen);
    counters.publishedUpTo = Math.min(last, sourceLast);
    synced = true;
  }

  /** The next ticks to write: kept live batches when they continue the cursor, else the local log. */
  function nextChunk(): LoggedEvent[] {
    while (pending.length > 0 && pending[0][pending[0].length - 1].id <= cursor) {
      pendingTicks -= pending.shift()!.length;
    }
    // Whole batches only, up to a page; a batch bigger than a page goes out in pages from the log.
    if (pending.length > 0 && pending[0][0].id === cursor + 1 && pending[0].length <= FEED_PAGE) {
      const chunk: LoggedEvent[] = [];
      while (
        pending.length > 0 &&
        chunk.length + pending[0].length <= FEED_PAGE &&
        pending[0][0].id === cursor + 1 + chunk.length
      ) {
        const batch = pending.shift()!;
        pendingTicks -= batch.length;
        for (const tick of batch) chunk.push(tick);
      }
      return chunk;
    }
    dropPending();
    return source.readAfter(cursor, FEED_PAGE);
  }

  async function append(chunk: LoggedEvent[]): Promise<void> {
    const first = chunk[0].id;
    const end = chunk[chunk.length - 1].id;
    if (first > cursor + 1) {
      logger('redis.source-gap', { from: cursor + 1, to: first - 1, reason: 'no longer in the local log' }, 'warn');
    }
    const mine = source.epoch();
    const args: (string | number)[] = [maxLen, streamLast, mine];
    for (const tick of chunk) args.push(tick.id, tick.symbol, tick.json);
    const [status, lastText, same, theirs] = fence
      ? await scripts.ticktapeAppendFenced(key, epochKey, fence.key, ...args, fence.token)
      : await scripts.ticktapeAppend(key, epochKey, ...args);
    if (status === 'ok') {
      conflicting = false;
      fenced = false;
      confirm(chunk.length, end);
      return;
    }
    const last = Number(lastText);
    synced = false;
    if (status === 'fenced') {
      // Not the lease holder (any more): nothing of ours may enter the feed. Retry later, quietly.
      if (!fenced) logger('redis.fenced', { url: logUrl, key, fenceKey: fence?.key, batchFirst: first }, 'warn');
      fenced = true;
      throw new FencedError();
    }
    if (status === 'epoch') {
      // The stream holds another history: nothing of ours may go on top of it.
      return conflict({ reason: 'history', theirs, mine, streamLastId: last }, first);
    }
    if (same === 1) {
      // Our own batch, written by an attempt whose reply never arrived.
      confirm(Math.min(last, end) - first + 1, Math.min(last, end));
    } else if (last < streamLast) {
      logger('redis.resync', { url: logUrl, expected: streamLast, found: last, reason: 'the stream lost entries' });
    } else {
      // Another writer moved the stream: skip past its entries (resync) and say so once per streak.
      if (!fence) return conflict({ reason: 'generator', theirs, mine, streamLastId: last }, first);
      counters.publishErrors++;
      if (!conflicting) {
        logger('redis.conflict', { url: logUrl, key, expected: streamLast, found: last, batchFirst: first }, 'warn');
      }
      conflicting = true;
    }
  }

  function conflict(found: WriterConflict, batchFirst: number): never {
    if (!conflicting) {
      logger('redis.conflict', { url: logUrl, key, ...found, expected: streamLast, batchFirst, action: fence ? 'retrying later' : 'stopped writing' }, 'error');
    }
    conflicting = true;
    if (!fence) {
      halted = true;
      dropPending();
    }
    opts.onConflict?.(found);
    throw new FencedError();
  }

  function confirm(count: number, upTo: number): void {
    counters.published += count;
    counters.publishedUpTo = upTo;
    cursor = upTo;
    streamLast = upTo;
  }

  async function pump(): Promise<void> {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      while (!stopped && !halted && conn.status === 'ready') {
        if (!synced) await resync();
        if (cursor >= target || (opts.mayWrite && !opts.mayWrite())) break;
        const chunk = nextChunk();
        if (chunk.length === 0) break;
        await append(chunk);
      }
      retryAttempt = 0;
      failing = false;
    } catch (err) {
      synced = false;
      if (!stopped) {
        counters.publishErrors++;
        // A lost connection is already reported once as redis.down, a fence once as redis.fenced;
        // anything else once per streak.
        if (conn.status === 'ready' && !failing && !(err instanceof FencedError)) {
          failing = true;
          logger('redis.publish-failed', { url: logUrl, error: toError(err).message }, 'warn');
        }
        scheduleRetry();
      }
    } finally {
      pumping = false;
      if (pumpAgain) {
        pumpAgain = false;
        kick();
      }
    }
  }

  return {
    publish(batch) {
      if (stopped || halted || batch.length === 0) return;
      const end = batch[batch.length - 1].id;
      if (end > target) target = end;
      // Keep the batch only while a write can use it soon; otherwise the local log has it.
      if (state === 'up' && conn.status === 'ready') {
        if (pendingTicks + batch.length > MAX_PENDING_TICKS) dropPending();
        else {
          pending.push(batch);
          pendingTicks += batch.length;
        }
      }
      kick();
    },
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    stats: () => ({ ...counters }),
    stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      dropPending();
    },
  };
}

// The following half of the Redis bus: one loop per follower on a connection of its own, because
// XREAD BLOCK holds its connection until data arrives. It delivers every entry after its position,
// in order, gap-free, across reconnects, and stops for good (FeedGapError) when the stream no
// longer holds the next id, or (ForeignEntryError) at an entry that is not a tick ticktape wrote.
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.ts';
import type { LoggedEvent } from '../../types.ts';
import { toError } from '../bus.ts';
import { FeedGapError } from '../feed-gap-error.ts';
import { busBackoff, untilReady } from './connection.ts';
import { FEED_PAGE, parseEntry } from './feed.ts';

export interface FollowerOptions {
  /** A connection for this follower alone, not connected yet; the follower connects and ends it. */
  reader: Redis;
  key: string;
  /** How long an XREAD blocks before it asks again (ms). */
  blockMs: number;
  logger: Logger;
  /** The Redis URL as logs may show it. */
  logUrl: string;
  afterId: number;
  handler: (batch: LoggedEvent[]) => void;
  onError?: (err: Error) => void;
  /** Called once when the follower stops, whether by `stop()` or by a failure. */
  onStop?: () => void;
}

export interface Follower {
  /** Stop at once (idempotent); `done` settles when the loop has left. */
  stop(): void;
  done: Promise<void>;
}

export function startFollower(opts: FollowerOptions): Follower {
  const { reader, key, blockMs, logger, logUrl, handler, onError, onStop } = opts;
  // Errors surface as rejected XREADs; the loop waits for the reconnect. Up/down is reported by
  // the publishing connection alone, so a follower's retries never reach the log.
  reader.on('error', () => {});
  reader.connect().catch(() => {});
  let lastSeen = opts.afterId;
  let stopped = false;
  let signalStop!: () => void;
  // Every wait in the loop races this, so stopping never hangs on a connection that is mid-retry.
  const stoppedSignal = new Promise<void>((resolve) => {
    signalStop = resolve;
  });

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    signalStop();
    // disconnect, not quit: QUIT would wait behind the blocked XREAD.
    reader.disconnect();
    onStop?.();
  };
  const fail = (err: Error): void => {
    stop();
    onError?.(err);
  };
  const pause = (ms: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    return Promise.race([elapsed, stoppedSignal]).finally(() => clearTimeout(timer));
  };

  const loop = async (): Promise<void> => {
    let attempt = 0;
    let failingRead = false;
    while (!stopped) {
      if (reader.status === 'end') break;
      if (reader.status !== 'ready') {
        await Promise.race([untilReady(reader), stoppedSignal]);
        continue;
      }
      let reply: [key: string, items: [id: string, fields: string[]][]][] | null;
      try {
        // Entries with an id greater than lastSeen-0, oldest first (XREAD's contract), so a
        // reconnect resumes exactly after the last tick delivered.
        reply = await reader.xread('COUNT', FEED_PAGE, 'BLOCK', blockMs, 'STREAMS', key, `${lastSeen}-0`);
      } catch (err) {
        if (stopped) break;
        if (reader.status === 'ready') {
          // Not a lost connection (that just waits for 'ready'): back off and say so once.
          if (!failingRead) logger('redis.follow-failed', { url: logUrl, error: toError(err).message }, 'warn');
          failingRead = true;
          await pause(busBackoff(++attempt));
        }
        continue;
      }
      attempt = 0;
      failingRead = false;
      if (stopped || !reply || reply.length === 0) continue;
      const batch: LoggedEvent[] = [];
      for (const [entryId, fields] of reply[0][1]) {
        let tick: LoggedEvent;
        try {
          tick = parseEntry(entryId, fields);
        } catch (err) {
          // Not a tick we wrote (ForeignEntryError): deliver what came before it, and stop here,
          // so nothing of it reaches a log; the owner reports it and decides when to look again.
          if (batch.length > 0) deliver(batch);
          if (!stopped) fail(toError(err));
          return;
        }
        if (tick.id !== lastSeen + batch.length + 1) {
          // XADD only appends above the top id, so an id missing below a delivered one can never
          // appear later: it was trimmed (MAXLEN) or never written. Deliver what is contiguous.
          if (batch.length > 0) deliver(batch);
          if (!stopped) fail(new FeedGapError('redis', lastSeen + 1, tick.id));
          return;
        }
        batch.push(tick);
      }
      deliver(batch);
    }
  };
  const deliver = (batch: LoggedEvent[]): void => {
    if (batch.length === 0 || stopped) return;
    lastSeen = batch[batch.length - 1].id;
    try {
      handler(batch);
    } catch (err) {
      // The position has moved past a batch the handler did not take: continuing would hide a hole.
      fail(toError(err));
    }
  };

  return { stop, done: loop().catch((err: unknown) => fail(toError(err))) };
}

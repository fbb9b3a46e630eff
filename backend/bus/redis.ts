// The Redis bus: the cluster feed is one Redis Stream with one entry per tick (the layout is in
// redis/feed.ts). This file composes the pieces in redis/: the publisher (a local-first pump that
// appends to the stream through the scripts of redis/scripts.ts, on one connection whose ups and
// downs are the bus's state) and one follower per `follow`, each on a connection of its own.
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { Bus, BusSource } from './bus.ts';
import { busConnectionOptions, redactUrl } from './redis/connection.ts';
import { DEFAULT_FEED_KEY, newestFeedId } from './redis/feed.ts';
import { startFollower, type Follower } from './redis/follower.ts';
import { startPublisher, type PublisherOptions } from './redis/publisher.ts';

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  /** The local log, read back to catch the stream up after an outage. */
  source: BusSource;
  logger: Logger;
  /** Stream key (default `ticktape:ticks`). */
  key?: string;
  /** Approximate cap on the stream's length, `XADD … MAXLEN ~` (default 100000). */
  maxLen?: number;
  /** How long a follower's XREAD blocks before it asks again (ms, default 5000). */
  blockMs?: number;
  /**
   * Write only while Redis key `fence.key` holds `fence.token` (a leader lease): checked inside
   * the append script, so a node that lost its lease cannot append even a batch already in flight.
   */
  fence?: { key: string; token: string };
  /** Hears of another writer on the stream (see PublisherOptions.onConflict). */
  onConflict?: PublisherOptions['onConflict'];
  mayWrite?: PublisherOptions['mayWrite'];
}

const DEFAULT_MAX_LEN = 100_000;
const DEFAULT_BLOCK_MS = 5_000;
const PUBLISH_TIMEOUT_MS = 5_000;
/** How long close() lets an in-flight append finish before it drops the connection. */
const QUIT_TIMEOUT_MS = 1_000;

export function createRedisBus(opts: RedisBusOptions): Bus {
  const { url, source, logger } = opts;
  const key = opts.key ?? DEFAULT_FEED_KEY;
  const maxLen = opts.maxLen ?? DEFAULT_MAX_LEN;
  const blockMs = opts.blockMs ?? DEFAULT_BLOCK_MS;
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError(`redis bus maxLen must be a positive integer, got ${maxLen}`);
  if (!Number.isInteger(blockMs) || blockMs < 1) throw new RangeError(`redis bus blockMs must be a positive integer, got ${blockMs}`);
  const logUrl = redactUrl(url);

  // A server that accepts but never answers would otherwise hold the one in-flight write forever;
  // a timed-out append is simply redone after a resync (the script refuses it if it did go in).
  const conn = new Redis(url, { ...busConnectionOptions('ticktape-publish'), commandTimeout: PUBLISH_TIMEOUT_MS });
  const publisher = startPublisher({ conn, key, maxLen, source, logger, logUrl, fence: opts.fence, onConflict: opts.onConflict, mayWrite: opts.mayWrite });
  const followers = new Set<Follower>();
  let closed = false;
  let closing: Promise<void> | null = null;

  return {
    kind: 'redis',

    publish: publisher.publish,

    follow(afterId, handler, onError) {
      if (!Number.isSafeInteger(afterId) || afterId < 0) {
        throw new RangeError(`follow: afterId must be a non-negative integer, got ${afterId}`);
      }
      // No command timeout here: XREAD BLOCK legitimately waits blockMs for data.
      const reader = conn.duplicate({ ...busConnectionOptions('ticktape-follow'), commandTimeout: undefined });
      const follower: Follower = startFollower({
        reader,
        key,
        blockMs,
        logger,
        logUrl,
        afterId,
        handler,
        onError,
        onStop: () => followers.delete(follower),
      });
      if (closed) follower.stop();
      else followers.add(follower);
      return follower.stop;
    },

    async clusterLastId() {
      if (closed || conn.status !== 'ready') return null;
      try {
        return await newestFeedId(conn, key);
      } catch {
        return null;
      }
    },

    state: publisher.state,
    onState: publisher.onState,
    stats: publisher.stats,

    close() {
      if (closing) return closing;
      closed = true;
      publisher.stop();
      closing = (async () => {
        const running = [...followers];
        for (const follower of running) follower.stop();
        await Promise.all(running.map((follower) => follower.done));
        if (conn.status === 'ready') {
          // QUIT lets an in-flight append finish; a hung server must not hold shutdown hostage.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            conn.quit().catch(() => {}),
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, QUIT_TIMEOUT_MS);
            }),
          ]);
          clearTimeout(timer);
        }
        conn.disconnect();
      })();
      return closing;
    },
  };
}

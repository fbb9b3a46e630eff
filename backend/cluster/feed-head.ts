// Where the cluster feed ends, asked on a connection of its own: a new leader must know it exactly
// before generating (the bus's clusterLastId() answers null both for "empty" and "unreachable").
import { sideConnection, untilReady } from '../bus/redis/connection.ts';
import { DEFAULT_FEED_KEY, newestFeedId } from '../bus/redis/feed.ts';

/** How long lastId() waits for a connection that is still (re)connecting. */
const READY_WAIT_MS = 2_000;

export interface FeedHead {
  /** The newest tick id in the feed, 0 when it is empty; rejects when Redis cannot be asked. */
  lastId(): Promise<number>;
  close(): Promise<void>;
}

export function createFeedHead(url: string, key = DEFAULT_FEED_KEY): FeedHead {
  const conn = sideConnection(url, 'ticktape-feed-head');
  return {
    async lastId() {
      if (conn.status !== 'ready') await untilReady(conn, READY_WAIT_MS);
      return (await newestFeedId(conn, key)) ?? 0;
    },
    async close() {
      conn.disconnect();
    },
  };
}

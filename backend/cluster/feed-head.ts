// Where the cluster feed ends and which history it holds, asked on a connection of its own: a new
// leader must know both exactly before generating (the bus's clusterLastId() answers null both
// for "empty" and "unreachable", and knows nothing of a forgotten stream).
import { sideConnection, untilReady } from '../bus/redis/connection.ts';
import { DEFAULT_FEED_KEY, feedHeadState, type FeedHeadState } from '../bus/redis/feed.ts';

/** How long a question waits for a connection that is still (re)connecting. */
const READY_WAIT_MS = 2_000;

export interface FeedHead {
  /** The newest tick id in the feed, 0 when it is empty; rejects when Redis cannot be asked. */
  lastId(): Promise<number>;
  /** The newest id and the stream's epoch (null: Redis has forgotten the stream); rejects when Redis cannot be asked. */
  state(): Promise<FeedHeadState>;
  close(): Promise<void>;
}

export function createFeedHead(url: string, key = DEFAULT_FEED_KEY): FeedHead {
  const conn = sideConnection(url, 'ticktape-feed-head');
  async function state(): Promise<FeedHeadState> {
    if (conn.status !== 'ready') await untilReady(conn, READY_WAIT_MS);
    return feedHeadState(conn, key);
  }
  return {
    async lastId() {
      return (await state()).lastId;
    },
    state,
    async close() {
      conn.disconnect();
    },
  };
}

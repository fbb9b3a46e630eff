// Where the cluster feed ends, asked on a connection of its own: a new leader must know it exactly
// before generating (the bus's clusterLastId() answers null both for "empty" and "unreachable").
import type { Redis } from 'ioredis';
import { sideConnection } from './connection.ts';

export const DEFAULT_FEED_KEY = 'ticktape:ticks';

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
      const newest = await conn.xrevrange(key, '+', '-', 'COUNT', 1);
      return newest.length > 0 ? Number(newest[0][0].split('-')[0]) : 0;
    },
    async close() {
      conn.disconnect();
    },
  };
}

function untilReady(conn: Redis, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      clearTimeout(timer);
      conn.off('ready', ready);
      if (err) reject(err);
      else resolve();
    };
    const ready = (): void => done();
    const timer = setTimeout(() => done(new Error(`redis not ready (${conn.status})`)), timeoutMs);
    conn.on('ready', ready);
  });
}

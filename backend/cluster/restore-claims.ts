// Re-establishing a forgotten stream from the most advanced replica. When Redis loses the stream
// (restarted empty, FLUSHALL, a failover to an empty replica), its epoch key goes with it, and the
// nodes still hold the history in their logs, each up to its own newest id. Whoever generated next
// from a log that is behind would write other ticks under ids the others already serve. So every
// replica that notices the stream is forgotten claims it, in a hash beside the stream:
//
//   HSET ticktape:ticks:claims <nodeId> {"lastId","epoch","role","at"}
//
// and a would-be leader claims too, waits a bounded time, and reads the claims of its history:
// it restores the stream itself when nobody holds more; defers once (gives its lease up) to a
// simulator that holds more; and after that bound, if the better one has not come, continues as
// the best available under a new epoch, so that every node holding more starts over loudly instead
// of serving two versions of some ids (see leadership.ts).
import type { Redis } from 'ioredis';
import { sideConnection } from '../bus/redis/connection.ts';
import { DEFAULT_FEED_KEY, epochKeyOf } from '../bus/redis/feed.ts';
import type { EventLog } from '../log/event-log.ts';

/** How often a replica looks for a forgotten stream (and renews its claim while it is). */
const CLAIM_EVERY_MS = 250;
/** Claims older than this belong to an earlier episode. */
const CLAIM_FRESH_MS = 10_000;

export interface Claim {
  nodeId: string;
  lastId: number;
  epoch: string;
  role: string;
  /** When it was made (the claimant's clock, ms). */
  at: number;
}

/**
 * Highest lastId first; on a tie a simulator before an edge. A simulator can restore the stream
 * itself, so a would-be leader that holds less defers to it; an edge cannot, and a would-be leader
 * that saw an edge first would fork a new epoch and reset every client although a simulator held
 * the same history (an edge that has copied everything ties with the leader it copied).
 */
export function claimOrder(a: Claim, b: Claim): number {
  if (a.lastId !== b.lastId) return b.lastId - a.lastId;
  return Number(b.role === 'simulator') - Number(a.role === 'simulator');
}

export interface RestoreClaims {
  /** Claim now (a would-be leader does before its wait). */
  claim(): Promise<void>;
  /** The fresh claims of history `epoch` (null: of any history), highest lastId first. */
  read(epoch: string | null): Promise<Claim[]>;
  /** Forget every claim (the stream is re-established). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface ClaimOptions {
  url: string;
  nodeId: string;
  role: string;
  log: EventLog;
  key?: string;
  now?: () => number;
}

export function startRestoreClaims(options: ClaimOptions): RestoreClaims {
  const { nodeId, role, log } = options;
  const key = options.key ?? DEFAULT_FEED_KEY;
  const claimsKey = `${key}:claims`;
  const epochKey = epochKeyOf(key);
  const now = options.now ?? Date.now;
  const conn: Redis = sideConnection(options.url, 'ticktape-claims');

  async function claim(): Promise<void> {
    if (log.lastId() === 0) return;
    const value = JSON.stringify({ lastId: log.lastId(), epoch: log.epoch(), role, at: now() });
    await conn.multi().hset(claimsKey, nodeId, value).pexpire(claimsKey, CLAIM_FRESH_MS).exec();
  }

  // A round that fails (Redis down) is simply the next round's to do.
  const watch = async (): Promise<void> => {
    if (conn.status !== 'ready' || log.lastId() === 0) return;
    if ((await conn.exists(epochKey)) === 0) await claim();
  };
  const timer = setInterval(() => void watch().catch(() => {}), CLAIM_EVERY_MS);
  timer.unref();

  return {
    claim,
    async read(epoch) {
      const fields = await conn.hgetall(claimsKey);
      const claims: Claim[] = [];
      for (const [id, text] of Object.entries(fields)) {
        try {
          const parsed = JSON.parse(text) as Omit<Claim, 'nodeId'>;
          if ((epoch === null || parsed.epoch === epoch) && Number.isSafeInteger(parsed.lastId) && now() - parsed.at < CLAIM_FRESH_MS) claims.push({ ...parsed, nodeId: id });
        } catch {
          // Not a claim we wrote: ignore it.
        }
      }
      return claims.sort(claimOrder);
    },
    async clear() {
      await conn.del(claimsKey);
    },
    async close() {
      clearInterval(timer);
      conn.disconnect();
    },
  };
}

// A leader lease in Redis: one key holding the holder's node id with a TTL.
//
//   acquire: SET key nodeId NX PX ttl        (only when nobody holds it)
//   renew:   compare-and-PEXPIRE (Lua)       (only while the key still holds our id)
//   release: compare-and-DEL (Lua)           (on close, so a standby need not wait out the TTL)
//
// Holding is judged locally and conservatively: the lease counts as held only until
// `sent + ttl × SAFETY` of the last successful SET/renew, where `sent` is when the request left.
// If Redis hangs or vanishes the holder therefore gives up before the key can expire in Redis and
// a standby acquire it. That bounds overlap on our side; the bus's fenced append (it checks the
// key in the same script that appends) is what stops a stale holder's writes on Redis's side.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { sideConnection } from '../bus/redis/connection.ts';

export const DEFAULT_LEASE_KEY = 'ticktape:leader';
const DEFAULT_LEASE_TTL_MS = 5_000;
/** Fraction of the TTL we trust after a successful renew (clock drift, the reply's own latency). */
const SAFETY = 0.8;

const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

interface LeaseCommands {
  ticktapeRenew(key: string, nodeId: string, ttlMs: number): Promise<number>;
  ticktapeRelease(key: string, nodeId: string): Promise<number>;
}

export interface LeaseOptions {
  url: string;
  logger: Logger;
  /** Lease TTL in ms (default 5000); the holder renews every third of it. */
  ttlMs?: number;
  key?: string;
  /** This node's id, unique in the cluster (default host:pid:random). */
  nodeId?: string;
  now?: () => number;
}

export interface Lease {
  readonly nodeId: string;
  readonly key: string;
  /** True while this node holds the lease, by the conservative local deadline. */
  held(): boolean;
  /** Hear each change of `held()`; returns a function that stops listening. */
  onChange(listener: (held: boolean) => void): () => void;
  /** Give the lease up now (compare-and-del) and stop trying until `resume()`. */
  release(): Promise<void>;
  /** Start trying to acquire again after `release()`. */
  resume(): void;
  /** Release if held, stop renewing, close the connection. Idempotent. */
  close(): Promise<void>;
}

function defaultNodeId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * createLease(options) -> Lease
 *
 * Starts competing for the lease at once, on its own connection (a blocked XREAD or a slow append
 * on another connection must not delay a renew).
 *
 *     const lease = createLease({ url: 'redis://127.0.0.1:6379', logger, ttlMs: 5000 });
 *     lease.onChange((held) => (held ? lead() : follow()));
 */
export function createLease(options: LeaseOptions): Lease {
  const { url, logger } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const key = options.key ?? DEFAULT_LEASE_KEY;
  const nodeId = options.nodeId ?? defaultNodeId();
  const now = options.now ?? Date.now;
  if (!Number.isInteger(ttlMs) || ttlMs < 30) throw new RangeError(`lease ttlMs must be an integer >= 30, got ${ttlMs}`);
  const everyMs = Math.max(10, Math.floor(ttlMs / 3));

  // A renew that takes longer than a third of the TTL is as good as lost.
  const conn = sideConnection(url, 'ticktape-lease', { timeoutMs: everyMs });
  conn.defineCommand('ticktapeRenew', { numberOfKeys: 1, lua: RENEW_LUA });
  conn.defineCommand('ticktapeRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
  const scripts = conn as unknown as LeaseCommands;

  const listeners = new Set<(held: boolean) => void>();
  /** Local deadline of the lease; 0 when not held. */
  let validUntil = 0;
  let reported = false;
  let expiryTimer: NodeJS.Timeout | null = null;
  let loopTimer: NodeJS.Timeout | null = null;
  let competing = true;
  let closed = false;
  let closing: Promise<void> | null = null;

  const held = (): boolean => validUntil > now();

  function announce(): void {
    const current = held();
    if (current === reported) return;
    reported = current;
    logger(current ? 'lease.acquired' : 'lease.lost', { key, nodeId, ttlMs }, current ? 'info' : 'warn');
    for (const listener of [...listeners]) {
      try {
        listener(current);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  function extend(sentAt: number): void {
    validUntil = sentAt + Math.floor(ttlMs * SAFETY);
    if (expiryTimer) clearTimeout(expiryTimer);
    // Fires only if no renew succeeds in time: the lease lapses locally, promptly.
    expiryTimer = setTimeout(() => {
      expiryTimer = null;
      announce();
    }, Math.max(0, validUntil - now()) + 1);
    expiryTimer.unref();
    announce();
  }

  function drop(): void {
    validUntil = 0;
    if (expiryTimer) clearTimeout(expiryTimer);
    expiryTimer = null;
    announce();
  }

  async function attempt(): Promise<void> {
    if (closed || !competing || conn.status !== 'ready') {
      if (conn.status !== 'ready' && !held()) drop();
      return;
    }
    const sentAt = now();
    try {
      if (held()) {
        const renewed = await scripts.ticktapeRenew(key, nodeId, ttlMs);
        if (closed || !competing) return;
        if (renewed === 1) extend(sentAt);
        else drop(); // someone else holds it now (ours expired in Redis)
      } else {
        const answer = await conn.set(key, nodeId, 'PX', ttlMs, 'NX');
        if (closed || !competing) return;
        // A refusal may be our own key: an earlier SET that succeeded but whose reply was lost.
        // Renewing it (compare-and-pexpire) claims it now instead of waiting out a whole TTL.
        if (answer === 'OK' || (await scripts.ticktapeRenew(key, nodeId, ttlMs)) === 1) {
          if (closed || !competing) return;
          extend(sentAt);
        }
      }
    } catch {
      // Not renewed this round; the local deadline decides whether we still hold it.
      announce();
    }
  }

  async function loop(): Promise<void> {
    loopTimer = null;
    await attempt();
    if (!closed) {
      loopTimer = setTimeout(() => void loop(), everyMs);
      loopTimer.unref();
    }
  }
  conn.on('ready', () => {
    // Try at once on (re)connect rather than at the next period.
    if (loopTimer && !closed) {
      clearTimeout(loopTimer);
      void loop();
    }
  });
  void loop();

  async function releaseKey(): Promise<void> {
    const wasHeld = validUntil > 0;
    drop();
    if (wasHeld && conn.status === 'ready') {
      try {
        await scripts.ticktapeRelease(key, nodeId);
        logger('lease.released', { key, nodeId });
      } catch {
        // It expires by itself within the TTL.
      }
    }
  }

  return {
    nodeId,
    key,
    held,
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async release() {
      competing = false;
      await releaseKey();
    },
    resume() {
      competing = true;
    },
    close() {
      closing ??= (async () => {
        competing = false;
        await releaseKey();
        closed = true;
        if (loopTimer) clearTimeout(loopTimer);
        loopTimer = null;
        listeners.clear();
        conn.disconnect();
      })();
      return closing;
    },
  };
}

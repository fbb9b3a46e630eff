// How ticktape talks to Redis, for the bus and the cluster modules alike: connections that fail
// fast rather than queue, waiting for one to be ready, and a URL fit for a log line.
//
// Fail fast: every user of a connection keeps its own position and decides anew what to do after
// a failure (the publisher resyncs, a follower re-reads from its last id, a lease renew is judged
// afresh), so ioredis must neither buffer commands while disconnected nor resend them on its own.
import { Redis, type RedisOptions } from 'ioredis';

/** Options shared by every ticktape connection; callers add their own timings. */
function failFastOptions(name: string): RedisOptions {
  return {
    connectionName: name,
    // Connected explicitly, so the caller has attached its listeners before the first event.
    lazyConnect: true,
    enableOfflineQueue: false,
    // 0: commands in flight are rejected at the first disconnect instead of waiting for a reconnect.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
}

const BUS_MIN_BACKOFF_MS = 100;
const BUS_MAX_BACKOFF_MS = 2_000;

/** The bus's reconnect and retry delay: doubling from 100 ms, capped at 2 s (attempt counts from 1). */
export function busBackoff(attempt: number): number {
  return Math.min(BUS_MIN_BACKOFF_MS * 2 ** Math.max(0, attempt - 1), BUS_MAX_BACKOFF_MS);
}

/**
 * busConnectionOptions(name) -> RedisOptions
 *
 * For the bus's publishing and following connections (not connected yet: call `connect()`). No
 * command timeout: the publisher sets its own, and a follower's XREAD BLOCK legitimately waits.
 */
export function busConnectionOptions(name: string): RedisOptions {
  return {
    ...failFastOptions(name),
    retryStrategy: busBackoff,
    connectTimeout: 2_000,
    keepAlive: 5_000,
  };
}

export interface SideConnectionOptions {
  /** Cap of the reconnect backoff, and the connect and command timeouts (default 2000 ms). */
  timeoutMs?: number;
}

/**
 * sideConnection(url, name, options?) -> Redis
 *
 * The small connections of the cluster modules (lease, feed head, universe). Each has its own, so
 * a blocked XREAD or a slow append elsewhere never delays it. Connecting in the background at
 * once; errors are left to the callers' rejected commands (the bus is what reports Redis going
 * down, once).
 */
export function sideConnection(url: string, name: string, options: SideConnectionOptions = {}): Redis {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const conn = new Redis(url, {
    ...failFastOptions(name),
    retryStrategy: (attempt) => Math.min(50 * attempt, timeoutMs),
    connectTimeout: Math.max(timeoutMs, 500),
    commandTimeout: timeoutMs,
  });
  conn.on('error', () => {});
  conn.connect().catch(() => {});
  return conn;
}

/**
 * untilReady(conn, timeoutMs?) -> Promise<void>
 *
 * Resolves once the connection is ready, or has ended for good (closed by its owner: the caller's
 * next command then fails). With `timeoutMs`, rejects when neither happened in time.
 */
export function untilReady(conn: Redis, timeoutMs?: number): Promise<void> {
  if (conn.status === 'ready' || conn.status === 'end') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (err?: Error): void => {
      clearTimeout(timer);
      conn.off('ready', settle);
      conn.off('end', settle);
      if (err) reject(err);
      else resolve();
    };
    const settle = (): void => done();
    conn.on('ready', settle);
    conn.on('end', settle);
    if (timeoutMs !== undefined) timer = setTimeout(() => done(new Error(`redis not ready (${conn.status})`)), timeoutMs);
  });
}

/**
 * redactUrl(text) -> string
 *
 * The text with the password of its userinfo replaced by `***`, and otherwise as given, for logs
 * and error messages: a URL that failed validation may still carry a real password. The userinfo
 * is what the WHATWG URL parser takes it to be: everything before the authority's last `@`, the
 * password after its first `:` (so a password holding `@` or `:` is hidden whole).
 */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:]*):[^/?#]*@/i, (whole, user: string) => {
    const password = whole.slice(user.length + 1, -1);
    return password === '' ? whole : `${user}:***@`;
  });
}

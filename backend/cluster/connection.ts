// The small Redis connections of the cluster modules (lease, feed head, universe). Each has its
// own, so a blocked XREAD or a slow append elsewhere never delays it, and each fails fast rather
// than queueing: a command either reaches Redis now or reports the failure to its caller.
import { Redis } from 'ioredis';

export interface SideConnectionOptions {
  /** Cap of the reconnect backoff, and the connect and command timeouts (default 2000 ms). */
  timeoutMs?: number;
}

/**
 * sideConnection(url, name, options?) -> Redis
 *
 * Connecting in the background at once; errors are left to the callers' rejected commands (the
 * bus is what reports Redis going down, once).
 */
export function sideConnection(url: string, name: string, options: SideConnectionOptions = {}): Redis {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const conn = new Redis(url, {
    connectionName: name,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Never resend a command behind the caller's back (a renew or an announcement is decided anew).
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * attempt, timeoutMs),
    connectTimeout: Math.max(timeoutMs, 500),
    commandTimeout: timeoutMs,
  });
  conn.on('error', () => {});
  conn.connect().catch(() => {});
  return conn;
}

// The Redis bus: the cluster feed is one Redis Stream with one entry per tick, whose entry id is
// `${tick.id}-0`, so the stream's own ordering rules (XADD ids only grow) guard the log's ids.
//
// Publishing is local-first. `publish` only records how far the local log has got and, while Redis
// is up, keeps the batch for the next write; one writer loop ("pump") appends to the stream, one
// request in flight at a time. Whenever the connection comes back (or a write fails) the pump first
// reads where the stream ends and re-publishes from the local log (`BusSource`) from there, so an
// outage costs no memory here and loses or duplicates nothing in the stream.
//
// Following uses a dedicated connection per follower, because XREAD BLOCK holds its connection
// until data arrives.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { LoggedTick } from '../types.ts';
import type { Bus, BusSource, BusState, BusStats } from './bus.ts';
import { FeedGapError } from './feed-gap-error.ts';

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
}

const DEFAULT_KEY = 'ticktape:ticks';
const DEFAULT_MAX_LEN = 100_000;
const DEFAULT_BLOCK_MS = 5_000;
/** Ticks per XADD script call and per XREAD. */
const PAGE = 1000;
/** Live batches kept while a write is in flight; beyond this the pump reads the local log instead. */
const MAX_PENDING_TICKS = 10_000;
const PUBLISH_TIMEOUT_MS = 5_000;
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;

// Where the stream ends, by XINFO STREAM's `last-generated-id` rather than the newest entry: that
// is the id XADD compares against ("The ID specified in XADD is equal or smaller than the target
// stream top item"), and it survives trimming and XDEL. Returns '0' for a missing stream.
const LAST_ID_LUA = `
local function lastId(key)
  if redis.call('EXISTS', key) == 0 then return '0' end
  local info = redis.call('XINFO', 'STREAM', key)
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then return string.match(info[i + 1], '^(%d+)') end
  end
  return '0'
end
`;

// Appends one batch atomically (a script runs alone: no other command interleaves).
//   KEYS[1] the stream; ARGV[1] MAXLEN ~ threshold; ARGV[2] the stream's last id as the publisher
//   last saw it ('0' for empty); from ARGV[3] on: id, symbol, json per tick, ascending.
// The batch is refused whole, as {'moved', last, same}, unless the stream still ends where the
// publisher expects and before the batch's first id: a second writer, a lost reply or a Redis that
// lost data all show up as a moved end. `same` = 1 when the stream already holds the batch's first
// tick with the same bytes, i.e. this very batch went in and only the reply was lost.
// Checking first matters: a script error does not roll back the XADDs already done, so the loop
// must not be able to fail half-way.
const APPEND_LUA =
  LAST_ID_LUA +
  `
local key = KEYS[1]
local last = lastId(key)
local first = ARGV[3]
if last ~= ARGV[2] or tonumber(last) >= tonumber(first) then
  local same = 0
  local mine = redis.call('XRANGE', key, first .. '-0', first .. '-0')
  if #mine > 0 then
    local fields = mine[1][2]
    for i = 1, #fields, 2 do
      if fields[i] == 't' and fields[i + 1] == ARGV[5] then same = 1 end
    end
  end
  return {'moved', last, same}
end
for i = 3, #ARGV, 3 do
  redis.call('XADD', key, 'MAXLEN', '~', ARGV[1], ARGV[i] .. '-0', 's', ARGV[i + 1], 't', ARGV[i + 2])
end
return {'ok', last, 0}
`;

// The same append, fenced: KEYS[2] is the lease key and the last ARGV the holder's token, taken
// off before the append proper so its ARGV layout is unchanged. Refused as {'fenced', last, 0}.
const FENCED_APPEND_LUA = APPEND_LUA.replace(
  'local key = KEYS[1]',
  `local token = table.remove(ARGV)
if redis.call('GET', KEYS[2]) ~= token then return {'fenced', lastId(KEYS[1]), 0} end
local key = KEYS[1]`,
);

const GET_LAST_LUA = LAST_ID_LUA + `\nreturn lastId(KEYS[1])\n`;

/** The scripts registered with `defineCommand` (ioredis runs them by EVALSHA, falling back to EVAL). */
interface ScriptCommands {
  ticktapeAppend(key: string, ...args: (string | number)[]): Promise<[status: string, last: string, same: number]>;
  ticktapeAppendFenced(key: string, fenceKey: string, ...args: (string | number)[]): Promise<[status: string, last: string, same: number]>;
  ticktapeLastId(key: string): Promise<string>;
}

/** An append refused because this node does not hold the fence key; the pump retries later. */
class FencedError extends Error {
  override name = 'FencedError';
}

function backoff(attempt: number): number {
  return Math.min(MIN_BACKOFF_MS * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
}

/**
 * Fail fast rather than queue: the pump and the followers keep their own position and redo what
 * failed after a reconnect, so ioredis must not buffer or silently resend commands for them.
 */
function connectionOptions(name: string): RedisOptions {
  return {
    connectionName: name,
    lazyConnect: true,
    enableOfflineQueue: false,
    // 0: commands in flight are rejected at the first disconnect instead of waiting for a reconnect.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: backoff,
    connectTimeout: 2_000,
    keepAlive: 5_000,
  };
}

/** The URL without its password, for logs. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable redis url)';
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function entryTickId(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf('-')));
}

function parseEntry(entryId: string, fields: string[]): LoggedTick {
  let symbol = '';
  let json = '';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 's') symbol = fields[i + 1];
    else if (fields[i] === 't') json = fields[i + 1];
  }
  return { id: entryTickId(entryId), symbol, json };
}

/** Resolves once the connection is ready, or has ended for good (closed by us). */
function untilReady(conn: Redis): Promise<void> {
  if (conn.status === 'ready' || conn.status === 'end') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      conn.off('ready', done);
      conn.off('end', done);
      resolve();
    };
    conn.on('ready', done);
    conn.on('end', done);
  });
}

interface FollowerHandle {
  stop(): void;
  done: Promise<void>;
}

export function createRedisBus(opts: RedisBusOptions): Bus {
  const { url, source, logger } = opts;
  const key = opts.key ?? DEFAULT_KEY;
  const maxLen = opts.maxLen ?? DEFAULT_MAX_LEN;
  const blockMs = opts.blockMs ?? DEFAULT_BLOCK_MS;
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError(`redis bus maxLen must be a positive integer, got ${maxLen}`);
  if (!Number.isInteger(blockMs) || blockMs < 1) throw new RangeError(`redis bus blockMs must be a positive integer, got ${blockMs}`);
  const logUrl = redactUrl(url);

  // A server that accepts but never answers would otherwise hold the one in-flight write forever;
  // a timed-out append is simply redone after a resync (the script refuses it if it did go in).
  const conn = new Redis(url, { ...connectionOptions('ticktape-publish'), commandTimeout: PUBLISH_TIMEOUT_MS });
  conn.defineCommand('ticktapeAppend', { numberOfKeys: 1, lua: APPEND_LUA });
  conn.defineCommand('ticktapeAppendFenced', { numberOfKeys: 2, lua: FENCED_APPEND_LUA });
  conn.defineCommand('ticktapeLastId', { numberOfKeys: 1, lua: GET_LAST_LUA });
  const scripts = conn as unknown as ScriptCommands;

  const counters: BusStats = { published: 0, publishErrors: 0, publishedUpTo: 0 };
  const stateListeners = new Set<(state: BusState) => void>();
  const followers = new Set<FollowerHandle>();
  let state: BusState = 'down';
  let stateReported = false;
  let lastError: Error | null = null;
  let closed = false;
  let closing: Promise<void> | null = null;

  // The pump's view of the stream. `streamLast` is where the stream ends as last seen (0: empty),
  // `cursor` the newest id that needs no writing; they differ only when the stream is empty and the
  // local log holds more than `maxLen` ticks (older ones would be trimmed at once anyway).
  let synced = false;
  let streamLast = 0;
  let cursor = 0;
  /** Newest id committed locally that should reach the stream. */
  let target = 0;
  let pending: LoggedTick[][] = [];
  let pendingTicks = 0;
  let pumping = false;
  let pumpAgain = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryAttempt = 0;
  let failing = false;
  let conflicting = false;
  let fenced = false;

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
    if (closed) return;
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
    if (closed || retryTimer) return;
    void pump();
  }

  function scheduleRetry(): void {
    // While disconnected the 'ready' event restarts the pump; only a failure on a live connection
    // (a timeout, a script error) needs a timer.
    if (closed || conn.status !== 'ready' || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      kick();
    }, backoff(++retryAttempt));
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
  function nextChunk(): LoggedTick[] {
    while (pending.length > 0 && pending[0][pending[0].length - 1].id <= cursor) {
      pendingTicks -= pending.shift()!.length;
    }
    // Whole batches only, up to a page; a batch bigger than a page goes out in pages from the log.
    if (pending.length > 0 && pending[0][0].id === cursor + 1 && pending[0].length <= PAGE) {
      const chunk: LoggedTick[] = [];
      while (
        pending.length > 0 &&
        chunk.length + pending[0].length <= PAGE &&
        pending[0][0].id === cursor + 1 + chunk.length
      ) {
        const batch = pending.shift()!;
        pendingTicks -= batch.length;
        for (const tick of batch) chunk.push(tick);
      }
      return chunk;
    }
    dropPending();
    return source.readAfter(cursor, PAGE);
  }

  async function append(chunk: LoggedTick[]): Promise<void> {
    const first = chunk[0].id;
    const end = chunk[chunk.length - 1].id;
    if (first > cursor + 1) {
      logger('redis.source-gap', { from: cursor + 1, to: first - 1, reason: 'no longer in the local log' }, 'warn');
    }
    const args: (string | number)[] = [maxLen, streamLast];
    for (const tick of chunk) args.push(tick.id, tick.symbol, tick.json);
    const [status, lastText, same] = opts.fence
      ? await scripts.ticktapeAppendFenced(key, opts.fence.key, ...args, opts.fence.token)
      : await scripts.ticktapeAppend(key, ...args);
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
      if (!fenced) logger('redis.fenced', { url: logUrl, key, fenceKey: opts.fence?.key, batchFirst: first }, 'warn');
      fenced = true;
      throw new FencedError();
    }
    if (same === 1) {
      // Our own batch, written by an attempt whose reply never arrived.
      confirm(Math.min(last, end) - first + 1, Math.min(last, end));
    } else if (last < streamLast) {
      logger('redis.resync', { url: logUrl, expected: streamLast, found: last, reason: 'the stream lost entries' });
    } else {
      // Another writer moved the stream: skip past its entries (resync) and say so once per streak.
      counters.publishErrors++;
      if (!conflicting) {
        logger('redis.conflict', { url: logUrl, key, expected: streamLast, found: last, batchFirst: first }, 'warn');
      }
      conflicting = true;
    }
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
      while (!closed && conn.status === 'ready') {
        if (!synced) await resync();
        if (cursor >= target) break;
        const chunk = nextChunk();
        if (chunk.length === 0) break;
        await append(chunk);
      }
      retryAttempt = 0;
      failing = false;
    } catch (err) {
      synced = false;
      if (!closed) {
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

  function follow(afterId: number, handler: (batch: LoggedTick[]) => void, onError?: (err: Error) => void): () => void {
    if (!Number.isSafeInteger(afterId) || afterId < 0) {
      throw new RangeError(`follow: afterId must be a non-negative integer, got ${afterId}`);
    }
    // No command timeout here: XREAD BLOCK legitimately waits blockMs for data.
    const reader = conn.duplicate({ ...connectionOptions('ticktape-follow'), commandTimeout: undefined });
    // Errors surface as rejected XREADs; the loop waits for the reconnect. Up/down is reported by
    // the publishing connection alone, so a follower's retries never reach the log.
    reader.on('error', () => {});
    reader.connect().catch(() => {});
    let lastSeen = afterId;
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
      followers.delete(handle);
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
          reply = await reader.xread('COUNT', PAGE, 'BLOCK', blockMs, 'STREAMS', key, `${lastSeen}-0`);
        } catch (err) {
          if (stopped) break;
          if (reader.status === 'ready') {
            // Not a lost connection (that just waits for 'ready'): back off and say so once.
            if (!failingRead) logger('redis.follow-failed', { url: logUrl, error: toError(err).message }, 'warn');
            failingRead = true;
            await pause(backoff(++attempt));
          }
          continue;
        }
        attempt = 0;
        failingRead = false;
        if (stopped || !reply || reply.length === 0) continue;
        const batch: LoggedTick[] = [];
        for (const [entryId, fields] of reply[0][1]) {
          const tick = parseEntry(entryId, fields);
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
    const deliver = (batch: LoggedTick[]): void => {
      if (batch.length === 0 || stopped) return;
      lastSeen = batch[batch.length - 1].id;
      try {
        handler(batch);
      } catch (err) {
        // The position has moved past a batch the handler did not take: continuing would hide a hole.
        fail(toError(err));
      }
    };

    const handle: FollowerHandle = { stop, done: Promise.resolve() };
    handle.done = loop().catch((err: unknown) => fail(toError(err)));
    if (closed) stop();
    else followers.add(handle);
    return stop;
  }

  return {
    kind: 'redis',

    publish(batch) {
      if (closed || batch.length === 0) return;
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

    follow,

    async clusterLastId() {
      if (closed || conn.status !== 'ready') return null;
      try {
        const newest = await conn.xrevrange(key, '+', '-', 'COUNT', 1);
        return newest.length > 0 ? entryTickId(newest[0][0]) : null;
      } catch {
        return null;
      }
    },

    state() {
      return state;
    },

    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },

    stats() {
      return { ...counters };
    },

    close() {
      if (closing) return closing;
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      dropPending();
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
              timer = setTimeout(resolve, 1_000);
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

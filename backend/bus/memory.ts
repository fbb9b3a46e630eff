// The in-process bus: used when no Redis is configured, and by tests that wire an `all` node and a
// follower in one process. It keeps a bounded ring of recent ticks so a follower can start in the
// past, just as a Redis follower can start anywhere in the (trimmed) stream.
//
// Delivery is on a microtask, never inside `publish`: the publisher's call stack (commit, stream to
// its own clients) must not run follower code or see its exceptions. Each flush hands a follower
// everything after its own position, so order and the absence of duplicates do not depend on how
// publishes and follows interleave.
import type { LoggedEvent } from '../types.ts';
import { toError, type Bus, type BusStats } from './bus.ts';
import { FeedGapError } from './feed-gap-error.ts';

export interface MemoryBusOptions {
  /** Recent ticks kept for followers that start in the past (default 100000). */
  capacity?: number;
}

const DEFAULT_CAPACITY = 100_000;

interface Follower {
  lastSeen: number;
  handler: (batch: LoggedEvent[]) => void;
  onError?: (err: Error) => void;
}

/** A fixed-size circular buffer of ticks with contiguous ids, so a lookup by id is arithmetic. */
class TickRing {
  private readonly slots: (LoggedEvent | undefined)[];
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(capacity);
  }

  firstId(): number | null {
    return this.size === 0 ? null : this.slots[this.head]!.id;
  }

  lastId(): number | null {
    return this.size === 0 ? null : this.slots[(this.head + this.size - 1) % this.capacity]!.id;
  }

  push(tick: LoggedEvent): void {
    if (this.size < this.capacity) {
      this.slots[(this.head + this.size) % this.capacity] = tick;
      this.size++;
    } else {
      this.slots[this.head] = tick;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  /** Ticks with id > afterId; the caller has checked that afterId + 1 is not older than firstId. */
  sliceAfter(afterId: number): LoggedEvent[] {
    const first = this.firstId();
    if (first === null) return [];
    const out: LoggedEvent[] = [];
    for (let offset = Math.max(0, afterId + 1 - first); offset < this.size; offset++) {
      out.push(this.slots[(this.head + offset) % this.capacity]!);
    }
    return out;
  }
}

function isContiguous(batch: LoggedEvent[]): boolean {
  for (let i = 1; i < batch.length; i++) {
    if (batch[i].id !== batch[i - 1].id + 1) return false;
  }
  return true;
}

export function createMemoryBus(opts: MemoryBusOptions = {}): Bus {
  const capacity = opts.capacity ?? DEFAULT_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`memory bus capacity must be a positive integer, got ${capacity}`);
  }
  const ring = new TickRing(capacity);
  const followers = new Set<Follower>();
  const counters: BusStats = { published: 0, publishErrors: 0, publishedUpTo: 0 };
  let flushQueued = false;
  let closed = false;

  function scheduleFlush(): void {
    if (flushQueued || closed) return;
    flushQueued = true;
    queueMicrotask(flush);
  }

  function flush(): void {
    flushQueued = false;
    if (closed) return;
    for (const follower of [...followers]) deliver(follower);
  }

  function fail(follower: Follower, err: Error): void {
    followers.delete(follower);
    follower.onError?.(err);
  }

  function deliver(follower: Follower): void {
    if (!followers.has(follower)) return;
    const last = ring.lastId();
    if (last === null || last <= follower.lastSeen) return;
    const first = ring.firstId()!;
    if (first > follower.lastSeen + 1) {
      fail(follower, new FeedGapError('memory', follower.lastSeen + 1, first));
      return;
    }
    const batch = ring.sliceAfter(follower.lastSeen);
    follower.lastSeen = batch[batch.length - 1].id;
    try {
      follower.handler(batch);
    } catch (err) {
      // The follower's position has moved past a batch it did not take: continuing would hide a hole.
      fail(follower, toError(err));
    }
  }

  return {
    kind: 'memory',

    publish(batch) {
      if (closed || batch.length === 0) return;
      const last = ring.lastId();
      // Same rule as the Redis stream: ids only move forward, so a batch at or below the newest id
      // is a duplicate or a second writer, and is refused whole.
      if ((last !== null && batch[0].id <= last) || !isContiguous(batch)) {
        counters.publishErrors++;
        return;
      }
      // A jump forward (the publisher's log restarted higher) starts the ring afresh; followers
      // that cannot bridge the jump hear a FeedGapError.
      if (last !== null && batch[0].id !== last + 1) ring.clear();
      for (const tick of batch) ring.push(tick);
      counters.published += batch.length;
      counters.publishedUpTo = batch[batch.length - 1].id;
      scheduleFlush();
    },

    follow(afterId, handler, onError) {
      if (!Number.isSafeInteger(afterId) || afterId < 0) {
        throw new RangeError(`follow: afterId must be a non-negative integer, got ${afterId}`);
      }
      const follower: Follower = { lastSeen: afterId, handler, onError };
      if (!closed) followers.add(follower);
      scheduleFlush();
      return () => {
        followers.delete(follower);
      };
    },

    clusterLastId() {
      return Promise.resolve(ring.lastId());
    },

    state() {
      return 'off';
    },

    // The in-process bus has no transport, so its state never changes.
    onState() {
      return () => {};
    },

    stats() {
      return { ...counters };
    },

    close() {
      closed = true;
      followers.clear();
      return Promise.resolve();
    },
  };
}

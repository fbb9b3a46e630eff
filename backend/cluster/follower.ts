// A follower keeps the log a gap-free copy of the cluster feed: an edge always, a `--role
// simulator` standby until it leads. Followed batches take the pipeline's short trip (append,
// broadcast); the follower decides only where they come from and when to start over.
//
// It never stores a gap, a tick the feed contradicts, a tick of another history or an entry that
// is not a tick. When the feed no longer holds the tick after its log's newest (it was trimmed
// while the node was away), holds a different tick under an id the node already has (a demoted
// leader's unpublished tail) or holds another history (another epoch: the stream was forgotten and
// re-established from elsewhere, or another generator took it), the follower starts over: it
// resets its SSE streams (see Hub.resetAll), clears its log, adopts the feed's epoch and follows
// from the oldest tick the feed retains: an honest discontinuity rather than a silent hole. An
// empty log simply adopts the epoch of the first tick it copies. An entry that is not a tick
// (ForeignEntryError) is a conflict: nothing of it is stored, and the follower looks again later.
import type { Bus } from '../bus/bus.ts';
import { FeedGapError } from '../bus/feed-gap-error.ts';
import { ForeignEntryError } from '../bus/redis/feed.ts';
import type { Conflicts } from './conflicts.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Logger } from '../logger.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { LoggedEvent } from '../types.ts';

/** How long an edge waits for its log to reach a resume point the cluster already has. */
const EDGE_CATCH_UP_MS = 5000;
const FOLLOW_RETRY_MS = 1_000;

export interface FollowerDeps {
  log: EventLog;
  bus: Bus;
  logger: Logger;
  /** Stores and broadcasts each followed batch. */
  pipeline: Pick<Pipeline, 'storeFollowed'>;
  /**
   * The log is about to be cleared for a start-over onto history `epoch`: reset whatever reads it
   * (SSE streams).
   */
  startingOver: (epoch: string) => void;
  /** Where a foreign entry is reported. */
  conflicts?: Conflicts;
}

export interface Follower {
  /** Follow from the log's newest id, or from `verifyFrom` (lower), checking the overlap. */
  start(verifyFrom?: number): void;
  stop(): void;
  following(): boolean;
  /** Times the log was cleared and followed again from the feed's oldest tick. */
  startOvers(): number;
  /** Resolves true once the log holds `id`, false after `timeoutMs`. */
  waitForLog(id: number, timeoutMs: number): Promise<boolean>;
  /**
   * For a client resuming at `id` that the cluster has but this log does not yet: wait (up to
   * EDGE_CATCH_UP_MS) for the log to reach it, so the client is not told its id is in the future.
   */
  catchUp(id: number): Promise<void>;
}

export function createFollower(deps: FollowerDeps): Follower {
  const { log, bus, logger, pipeline } = deps;
  let stopFollowing: (() => void) | null = null;
  let startOvers = 0;
  /** Woken after every stored batch: waitForLog's checks. */
  const waiters = new Set<() => void>();

  function start(verifyFrom = log.lastId()): void {
    stop();
    // An empty log may take the feed up anywhere; otherwise never skip past the log's newest.
    const from = log.lastId() === 0 ? verifyFrom : Math.min(verifyFrom, log.lastId());
    let stopped = false;
    const stopThis = bus.follow(
      from,
      (batch) => {
        if (stopped) return;
        deps.conflicts?.resolve('foreign-entry');
        // An empty log holds no history yet: it takes the feed's.
        if (log.lastId() === 0 && batch[0].epoch !== undefined && batch[0].epoch !== log.epoch()) log.clear(batch[0].epoch);
        const foreign = batch.findIndex((tick) => tick.epoch !== undefined && tick.epoch !== log.epoch());
        const ours = foreign < 0 ? batch : batch.slice(0, foreign);
        const overlap = ours.length > 0 && ours[0].id <= log.lastId() ? contradiction(ours) : null;
        if (overlap) return startOver(overlap);
        if (ours.length > 0) {
          const stored = pipeline.storeFollowed(ours);
          if (stored.length > 0) for (const wake of waiters) wake();
        }
        if (foreign >= 0) {
          const tick = batch[foreign];
          startOver({ reason: 'history', wantedId: tick.id, availableId: tick.id, epoch: log.epoch(), feedEpoch: tick.epoch });
        }
      },
      (err) => {
        if (stopped) return;
        if (err instanceof FeedGapError && err.availableId !== null && log.lastId() === 0) {
          // A fresh log joins a trimmed feed where it starts: nothing is lost that it ever had.
          logger('follow.joined', { from: err.availableId, wanted: err.wantedId });
          start(err.availableId - 1);
        } else if (err instanceof FeedGapError && err.availableId !== null) {
          startOver({ reason: 'feed-gap', wantedId: err.wantedId, availableId: err.availableId });
        } else if (err instanceof ForeignEntryError) {
          // Someone with access to Redis wrote there. Serving it would hand clients bytes nobody
          // generated; skipping it would be a hole. Hold at the tick before it, loudly, and look
          // again later (an operator may delete it, or the stream be re-established).
          deps.conflicts?.report('foreign-entry', { entryId: err.entryId, why: err.why, lastEventId: log.lastId() });
          const retry = setTimeout(() => {
            if (current === stopFollowing) start();
          }, FOLLOW_RETRY_MS);
          retry.unref();
        } else {
          // The handler threw (a log error): following again from the log's newest is the repair,
          // after a pause so a broken disk does not spin.
          logger('follow.error', { error: err.message, lastEventId: log.lastId() }, 'error');
          const retry = setTimeout(() => {
            if (current === stopFollowing) start();
          }, FOLLOW_RETRY_MS);
          retry.unref();
        }
      },
    );
    const current = (): void => {
      stopped = true;
      stopThis();
    };
    stopFollowing = current;
  }

  /** The first tick of `batch` that the log holds with different bytes, if any. */
  function contradiction(batch: LoggedEvent[]): { reason: string; wantedId: number; availableId: number } | null {
    const upTo = Math.min(log.lastId(), batch[batch.length - 1].id);
    const from = Math.max(batch[0].id, log.oldestId());
    if (from > upTo) return null;
    const mine = log.readAfter(from - 1, null, upTo - from + 1);
    const theirs = new Map(batch.map((tick) => [tick.id, tick.json]));
    for (const tick of mine) {
      if (theirs.get(tick.id) !== tick.json) return { reason: 'diverged', wantedId: tick.id, availableId: tick.id };
    }
    return null;
  }

  function startOver(why: { reason: string; wantedId: number; availableId: number | null; epoch?: string; feedEpoch?: string }): void {
    stop();
    startOvers++;
    logger(
      'follow.start_over',
      { ...why, lastEventId: log.lastId(), oldestEventId: log.oldestId(), action: 'clearing the log; following from the oldest tick the feed retains' },
      'error',
    );
    deps.startingOver(why.feedEpoch ?? log.epoch());
    log.clear(why.feedEpoch);
    // From 0: the oldest tick the feed still holds (a trimmed feed answers with a gap that the
    // empty log then joins at).
    start(0);
  }

  function stop(): void {
    stopFollowing?.();
    stopFollowing = null;
  }

  function waitForLog(id: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (reached: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(reached);
      };
      const check = () => {
        if (log.lastId() >= id) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      waiters.add(check);
      check();
    });
  }

  async function catchUp(id: number): Promise<void> {
    const clusterLast = await bus.clusterLastId();
    if (clusterLast === null || id > clusterLast) return;
    const behind = log.lastId();
    const started = Date.now();
    const reached = await waitForLog(id, EDGE_CATCH_UP_MS);
    logger('stream.catch_up', { resumeFrom: id, lastEventId: behind, clusterLastId: clusterLast, reached, waitedMs: Date.now() - started });
  }

  return { start, stop, following: () => stopFollowing !== null, startOvers: () => startOvers, waitForLog, catchUp };
}

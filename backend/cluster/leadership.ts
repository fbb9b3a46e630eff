// `--role simulator`: of the simulators sharing a Redis, the one holding the leader lease generates
// and the others follow the feed like an edge, so that on taking over a standby continues the ids
// at the cluster's newest + 1 and the price path from its own log. The lease is fenced: the bus
// appends only while Redis still names this node the holder (see lease.ts).
//
//   standby      following; not generating
//   taking-over  lease held: wait for the log to reach the feed's newest, then stop following;
//                or, when Redis has forgotten the stream, find out (within a bounded wait) who
//                holds most of it (restore-claims.ts): restore it, defer once to a simulator that
//                holds more, or continue as the best available under a new epoch (a fork)
//   leading      generating (and the only state in which the bus may write)
//
// Losing the lease or Redis at any point goes back to standby at once.
import type { Bus } from '../bus/bus.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Logger } from '../logger.ts';
import type { TickGenerator } from '../pipeline/tick-generator.ts';
import type { FeedHeadState } from '../bus/redis/feed.ts';
import { newEpoch } from '../log/epoch.ts';
import type { Follower } from './follower.ts';
import type { Lease } from './lease.ts';
import type { RestoreClaims } from './restore-claims.ts';

/** How long a new leader waits for its log to reach the feed's newest before giving the lease up. */
const TAKEOVER_CATCH_UP_MS = 10_000;
/** How long a leader that is shutting down waits for its last batches to reach the feed. */
const HANDOVER_FLUSH_MS = 1000;
const TAKEOVER_RETRY_MS = 200;
/** How long a would-be leader collects claims on a forgotten stream before deciding. */
const RESTORE_WAIT_MS = 2_000;

export interface LeaderDeps {
  lease: Lease;
  bus: Bus;
  log: EventLog;
  logger: Logger;
  generator: TickGenerator;
  follower: Follower;
  /** Where the cluster feed ends and its epoch (null: forgotten); rejects when Redis cannot be asked. */
  feedHead: () => Promise<FeedHeadState>;
  /** The replicas' claims on a forgotten stream. */
  claims: RestoreClaims;
  catchUpMs?: number;
  restoreWaitMs?: number;
}

export interface Leadership {
  state(): 'standby' | 'taking-over' | 'leading';
  /** Stop generating and following; handOver() then releases the lease. */
  stop(): void;
  /**
   * After stop(): if this node was leading, give its last batches up to HANDOVER_FLUSH_MS to reach
   * the feed, then release the lease, so the next leader continues after them instead of writing
   * other ticks under their ids.
   */
  handOver(): Promise<void>;
}

export function startLeadership(deps: LeaderDeps): Leadership {
  const { lease, bus, log, logger, generator, follower } = deps;
  const catchUpMs = deps.catchUpMs ?? TAKEOVER_CATCH_UP_MS;
  const restoreWaitMs = deps.restoreWaitMs ?? RESTORE_WAIT_MS;
  /** When this node last gave the lease up to a replica holding more of a forgotten stream. */
  let deferredAt = -Infinity;
  let state: 'standby' | 'taking-over' | 'leading' = 'standby';
  /** Bumped by every transition, so an outdated takeover cannot complete. */
  let attempt = 0;
  let stopped = false;
  /** Whether stop() found this node leading: only then has it batches to hand over. */
  let leadingAtStop = false;

  const eligible = (): boolean => !stopped && lease.held() && bus.state() === 'up';

  function evaluate(): void {
    if (stopped) return;
    if (!eligible()) {
      if (state !== 'standby') standBy('lost the lease or Redis');
      return;
    }
    if (state === 'standby') void takeOver();
  }

  function standBy(reason: string): void {
    const wasLeading = state === 'leading';
    attempt++;
    state = 'standby';
    generator.stop();
    if (wasLeading) logger('leader.stepped_down', { reason, lastEventId: log.lastId(), publishedUpTo: bus.stats().publishedUpTo }, 'warn');
    // A former leader may hold ticks it committed but never got into the feed; follow from what
    // the feed confirmed, so the follower compares that tail with the feed's and starts over if
    // the new leader wrote something else under those ids.
    const confirmed = bus.stats().publishedUpTo;
    if (!follower.following() || wasLeading) follower.start(wasLeading && confirmed < log.lastId() ? confirmed : log.lastId());
  }

  async function takeOver(): Promise<void> {
    const mine = ++attempt;
    state = 'taking-over';
    const started = Date.now();
    let head: FeedHeadState;
    try {
      head = await deps.feedHead();
      // Also with an empty log: a fresh node must not start a new history over others' logs.
      if (mine === attempt && head.epoch === null) {
        const restored = await restoreForgotten();
        if (mine !== attempt || !restored) return;
        // The stream is ours to re-establish: the bus republishes the log once generating starts.
        head = { lastId: 0, epoch: log.epoch() };
      }
    } catch (err) {
      if (mine === attempt) {
        // Still holding the lease, so no event will come: ask again shortly.
        state = 'standby';
        logger('leader.takeover_failed', { reason: 'cannot read the feed', error: (err as Error).message }, 'warn');
        setTimeout(evaluate, TAKEOVER_RETRY_MS).unref();
      }
      return;
    }
    if (mine !== attempt) return;
    const target = head.lastId;
    if (!follower.following()) follower.start();
    const caughtUp = await follower.waitForLog(target, catchUpMs);
    if (mine !== attempt) return;
    if (!caughtUp) {
      // Another node may be better placed: give the lease up for a while, keep following.
      logger('leader.takeover_failed', { reason: 'log behind the feed', feedLastId: target, lastEventId: log.lastId() }, 'error');
      state = 'standby';
      await lease.release();
      if (!stopped) setTimeout(() => lease.resume(), catchUpMs).unref();
      return;
    }
    if (!eligible()) return standBy('lost the lease while catching up');
    follower.stop();
    state = 'leading';
    generator.start();
    logger('leader.elected', { nodeId: lease.nodeId, lastEventId: log.lastId(), feedLastId: target, tookMs: Date.now() - started });
  }

  /**
   * The stream is forgotten and this node holds some of its history: claim, wait, and decide.
   * True when this node is to continue the stream (possibly under a new epoch); false when it gave
   * the lease up to a replica that holds more.
   */
  async function restoreForgotten(): Promise<boolean> {
    const started = Date.now();
    await deps.claims.claim();
    await new Promise((resolve) => setTimeout(resolve, restoreWaitMs));
    // An empty log holds no history of its own: any replica's claim counts.
    const claims = await deps.claims.read(log.lastId() === 0 ? null : log.epoch());
    const best = claims[0];
    const fields = { lastEventId: log.lastId(), epoch: log.epoch(), claims: claims.length, bestLastId: best?.lastId ?? null, bestNode: best?.nodeId ?? null, waitedMs: Date.now() - started };
    if (!best || best.lastId <= log.lastId()) {
      logger('leader.restoring', { ...fields, action: 'republishing the log into the forgotten stream' }, 'warn');
      await deps.claims.clear();
      return true;
    }
    if (best.role === 'simulator' && Date.now() - deferredAt > restoreWaitMs * 4) {
      deferredAt = Date.now();
      logger('leader.restore_deferred', { ...fields, action: 'giving the lease to the replica that holds more' }, 'warn');
      state = 'standby';
      await lease.release();
      if (!stopped) setTimeout(() => lease.resume(), restoreWaitMs * 2).unref();
      return false;
    }
    const epoch = newEpoch();
    logger('leader.restoring', { ...fields, newEpoch: epoch, action: 'continuing as the best available under a new epoch; nodes holding more start over' }, 'error');
    log.fork(epoch);
    await deps.claims.clear();
    return true;
  }

  const offLease = lease.onChange(evaluate);
  const offBus = bus.onState(evaluate);
  // From the log's newest but one, so that the follower compares the newest tick with the feed's:
  // a node restarted after a crash may hold an unpublished tail another leader has overwritten.
  follower.start(Math.max(0, log.lastId() - 1));
  evaluate();

  return {
    state: () => state,
    stop() {
      if (!stopped) leadingAtStop = state === 'leading';
      stopped = true;
      attempt++;
      offLease();
      offBus();
      generator.stop();
      follower.stop();
    },
    async handOver() {
      // The scheduler's batches are synchronous, so once stop() ran none is in flight.
      if (leadingAtStop) await publishedOrTimeout(bus, log.lastId(), HANDOVER_FLUSH_MS);
      await lease.close();
    },
  };
}

/** Generation is allowed only while this reads true: checked synchronously before each batch. */
export function leaderMayGenerate(lease: Lease, bus: Bus): () => boolean {
  return () => lease.held() && bus.state() === 'up';
}

async function publishedOrTimeout(bus: Bus, id: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (bus.state() === 'up' && bus.stats().publishedUpTo < id && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// What each role does with the log and the bus:
//
//   all        generates: simulator → log.append → local SSE → bus.publish (local-first).
//   edge       follows the cluster feed into its own log and serves it; never generates.
//   simulator  generates only while it holds the leader lease (and Redis is up); otherwise it
//              follows the feed like an edge, so that on taking over it continues the ids at the
//              cluster's newest + 1 and the price path from its own log.
//
// A follower never stores a gap or a tick the feed contradicts. When the feed no longer holds the
// tick after its log's newest (it was trimmed while the node was away), or holds a different tick
// under an id the node already has (a demoted leader's unpublished tail), the follower starts
// over: it ends its SSE streams, clears its log and follows from the oldest tick the feed retains.
// Its clients reconnect and get `reset` ("expired") and a snapshot: an honest discontinuity
// rather than a silent hole.
import type { Bus } from '../bus/bus.ts';
import { FeedGapError } from '../bus/feed-gap-error.ts';
import type { Config } from '../config.ts';
import type { GeneratorControl } from '../http/admin.ts';
import { errors } from '../http/errors.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Logger } from '../logger.ts';
import { createScheduler } from '../simulator/scheduler.ts';
import { createSimulator } from '../simulator/simulator.ts';
import type { Simulator } from '../simulator/types.ts';
import type { LoggedTick, Tick } from '../types.ts';
import type { Lease } from './lease.ts';

/** How long a new leader waits for its log to reach the feed's newest before giving the lease up. */
export const TAKEOVER_CATCH_UP_MS = 10_000;
const FOLLOW_RETRY_MS = 1_000;
const TAKEOVER_RETRY_MS = 200;

export interface Generator extends GeneratorControl {
  /** Continue the path from the log and start the clock (unless an admin paused this node). */
  start(): void;
  /** Stop the clock; the next start() resumes from the log again. */
  stop(): void;
  /** Ticks this process generated. */
  generated(): number;
}

export interface GeneratorDeps {
  config: Config;
  log: EventLog;
  bus: Bus;
  logger: Logger;
  now: () => number;
  /** Committed batches go here first (local SSE), then to the bus. */
  committed: (batch: LoggedTick[]) => void;
  /** Asked before every batch; false skips it (a lease about to lapse, Redis down). */
  mayGenerate?: () => boolean;
}

/**
 * The simulator and its clock. Checkpoints are stored tagged with the id of the batch they
 * describe, so a node whose log has since grown by replication (a former leader) knows its
 * checkpoint is stale and continues from the newest ticks instead.
 */
export function createGenerator(deps: GeneratorDeps): Generator {
  const { config, log, bus, logger } = deps;
  let simulator: Simulator | null = null;
  /** The simulator's own checkpoint after the last committed batch, to rewind a failed one. */
  let lastState = '';
  let active = false;
  let paused = false;
  let failing = false;
  let generated = 0;

  const scheduler = createScheduler({
    intervalMs: config.interval,
    now: deps.now,
    onTick: (ts) => {
      if (!simulator || (deps.mayGenerate && !deps.mayGenerate())) return;
      const drafts = simulator.step(ts);
      const state = simulator.checkpoint();
      let batch: LoggedTick[];
      try {
        batch = log.append(drafts, tagCheckpoint(log.lastId() + drafts.length, state, config.seed));
      } catch (err) {
        // Nothing was committed: rewind so the path stays the one the log will hold.
        simulator.restore(lastState);
        if (!failing) logger('log.append_failed', { error: (err as Error).message }, 'error');
        failing = true;
        return;
      }
      if (failing) logger('log.append_recovered', { lastEventId: log.lastId() });
      failing = false;
      lastState = state;
      generated += batch.length;
      // Committed, then streamed locally, then replicated: local-first.
      deps.committed(batch);
      bus.publish(batch);
    },
  });

  return {
    start() {
      if (active) return;
      active = true;
      simulator = createSimulator({ universe: config.universe, seed: config.seed, intervalMs: config.interval, speed: config.speed });
      resumeFromLog(simulator, log, logger);
      lastState = simulator.checkpoint();
      if (!paused) scheduler.start();
    },
    stop() {
      active = false;
      scheduler.stop();
      simulator = null;
    },
    // Admin controls act on this node. A pause outlives leadership changes: a paused standby that
    // takes over holds the lease without generating until resumed.
    pause() {
      paused = true;
      scheduler.pause();
    },
    resume() {
      paused = false;
      if (!active) return;
      scheduler.resume();
      scheduler.start();
    },
    shock(symbol, pct) {
      if (!simulator) throw errors.notGenerating(`${config.role} (standby)`);
      simulator.shock(symbol, pct);
    },
    generating: () => active && scheduler.generating(),
    generated: () => generated,
  };
}

interface TaggedCheckpoint {
  lastId: number;
  simulator: string;
  /** The seed the path was started from, so a restart can say which one it continues. */
  seed?: number;
}

function tagCheckpoint(lastId: number, simulator: string, seed: number): string {
  return JSON.stringify({ lastId, simulator, seed } satisfies TaggedCheckpoint);
}

/**
 * The seed stored with the checkpoint a generator resumes from (the one written with the log's
 * newest batch, see resumeFromLog); undefined for an empty log, a checkpoint from an older
 * ticktape, or a log grown by replication since.
 */
export function checkpointSeed(log: EventLog): number | undefined {
  const saved = log.checkpoint();
  const parsed = saved === undefined || saved === '' ? null : parseTagged(saved);
  if (parsed === null || parsed.lastId !== log.lastId() || log.lastId() === 0) return undefined;
  return Number.isSafeInteger(parsed.seed) && parsed.seed! >= 0 ? parsed.seed : undefined;
}

/**
 * Continue the simulated path where the log ends: exactly from a checkpoint written with the log's
 * newest batch, else from the newest tick of each symbol. An untagged checkpoint comes from a log
 * written before tags existed, by a single generator, so it describes the newest batch.
 */
function resumeFromLog(simulator: Simulator, log: EventLog, logger: Logger): void {
  const saved = log.checkpoint();
  let state: string | undefined;
  if (saved !== undefined && saved !== '') {
    const parsed = parseTagged(saved);
    if (parsed === null) state = saved;
    else if (parsed.lastId === log.lastId()) state = parsed.simulator;
  }
  if (state !== undefined) {
    try {
      simulator.restore(state);
      logger('simulator.resumed', { from: 'checkpoint', lastEventId: log.lastId() });
      return;
    } catch (err) {
      logger('simulator.checkpoint_unusable', { error: (err as Error).message }, 'warn');
    }
  }
  if (log.lastId() > 0) {
    simulator.resumeFromTicks(log.latest().map((t) => JSON.parse(t.json) as Tick));
    logger('simulator.resumed', { from: 'ticks', lastEventId: log.lastId() });
  }
}

function parseTagged(text: string): TaggedCheckpoint | null {
  try {
    const value = JSON.parse(text) as Partial<TaggedCheckpoint>;
    return typeof value.lastId === 'number' && typeof value.simulator === 'string' ? (value as TaggedCheckpoint) : null;
  } catch {
    return null;
  }
}

export interface FollowerDeps {
  log: EventLog;
  bus: Bus;
  logger: Logger;
  /** Stored batches go here (local SSE, catch-up waiters). */
  committed: (batch: LoggedTick[]) => void;
  /** The log is about to be cleared: end whatever reads it (SSE streams). */
  rebasing: () => void;
}

export interface Follower {
  /** Follow from the log's newest id, or from `verifyFrom` (lower), checking the overlap. */
  start(verifyFrom?: number): void;
  stop(): void;
  following(): boolean;
  /** Times the log was cleared and started over. */
  rebases(): number;
}

/** Keeps the log a gap-free copy of the cluster feed while started. */
export function createFollower(deps: FollowerDeps): Follower {
  const { log, bus, logger } = deps;
  let stopFollowing: (() => void) | null = null;
  let rebases = 0;

  function start(verifyFrom = log.lastId()): void {
    stop();
    // An empty log may take the feed up anywhere; otherwise never skip past the log's newest.
    const from = log.lastId() === 0 ? verifyFrom : Math.min(verifyFrom, log.lastId());
    let stopped = false;
    const stopThis = bus.follow(
      from,
      (batch) => {
        if (stopped) return;
        const overlap = batch[0].id <= log.lastId() ? contradiction(batch) : null;
        if (overlap) return startOver(overlap);
        const stored = log.appendReplicated(batch);
        if (stored.length > 0) deps.committed(stored);
      },
      (err) => {
        if (stopped) return;
        if (err instanceof FeedGapError && err.availableId !== null && log.lastId() === 0) {
          // A fresh log joins a trimmed feed where it starts: nothing is lost that it ever had.
          logger('follow.joined', { from: err.availableId, wanted: err.wantedId });
          start(err.availableId - 1);
        } else if (err instanceof FeedGapError && err.availableId !== null) {
          startOver({ reason: 'feed-gap', wantedId: err.wantedId, availableId: err.availableId });
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
  function contradiction(batch: LoggedTick[]): { reason: string; wantedId: number; availableId: number } | null {
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

  function startOver(why: { reason: string; wantedId: number; availableId: number | null }): void {
    stop();
    rebases++;
    logger(
      'follow.start_over',
      { ...why, lastEventId: log.lastId(), oldestEventId: log.oldestId(), action: 'clearing the log; following from the oldest tick the feed retains' },
      'error',
    );
    deps.rebasing();
    log.clear();
    // From 0: the oldest tick the feed still holds (a trimmed feed answers with a gap that the
    // empty log then joins at).
    start(0);
  }

  function stop(): void {
    stopFollowing?.();
    stopFollowing = null;
  }

  return { start, stop, following: () => stopFollowing !== null, rebases: () => rebases };
}

export interface LeaderDeps {
  lease: Lease;
  bus: Bus;
  log: EventLog;
  logger: Logger;
  generator: Generator;
  follower: Follower;
  /** Newest id in the cluster feed, 0 when empty; rejects when Redis cannot be asked. */
  feedLastId: () => Promise<number>;
  /** Resolves once the log holds `id` (or gives up at `timeoutMs`); true if it does. */
  waitForLog: (id: number, timeoutMs: number) => Promise<boolean>;
  catchUpMs?: number;
}

export interface Leadership {
  state(): 'standby' | 'taking-over' | 'leading';
  stop(): void;
}

/**
 * The `--role simulator` state machine. standby (following) → taking-over (lease held: wait for
 * the log to reach the feed's newest, then stop following) → leading (generating). Losing the
 * lease or Redis at any point goes back to standby at once.
 */
export function startLeadership(deps: LeaderDeps): Leadership {
  const { lease, bus, log, logger, generator, follower } = deps;
  const catchUpMs = deps.catchUpMs ?? TAKEOVER_CATCH_UP_MS;
  let state: 'standby' | 'taking-over' | 'leading' = 'standby';
  /** Bumped by every transition, so an outdated takeover cannot complete. */
  let attempt = 0;
  let stopped = false;

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
    let target: number;
    try {
      target = await deps.feedLastId();
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
    if (!follower.following()) follower.start();
    const caughtUp = await deps.waitForLog(target, catchUpMs);
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

  const offLease = lease.onChange(evaluate);
  const offBus = bus.onState(evaluate);
  follower.start();
  evaluate();

  return {
    state: () => state,
    stop() {
      stopped = true;
      attempt++;
      offLease();
      offBus();
      generator.stop();
      follower.stop();
    },
  };
}

/** Generation is allowed only while this reads true: checked synchronously before each batch. */
export function leaderMayGenerate(lease: Lease, bus: Bus): () => boolean {
  return () => lease.held() && bus.state() === 'up';
}

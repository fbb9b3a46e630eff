// One batch's trip through a node. A generated batch goes
//
//   step → append → broadcast → publish
//
// and a batch followed from the cluster feed goes append → broadcast (it is in the feed already).
// The order is the design:
//   - Append (commit) before anyone sees it. Nothing reaches a client or another node until it is
//     durable with its id, so nobody ever holds a tick that a crash could lose or renumber, and a
//     failed append has nothing to take back.
//   - Local clients before the bus (local-first). The bus only replicates; this node's own SSE
//     clients never wait on Redis, and a Redis outage never stops a node serving them (the bus
//     catches up from the log later, see bus/bus.ts).
// Everything here is synchronous, so the batch is in the log and written to every local client
// within one JavaScript task: a reader never sees a gap between the log and the live stream.
import type { Bus } from '../bus/bus.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Logger } from '../logger.ts';
import type { Simulator } from '../simulator/types.ts';
import type { Hub } from '../stream/hub.ts';
import type { LoggedEvent } from '../types.ts';
import { tagCheckpoint } from './checkpoint.ts';

/** The path a generator is on: the simulator that steps it and what to rewind it to. */
export interface GeneratedPath {
  readonly simulator: Simulator;
  /** The seed the path was started from, stored with each checkpoint. */
  readonly seed: number;
  /** The simulator's checkpoint after the last committed batch, to rewind a failed one. */
  committed: string;
}

export interface PipelineDeps {
  log: EventLog;
  /** Replicates what this node generates; a follower's batches are never published again. */
  bus: Bus;
  logger: Logger;
  /** Writes a committed batch to this node's SSE clients (see broadcastTo). */
  broadcast: (batch: LoggedEvent[]) => void;
}

export interface Pipeline {
  /**
   * Step `path` to `ts` and carry the batch through append, broadcast and publish. Returns the
   * committed batch, or null when the append failed: then nothing was committed, broadcast or
   * published, and the path is rewound so it stays the one the log will hold.
   */
  stepBatch(path: GeneratedPath, ts: number): LoggedEvent[] | null;
  /** Store a batch from the cluster feed and broadcast what was new; throws what the log throws. */
  storeFollowed(batch: LoggedEvent[]): LoggedEvent[];
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { log, bus, logger, broadcast } = deps;
  /** Whether the last append failed, so a failing disk is reported once, and its recovery once. */
  let failing = false;

  return {
    stepBatch(path, ts) {
      // Step: the simulator draws one batch; its checkpoint is committed with it.
      const drafts = path.simulator.step(ts);
      const state = path.simulator.checkpoint();
      // Append: ids, batch and checkpoint in one transaction.
      let batch: LoggedEvent[];
      try {
        batch = log.append(drafts, tagCheckpoint(log.lastId() + drafts.length, state, path.seed));
      } catch (err) {
        path.simulator.restore(path.committed);
        if (!failing) logger('log.append_failed', { error: (err as Error).message }, 'error');
        failing = true;
        return null;
      }
      if (failing) logger('log.append_recovered', { lastEventId: log.lastId() });
      failing = false;
      path.committed = state;
      // Broadcast to this node's clients, then publish to the others.
      broadcast(batch);
      bus.publish(batch);
      return batch;
    },
    storeFollowed(batch) {
      const stored = log.appendReplicated(batch);
      if (stored.length > 0) broadcast(stored);
      return stored;
    },
  };
}

/**
 * The broadcast step: the batch to every live SSE client of `hub`, and `written` once per batch
 * that reached at least one client (not per client: the fan-out stays one write per client).
 */
export function broadcastTo(hub: Hub, written: (batch: readonly LoggedEvent[]) => void): (batch: LoggedEvent[]) => void {
  return (batch) => {
    if (hub.broadcast(batch) > 0) written(batch);
  };
}

// Where a generated path continues. Checkpoints are stored tagged with the id of the batch they
// describe, so a node whose log has since grown by replication (a former leader) knows its
// checkpoint is stale and continues from the newest ticks instead.
import type { Config } from '../config.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Logger } from '../logger.ts';
import type { Simulator } from '../simulator/types.ts';
import type { Tick } from '../types.ts';

/** Where the seed a node runs with came from: `log` when it continues a log's stored path. */
export type SeedSource = Config['seedSource'] | 'log';

interface TaggedCheckpoint {
  lastId: number;
  simulator: string;
  /** The seed the path was started from, so a restart can say which one it continues. */
  seed?: number;
}

/** The checkpoint stored with the batch that ends at `lastId`. */
export function tagCheckpoint(lastId: number, simulator: string, seed: number): string {
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
 * The seed of the path this node continues: on an empty log the configured one; on a log with
 * history the one stored with its checkpoint, since generation continues that path rather than
 * starting over. A seed given explicitly that cannot apply for that reason gets one warning.
 */
export function continuedSeed(config: Config, log: EventLog, logger: Logger): { seed: number; seedSource: SeedSource } {
  if (log.lastId() === 0) return { seed: config.seed, seedSource: config.seedSource };
  const stored = checkpointSeed(log);
  if (config.seedSource === 'option' && stored !== config.seed) {
    const held = stored === undefined ? 'the path it holds' : `the path of seed ${stored}`;
    logger(
      'seed.ignored',
      {
        seed: config.seed,
        logSeed: stored,
        db: config.db,
        lastEventId: log.lastId(),
        message:
          `seed ${config.seed} cannot apply: ${config.db} already holds ticks up to id ${log.lastId()} and continues ${held}; ` +
          `use a new --db to generate seed ${config.seed}'s ticks from id 1`,
      },
      'warn',
    );
  }
  return stored === undefined ? { seed: config.seed, seedSource: config.seedSource } : { seed: stored, seedSource: 'log' };
}

/**
 * Continue the simulated path where the log ends: exactly from a checkpoint written with the log's
 * newest batch, else from the newest tick of each symbol. An untagged checkpoint comes from a log
 * written before tags existed, by a single generator, so it describes the newest batch.
 */
export function resumeFromLog(simulator: Simulator, log: EventLog, logger: Logger): void {
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

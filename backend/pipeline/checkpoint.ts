// Where a generated path continues. Checkpoints are stored tagged with the id of the batch they
// describe, so a node whose log has since grown by replication (a former leader) knows its
// checkpoint is stale and continues from the newest events instead.
import type { Config } from '../config.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Logger } from '../logger.ts';
import { peekLog, type LogHead } from '../log/peek.ts';
import { MARKET_MODEL_VERSION, ModelVersionError, modelVersionRefusal } from '../simulator/market-version.ts';
import type { Simulator } from '../simulator/types.ts';
import type { MarketEvent, QuoteEvent, TradeTick } from '../types.ts';

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
 * newest batch, else from the log's newest events (see Simulator.resumeFromEvents). A checkpoint of
 * another market model is never worked around: the log is refused (see logModelProblem).
 */
export function resumeFromLog(simulator: Simulator, log: EventLog, logger: Logger): void {
  const version = logModelVersion(log);
  if (version !== MARKET_MODEL_VERSION) throw new ModelVersionError(version);
  const saved = log.checkpoint();
  const parsed = saved === undefined || saved === '' ? null : parseTagged(saved);
  if (parsed !== null && parsed.lastId === log.lastId()) {
    try {
      simulator.restore(parsed.simulator);
      logger('simulator.resumed', { from: 'checkpoint', lastEventId: log.lastId() });
      return;
    } catch (err) {
      if (err instanceof ModelVersionError) throw err;
      logger('simulator.checkpoint_unusable', { error: (err as Error).message }, 'warn');
    }
  }
  if (log.lastId() > 0) {
    const newest = log.newestEvent();
    simulator.resumeFromEvents({
      trades: log.latest().map((event) => JSON.parse(event.json) as TradeTick),
      quotes: log.latestQuotes().map((event) => JSON.parse(event.json) as QuoteEvent),
      newest: newest === null ? null : (JSON.parse(newest.json) as MarketEvent),
      lastId: log.lastId(),
    });
    logger('simulator.resumed', { from: 'events', lastEventId: log.lastId() });
  }
}

/**
 * The market model that wrote the log's path: MARKET_MODEL_VERSION for an empty log or one this
 * ticktape can continue. Market model 1 (one mid-priced tick per symbol per step, no exchange clock)
 * wrote checkpoints with `version: 1` or none, and ticks without `marketTime`; continuing such a log
 * under model 2 would put another model's events, and another clock, under ids clients have seen.
 */
export function logModelVersion(log: EventLog): number {
  return headModelVersion({ lastId: log.lastId(), checkpoint: log.checkpoint(), newestJson: log.newestEvent()?.json ?? null });
}

/** Why this ticktape cannot continue the log's path, in one line (naming the file), or null. */
export function logModelProblem(log: EventLog): string | null {
  const version = logModelVersion(log);
  return version === MARKET_MODEL_VERSION ? null : modelVersionRefusal(log.path, version);
}

/**
 * logModelProblem for a log file not yet opened (see log/peek.ts): a refused log is refused before
 * opening could migrate it, so that the ticktape that wrote it can still open it.
 */
export function fileModelProblem(file: string): string | null {
  const head = peekLog(file);
  if (head === null) return null;
  const version = headModelVersion(head);
  return version === MARKET_MODEL_VERSION ? null : modelVersionRefusal(file, version);
}

function headModelVersion(head: LogHead): number {
  if (head.lastId === 0) return MARKET_MODEL_VERSION;
  const saved = head.checkpoint;
  let version: unknown = MARKET_MODEL_VERSION;
  if (saved !== undefined && saved !== '') {
    const parsed = parseTagged(saved);
    try {
      version = (JSON.parse(parsed === null ? saved : parsed.simulator) as { version?: unknown }).version ?? 1;
    } catch {
      version = 1;
    }
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) return 1;
  if (version === MARKET_MODEL_VERSION && head.newestJson !== null && !head.newestJson.includes('"marketTime":')) return 1;
  return version;
}

function parseTagged(text: string): TaggedCheckpoint | null {
  try {
    const value = JSON.parse(text) as Partial<TaggedCheckpoint>;
    return typeof value.lastId === 'number' && typeof value.simulator === 'string' ? (value as TaggedCheckpoint) : null;
  } catch {
    return null;
  }
}

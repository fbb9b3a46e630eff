// Wires the modules into one ticktape process: log, bus, simulator + scheduler (when this node
// generates), the SSE hub, metrics and the HTTP app. Nothing imports this but main.ts and tests,
// and it holds no global state, so a test can run several servers side by side.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Bus } from './bus/bus.ts';
import { createMemoryBus } from './bus/memory.ts';
import { createRedisBus, type RedisBusOptions } from './bus/redis.ts';
import { createFeedHead, type FeedHead } from './cluster/feed-head.ts';
import { createLease, type Lease } from './cluster/lease.ts';
import { fixedUniverse, shareUniverse, type SharedUniverse } from './cluster/shared-universe.ts';
import {
  checkpointSeed,
  createFollower,
  createGenerator,
  leaderMayGenerate,
  startLeadership,
  type Follower,
  type Generator,
  type Leadership,
} from './cluster/roles.ts';
import type { Config } from './config.ts';
import { createApp } from './http/app.ts';
import { openLog } from './log/log.ts';
import type { EventLog } from './log/event-log.ts';
import { silentLogger, type Logger } from './logger.ts';
import { createMetrics, writeLatencyMetric } from './metrics.ts';
import { createHub } from './stream/hub.ts';
import type { LoggedTick } from './types.ts';

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../frontend/dist/', import.meta.url));

/** How long an edge waits for its log to reach a resume point the cluster already has. */
export const EDGE_CATCH_UP_MS = 5000;
/** How long a leader that is shutting down waits for its last batches to reach the feed. */
const HANDOVER_FLUSH_MS = 1000;

export interface ServerOptions {
  config: Config;
  logger?: Logger;
  /** A bus to use instead of the one the config names (tests share one in-process bus). */
  bus?: Bus;
  /** Per-client unsent-output cap for SSE (default 1 MiB). */
  maxClientBufferBytes?: number;
  /** Rows per replay read (default 500). */
  replayPage?: number;
  distDir?: string;
  now?: () => number;
  /** `--role simulator`: the leader lease's TTL in ms (default 5000; tests make it short). */
  leaseTtlMs?: number;
}

/** Where the seed a node runs with came from: `log` when it continues a log's stored path. */
export type SeedSource = Config['seedSource'] | 'log';

export interface TicktapeServer {
  readonly url: string;
  readonly port: number;
  /** The seed of the path this node generates (on a log with history, the log's own). */
  readonly seed: number;
  readonly seedSource: SeedSource;
  readonly log: EventLog;
  readonly bus: Bus;
  /** Stop generating, end streams, close HTTP, the bus and the log. Idempotent. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<TicktapeServer> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;

  const log = openLog({ path: config.db, retention: config.retention });
  const seed = config.role === 'edge' ? { seed: config.seed, seedSource: config.seedSource } : continuedSeed(config, log, logger);
  // Only a `--role simulator` node competes for the lease; its bus writes only while holding it.
  const lease =
    config.role === 'simulator' && config.redis && !options.bus
      ? createLease({ url: config.redis, logger, ttlMs: options.leaseTtlMs })
      : null;
  const bus = options.bus ?? (config.redis ? createRedisBus({ url: config.redis, logger, ...busWriting(config.role, log, lease) }) : createMemoryBus());
  const hub = createHub({ heartbeatMs: config.heartbeat, maxClientBufferBytes: options.maxClientBufferBytes });
  // Read at scrape time, so `generator` (set below, before the server listens) is read then.
  const metrics = createMetrics({ log, hub, bus, generated: () => generator?.generated() ?? 0, generating: () => generator?.generating() ?? false });
  const batchWritten = writeLatencyMetric(metrics, now);
  // Generators announce their universe with the feed; edges serve the one they follow.
  const shared: SharedUniverse | null =
    config.redis && !options.bus
      ? shareUniverse({ url: config.redis, mode: config.role === 'edge' ? 'adopt' : 'announce', universe: config.universe, logger })
      : null;
  const universe = shared ?? fixedUniverse(config.universe);

  // Followers wait here for their log to reach an id (edge catch-up, leader takeover).
  const waiters = new Set<() => void>();
  const committed = (batch: LoggedTick[]) => {
    // Once per batch that reached a client, not per client: the fan-out stays one write per client.
    if (hub.broadcast(batch) > 0) batchWritten(batch);
    for (const wake of waiters) wake();
  };

  let generator: Generator | null = null;
  let follower: Follower | null = null;
  let leadership: Leadership | null = null;
  let feedHead: FeedHead | null = null;

  const generatorDeps = { config: { ...config, seed: seed.seed }, log, bus, logger, now, committed };
  if (config.role === 'all' || (config.role === 'simulator' && !lease)) {
    // A simulator on an injected in-process bus (tests) has no lease to compete for: it is alone.
    generator = createGenerator(generatorDeps);
    generator.start();
  } else {
    // A follower that starts its log over first ends the streams reading the old one.
    follower = createFollower({ log, bus, logger, committed, rebasing: () => hub.endAll() });
    if (config.role === 'edge' || !lease || !config.redis) follower.start();
    else {
      generator = createGenerator({ ...generatorDeps, mayGenerate: leaderMayGenerate(lease, bus) });
      const head = (feedHead = createFeedHead(config.redis));
      leadership = startLeadership({ lease, bus, log, logger, generator, follower, feedLastId: () => head.lastId(), waitForLog });
    }
  }

  /** Resolves true once the log holds `id`, false at the deadline. */
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

  const app = createApp({
    role: config.role,
    universe,
    log,
    bus,
    hub,
    metrics,
    generator,
    adminToken: config.adminToken,
    distDir: options.distDir ?? DEFAULT_DIST_DIR,
    logger,
    serveStream: config.role !== 'simulator',
    catchUp: config.role === 'edge' ? catchUp : undefined,
    replayPage: options.replayPage,
  });

  const httpServer = http.createServer(app.callback());
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    leadership?.stop();
    generator?.stop();
    follower?.stop();
    hub.close();
    await lease?.close();
    await feedHead?.close();
    await shared?.close();
    await bus.close();
    log.close();
    throw err;
  }
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    ...seed,
    log,
    bus,
    close() {
      closing ??= (async () => {
        // The scheduler's batches are synchronous, so once it is stopped none is in flight.
        const wasLeading = leadership?.state() === 'leading';
        leadership?.stop();
        generator?.stop();
        follower?.stop();
        hub.close();
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeAllConnections();
        await closed;
        if (lease) {
          // Hand over cleanly: our last batches into the feed first, then the lease, so the next
          // leader continues after them instead of writing other ticks under their ids.
          if (wasLeading) await publishedOrTimeout(bus, log.lastId(), HANDOVER_FLUSH_MS);
          await lease.close();
        }
        await feedHead?.close();
        await shared?.close();
        if (!options.bus) await bus.close();
        log.close();
      })();
      return closing;
    },
  };
}

/**
 * The seed of the path this node continues: on an empty log the configured one; on a log with
 * history the one stored with its checkpoint, since generation continues that path rather than
 * starting over. A seed given explicitly that cannot apply for that reason gets one warning.
 */
function continuedSeed(config: Config, log: EventLog, logger: Logger): { seed: number; seedSource: SeedSource } {
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
 * How this node's bus writes: an edge never writes (its source is empty, so even after Redis
 * lost the stream it republishes nothing); a simulator writes only while holding the lease.
 */
function busWriting(role: Config['role'], log: EventLog, lease: Lease | null): Pick<RedisBusOptions, 'source' | 'fence'> {
  if (role === 'edge') return { source: { readAfter: () => [], lastId: () => 0 } };
  return {
    source: { readAfter: (after, limit) => log.readAfter(after, null, limit), lastId: () => log.lastId() },
    fence: lease ? { key: lease.key, token: lease.nodeId } : undefined,
  };
}

async function publishedOrTimeout(bus: Bus, id: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (bus.state() === 'up' && bus.stats().publishedUpTo < id && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Wires the modules into one ticktape process. What a node does with its log and the bus depends
// on its role, and each role has one start function below:
//
//   all        generates alone: every batch takes the pipeline's whole trip (pipeline/pipeline.ts).
//   edge       follows the cluster feed into its own log and serves it; never generates.
//   simulator  generates while it holds the leader lease, follows like an edge otherwise
//              (cluster/leadership.ts); it does not serve /stream.
//
// Everything opened is pushed on one stack of closers, which both close() and a failed start run.
// Nothing imports this but main.ts and tests, and it holds no global state, so a test can run
// several servers side by side.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Bus } from './bus/bus.ts';
import { createMemoryBus } from './bus/memory.ts';
import { createRedisBus, type RedisBusOptions } from './bus/redis.ts';
import { createFeedHead } from './cluster/feed-head.ts';
import { createConflicts, type Conflicts } from './cluster/conflicts.ts';
import { createFollower, type Follower } from './cluster/follower.ts';
import { leaderMayGenerate, startLeadership } from './cluster/leadership.ts';
import { createLease } from './cluster/lease.ts';
import { startRestoreClaims } from './cluster/restore-claims.ts';
import { fixedUniverse, shareUniverse } from './cluster/shared-universe.ts';
import type { Config } from './config.ts';
import { createApp } from './http/app.ts';
import { newEpoch } from './log/epoch.ts';
import { createConnectionLimits } from './http/connection-limits.ts';
import { REQUEST_TIMEOUTS, handleClientError } from './http/timeouts.ts';
import { openLog } from './log/log.ts';
import type { EventLog } from './log/event-log.ts';
import { silentLogger, type Logger } from './logger.ts';
import { createMetrics, writeLatencyMetric } from './metrics.ts';
import { PACKAGE_ROOT } from './package-root.ts';
import { continuedSeed, fileModelProblem, logModelProblem, type SeedSource } from './pipeline/checkpoint.ts';
import { broadcastTo, createPipeline } from './pipeline/pipeline.ts';
import { createTickGenerator, type TickGenerator } from './pipeline/tick-generator.ts';
import { createHub } from './stream/hub.ts';
import { historyResetFrame } from './stream/sse.ts';
import type { LoggedEvent, UniverseView } from './types.ts';

export type { SeedSource } from './pipeline/checkpoint.ts';

export const DEFAULT_DIST_DIR = path.join(PACKAGE_ROOT, 'frontend', 'dist');

export interface ServerOptions {
  config: Config;
  logger?: Logger;
  /**
   * A bus to use instead of the one the config names (tests share one in-process bus). It stands
   * in for the whole cluster: the node then opens no Redis connection of its own (no lease, so a
   * `--role simulator` node generates alone; no shared universe), and does not close the bus.
   */
  bus?: Bus;
  /** Per-client unsent-output cap for SSE (default 1 MiB). */
  maxClientBufferBytes?: number;
  /** Rows per replay read (default 500). */
  replayPage?: number;
  distDir?: string;
  now?: () => number;
  /** `--role simulator`: the leader lease's TTL in ms (default 5000; tests make it short). */
  leaseTtlMs?: number;
  /** The open-file limit the connection limits plan for (default: the process's, from /proc). */
  openFileLimit?: number | null;
  /** How long a body an admin route reads may take (default BODY_TIMEOUT_MS, 10 s; tests make it short). */
  bodyTimeoutMs?: number;
}

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

/** What every role is started with. */
interface NodeContext {
  /** With the seed of the path this node continues. */
  config: Config;
  options: ServerOptions;
  /** The Redis this node talks to: null without one, or when `options.bus` stands in for it. */
  redis: string | null;
  log: EventLog;
  logger: Logger;
  now: () => number;
  /** The pipeline's broadcast step: this node's SSE clients. */
  broadcast: (batch: LoggedEvent[]) => void;
  /**
   * Resets every SSE stream to the history `epoch` (a reset event that clears the client's resume
   * point, then the end): a follower does before it starts its log over.
   */
  resetStreams: (epoch: string) => void;
  /** This node's open conflicts with the cluster's history (for /healthz and /metrics). */
  conflicts: Conflicts;
  closers: Closers;
}

/** What a started role hands the HTTP app and the metrics. */
interface RoleNode {
  bus: Bus;
  universe: UniverseView;
  /** Null on a node that never generates. */
  generator: TickGenerator | null;
  /** An edge's wait for a resume point the cluster has and its log not yet. */
  catchUp?: (id: number) => Promise<void>;
  /** Stop what feeds the log (generation, following); the first thing close() does. */
  stop(): void;
}

const START_ROLE: Record<Config['role'], (node: NodeContext) => RoleNode> = { all: startAll, edge: startEdge, simulator: startSimulator };

export async function startServer(options: ServerOptions): Promise<TicktapeServer> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const closers = closerStack();
  try {
    // A generator refuses a log another market model wrote before anything is served from it, and
    // before opening it, which would migrate it out of reach of the ticktape that wrote it.
    const fileProblem = options.config.role === 'edge' ? null : fileModelProblem(options.config.db);
    if (fileProblem !== null) throw new Error(fileProblem);
    const log = openLog({ path: options.config.db, retention: options.config.retention });
    closers.push(() => log.close());
    const modelProblem = options.config.role === 'edge' ? null : logModelProblem(log);
    if (modelProblem !== null) throw new Error(modelProblem);
    const seed =
      options.config.role === 'edge'
        ? { seed: options.config.seed, seedSource: options.config.seedSource }
        : continuedSeed(options.config, log, logger);
    const config = { ...options.config, seed: seed.seed };

    const hub = createHub({ heartbeatMs: config.heartbeat, maxClientBufferBytes: options.maxClientBufferBytes });
    const conflicts = createConflicts(logger);
    const writeLatency = writeLatencyMetric(now);
    // Before anything else opens files: its baseline of open files is the process's own.
    const limits = createConnectionLimits({ maxClients: config.maxClients, maxClientsPerIp: config.maxClientsPerIp, logger, openFileLimit: options.openFileLimit });
    const role = START_ROLE[config.role]({
      config,
      options,
      redis: options.bus ? null : config.redis,
      log,
      logger,
      now,
      broadcast: broadcastTo(hub, writeLatency.observe),
      resetStreams: (epoch) => hub.resetAll(historyResetFrame(log.oldestId(), log.lastId(), epoch)),
      conflicts,
      closers,
    });
    const { bus, generator } = role;
    const metrics = createMetrics({
      log,
      hub,
      bus,
      generated: () => generator?.generated() ?? { tick: 0, quote: 0, status: 0 },
      generating: () => generator?.generating() ?? false,
      writeLatency,
      conflicts,
      refused: () => limits.refused(),
    });
    const app = createApp({
      role: config.role,
      universe: role.universe,
      log,
      bus,
      hub,
      metrics,
      generator,
      adminToken: config.adminToken,
      metricsToken: config.metricsToken,
      corsOrigin: config.corsOrigin,
      frameAncestors: config.frameAncestors,
      distDir: options.distDir ?? DEFAULT_DIST_DIR,
      logger,
      serveStream: config.role !== 'simulator',
      catchUp: role.catchUp,
      replayPage: options.replayPage,
      conflicts,
      admitStream: limits.admitStream,
      bodyTimeoutMs: options.bodyTimeoutMs,
    });

    const httpServer = http.createServer({ ...REQUEST_TIMEOUTS }, app.callback());
    limits.watch(httpServer);
    httpServer.on('clientError', handleClientError);
    closers.push(async () => {
      // Streams first, so they end cleanly rather than with their sockets.
      hub.close();
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      await closed;
    });
    closers.push(() => role.stop());
    await listen(httpServer, config.port, config.host);

    const { port } = httpServer.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let closing: Promise<void> | null = null;
    return {
      url: `http://${host}:${port}`,
      port,
      ...seed,
      log,
      bus,
      close: () => (closing ??= closers.closeAll()),
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}

/**
 * `--role all`: generates, streams and (with Redis) publishes. Also a simulator with no Redis of its
 * own. It is the single generator by configuration, so another writer on its stream is a mistake
 * to report, not a race to win: it stops generating for good, follows the cluster's history (its
 * follower starts over and resets its clients) and reports the conflict until it is restarted.
 */
function startAll(node: NodeContext): RoleNode {
  const { config, log, logger, conflicts } = node;
  let follower: Follower | null = null;
  const bus = openBus(node, {
    source: logSource(log),
    onConflict: (found) => {
      if (follower) return;
      generator.stop();
      conflicts.report(found.reason, { ...found, action: 'stopped generating; following the cluster\'s history' });
      follower = createFollower({ log, bus, logger, pipeline, startingOver: node.resetStreams, conflicts });
      // From what the stream confirmed of ours: the follower compares the rest and starts over.
      follower.start(Math.min(bus.stats().publishedUpTo, log.lastId()));
    },
  });
  const universe = openUniverse(node, 'announce');
  const pipeline = createPipeline({ log, bus, logger, broadcast: node.broadcast });
  const generator = createTickGenerator({ config, log, logger, pipeline, now: node.now });
  generator.start();
  return {
    bus,
    universe,
    generator,
    catchUp: (id) => follower?.catchUp(id) ?? Promise.resolve(),
    stop: () => {
      generator.stop();
      follower?.stop();
    },
  };
}

/** `--role edge`: follows the feed into its own log and serves it, in the cluster's universe. */
function startEdge(node: NodeContext): RoleNode {
  const { log, logger } = node;
  // Its source is empty: even after Redis lost the stream an edge republishes nothing.
  const bus = openBus(node, { source: { readAfter: () => [], lastId: () => 0, epoch: () => log.epoch() } });
  const universe = openUniverse(node, 'adopt');
  const pipeline = createPipeline({ log, bus, logger, broadcast: node.broadcast });
  const follower = createFollower({ log, bus, logger, pipeline, startingOver: node.resetStreams, conflicts: node.conflicts });
  if (node.redis) {
    // An edge's log holds the history too: its claim makes a leader that holds less fork rather
    // than continue ids this edge already served with other ticks.
    const claims = startRestoreClaims({ url: node.redis, nodeId: `edge:${process.pid}:${newEpoch().slice(0, 8)}`, role: 'edge', log });
    node.closers.push(() => claims.close());
  }
  // Its newest tick is checked against the feed's: the stream may hold another history by now.
  follower.start(Math.max(0, log.lastId() - 1));
  return { bus, universe, generator: null, catchUp: follower.catchUp, stop: () => follower.stop() };
}

/** `--role simulator`: competes for the leader lease; generates only while holding it. */
function startSimulator(node: NodeContext): RoleNode {
  const { config, options, redis, log, logger, closers } = node;
  // On a bus that stands in for the cluster (tests) there is no lease to compete for: it is alone.
  if (!redis) return startAll(node);
  const lease = createLease({ url: redis, logger, ttlMs: options.leaseTtlMs });
  // Fenced: the feed takes this node's batches only while Redis names it the lease holder, and it
  // offers them only while leading (not while deciding how to restore a forgotten stream).
  let leading = () => false;
  const bus = openBus(node, { source: logSource(log), fence: { key: lease.key, token: lease.nodeId }, mayWrite: () => leading() });
  const universe = openUniverse(node, 'announce');
  const feedHead = createFeedHead(redis);
  closers.push(() => feedHead.close());
  const pipeline = createPipeline({ log, bus, logger, broadcast: node.broadcast });
  const follower = createFollower({ log, bus, logger, pipeline, startingOver: node.resetStreams, conflicts: node.conflicts });
  const generator = createTickGenerator({ config, log, logger, pipeline, now: node.now, mayGenerate: leaderMayGenerate(lease, bus) });
  const claims = startRestoreClaims({ url: redis, nodeId: lease.nodeId, role: 'simulator', log });
  closers.push(() => claims.close());
  const leadership = startLeadership({ lease, bus, log, logger, generator, follower, feedHead: () => feedHead.state(), claims });
  leading = () => leadership.state() === 'leading';
  closers.push(() => leadership.handOver());
  return { bus, universe, generator, stop: () => leadership.stop() };
}

/** The node's bus: the one given in options, else Redis when configured, else in-process. */
function openBus(node: NodeContext, writing: Pick<RedisBusOptions, 'source' | 'fence' | 'onConflict' | 'mayWrite'>): Bus {
  if (node.options.bus) return node.options.bus;
  const bus = node.redis ? createRedisBus({ url: node.redis, logger: node.logger, ...writing }) : createMemoryBus();
  node.closers.push(() => bus.close());
  return bus;
}

/** Generators announce their universe with the feed; edges serve the one they follow. */
function openUniverse(node: NodeContext, mode: 'announce' | 'adopt'): UniverseView {
  if (!node.redis) return fixedUniverse(node.config.universe);
  const shared = shareUniverse({ url: node.redis, mode, universe: node.config.universe, logger: node.logger });
  node.closers.push(() => shared.close());
  return shared;
}

/** What a generating node's bus replicates: its own log. */
function logSource(log: EventLog): RedisBusOptions['source'] {
  return { readAfter: (after, limit) => log.readAfter(after, null, limit), lastId: () => log.lastId(), epoch: () => log.epoch() };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Everything a node opened, closed in the reverse order: the last opened may use the earlier. */
interface Closers {
  push(close: () => void | Promise<void>): void;
  /** Runs and forgets every closer pushed so far, one at a time. */
  closeAll(): Promise<void>;
}

function closerStack(): Closers {
  const stack: (() => void | Promise<void>)[] = [];
  return {
    push: (close) => void stack.push(close),
    async closeAll() {
      for (let close = stack.pop(); close; close = stack.pop()) await close();
    },
  };
}

// Wires the modules into one ticktape process: log, bus, simulator + scheduler (when this node
// generates), the SSE hub, metrics and the HTTP app. Nothing imports this but main.ts and tests,
// and it holds no global state, so a test can run several servers side by side.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Bus } from './bus/bus.ts';
import { createMemoryBus } from './bus/memory.ts';
import { createRedisBus } from './bus/redis.ts';
import type { Config } from './config.ts';
import { createApp } from './http/app.ts';
import type { GeneratorControl } from './http/admin.ts';
import { openLog } from './log/log.ts';
import type { EventLog } from './log/types.ts';
import { silentLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createScheduler } from './simulator/scheduler.ts';
import { createSimulator } from './simulator/simulator.ts';
import type { Simulator } from './simulator/types.ts';
import { createHub } from './stream/hub.ts';
import type { LoggedTick, Tick } from './types.ts';

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../frontend/dist/', import.meta.url));

/** How long an edge waits for its log to reach a resume point the cluster already has. */
export const EDGE_CATCH_UP_MS = 5000;

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
}

export interface TicktapeServer {
  readonly url: string;
  readonly port: number;
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
  const bus =
    options.bus ??
    (config.redis
      ? createRedisBus({ url: config.redis, logger, source: { readAfter: (after, limit) => log.readAfter(after, null, limit), lastId: () => log.lastId() } })
      : createMemoryBus());
  const hub = createHub({ heartbeatMs: config.heartbeat, maxClientBufferBytes: options.maxClientBufferBytes });

  // Followers wait here for their log to reach an id (edge catch-up).
  const waiters = new Set<() => void>();
  const committed = (batch: LoggedTick[]) => {
    hub.broadcast(batch);
    for (const wake of waiters) wake();
  };

  let generated = 0;
  let generator: (GeneratorControl & { stop(): void }) | null = null;
  let stopFollowing: (() => void) | null = null;

  if (config.role === 'edge') {
    stopFollowing = bus.follow(
      log.lastId(),
      (batch) => {
        const stored = log.appendReplicated(batch);
        if (stored.length > 0) committed(stored);
      },
      (err) => logger('follow.error', { error: err.message }, 'error'),
    );
  } else {
    generator = startGenerator();
  }

  function startGenerator() {
    const simulator = createSimulator({ universe: config.universe, seed: config.seed, intervalMs: config.interval, speed: config.speed });
    resume(simulator, log, logger);
    let lastCheckpoint = simulator.checkpoint();
    let failing = false;

    const scheduler = createScheduler({
      intervalMs: config.interval,
      now,
      onTick: (ts) => {
        const drafts = simulator.step(ts);
        const checkpoint = simulator.checkpoint();
        let batch: LoggedTick[];
        try {
          batch = log.append(drafts, checkpoint);
        } catch (err) {
          // Nothing was committed: rewind so the path stays the one the log will hold.
          simulator.restore(lastCheckpoint);
          if (!failing) logger('log.append_failed', { error: (err as Error).message }, 'error');
          failing = true;
          return;
        }
        if (failing) logger('log.append_recovered', { lastEventId: log.lastId() });
        failing = false;
        lastCheckpoint = checkpoint;
        generated += batch.length;
        // Committed, then streamed locally, then replicated: local-first.
        committed(batch);
        bus.publish(batch);
      },
    });
    scheduler.start();
    return {
      pause: () => scheduler.pause(),
      resume: () => scheduler.resume(),
      shock: (symbol: string, pct: number) => simulator.shock(symbol, pct),
      generating: () => scheduler.generating(),
      stop: () => scheduler.stop(),
    };
  }

  async function catchUp(id: number): Promise<void> {
    const clusterLast = await bus.clusterLastId();
    if (clusterLast === null || id > clusterLast) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (log.lastId() >= id) done();
      };
      const timer = setTimeout(done, EDGE_CATCH_UP_MS);
      waiters.add(check);
      check();
    });
  }

  const metrics = createMetrics({ log, hub, bus, generated: () => generated, generating: () => generator?.generating() ?? false });
  const app = createApp({
    role: config.role,
    universe: config.universe,
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
    generator?.stop();
    stopFollowing?.();
    hub.close();
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
    log,
    bus,
    close() {
      closing ??= (async () => {
        // The scheduler's batches are synchronous, so once it is stopped none is in flight.
        generator?.stop();
        stopFollowing?.();
        hub.close();
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeAllConnections();
        await closed;
        if (!options.bus) await bus.close();
        log.close();
      })();
      return closing;
    },
  };
}

/** Continue the simulated path where the log ends: exactly from a checkpoint, else from the newest ticks. */
function resume(simulator: Simulator, log: EventLog, logger: Logger): void {
  const checkpoint = log.checkpoint();
  if (checkpoint !== undefined) {
    simulator.restore(checkpoint);
    logger('simulator.resumed', { from: 'checkpoint', lastEventId: log.lastId() });
  } else if (log.lastId() > 0) {
    simulator.resumeFromTicks(log.latest().map((t) => JSON.parse(t.json) as Tick));
    logger('simulator.resumed', { from: 'ticks', lastEventId: log.lastId() });
  }
}

// The generator: a simulated path on a clock. Each slot of the scheduler sends one batch through
// the pipeline; the generator itself only decides when (started, not paused, allowed) and keeps
// the path. Roles decide whether a node runs one (cluster/leadership.ts starts and stops it).
import type { Config } from '../config.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Logger } from '../logger.ts';
import { createScheduler } from '../simulator/scheduler.ts';
import { createMarketSimulator } from '../simulator/market.ts';
import { resumeFromLog } from './checkpoint.ts';
import { NotGeneratingError, type GeneratorControl } from './control.ts';
import type { GeneratedPath, Pipeline } from './pipeline.ts';
import type { MarketEventKind } from '../types.ts';

export interface TickGenerator extends GeneratorControl {
  /** Continue the path from the log and start the clock (unless an admin paused this node). */
  start(): void;
  /** Stop the clock; the next start() resumes from the log again. */
  stop(): void;
  /** Events of each kind this process generated and committed. */
  generated(): Readonly<Record<MarketEventKind, number>>;
}

export interface TickGeneratorDeps {
  /** `seed` is the one the path continues (see continuedSeed), not necessarily the configured one. */
  config: Pick<Config, 'role' | 'universe' | 'seed' | 'interval' | 'speed' | 'hours' | 'startDate' | 'maxEventsPerSecond'>;
  log: EventLog;
  logger: Logger;
  pipeline: Pipeline;
  now: () => number;
  /** Asked before every batch; false skips it (a lease about to lapse, Redis down). */
  mayGenerate?: () => boolean;
}

export function createTickGenerator(deps: TickGeneratorDeps): TickGenerator {
  const { config, log, logger, pipeline } = deps;
  /** The path while started; null while stopped. */
  let path: GeneratedPath | null = null;
  let paused = false;
  const generated: Record<MarketEventKind, number> = { tick: 0, quote: 0, status: 0 };

  const scheduler = createScheduler({
    intervalMs: config.interval,
    now: deps.now,
    onTick: (ts) => {
      if (!path || (deps.mayGenerate && !deps.mayGenerate())) return;
      const batch = pipeline.stepBatch(path, ts);
      if (batch) for (const event of batch) generated[event.kind]++;
    },
  });

  return {
    start() {
      if (path) return;
      const simulator = createMarketSimulator({
        universe: config.universe,
        seed: config.seed,
        intervalMs: config.interval,
        speed: config.speed,
        maxEventsPerSecond: config.maxEventsPerSecond,
        hours: config.hours,
        startDate: config.startDate,
      });
      resumeFromLog(simulator, log, logger);
      path = { simulator, seed: config.seed, committed: simulator.checkpoint() };
      if (!paused) scheduler.start();
    },
    stop() {
      scheduler.stop();
      path = null;
    },
    // Admin controls act on this node. A pause outlives leadership changes: a paused standby that
    // takes over holds the lease without generating until resumed.
    pause() {
      paused = true;
      scheduler.pause();
    },
    resume() {
      paused = false;
      if (!path) return;
      scheduler.resume();
      scheduler.start();
    },
    shock(symbol, pct) {
      if (!path) throw new NotGeneratingError(`${config.role} (standby)`);
      path.simulator.shock(symbol, pct);
    },
    generating: () => path !== null && scheduler.generating(),
    generated: () => generated,
  };
}

// A log built ahead of a test (or benchmark) with the real market model, much faster than letting a
// server generate it.
import { openLog } from '../../log/log.ts';
import { tagCheckpoint } from '../../pipeline/checkpoint.ts';
import { createMarket, eventsPerStep, marketStepSeconds } from '../../simulator/market.ts';
import type { SymbolSpec } from '../../types.ts';

/**
 * Fills a log file with `steps` batches from the real market model (20 ms steps at speed 60, 50 events
 * a step at most), with tagged checkpoints, the way a server would have;
 * returns the number of events written.
 */
export function buildLog(file: string, universe: SymbolSpec[], steps: number, seed = 1): number {
  const log = openLog({ path: file, retention: 1_000_000 });
  const market = createMarket({
    universe,
    seed,
    stepSeconds: marketStepSeconds(20, 60),
    // The default budget at the default 500 ms interval: every symbol reports every step.
    maxEventsPerStep: eventsPerStep(100, 500),
    hours: 'regular',
    startDate: '2026-01-05',
  });
  const start = Date.now() - steps * 20;
  try {
    for (let i = 0; i < steps; i++) {
      const drafts = market.step(start + i * 20);
      log.append(drafts, tagCheckpoint(log.lastId() + drafts.length, market.checkpoint(), seed));
    }
    return log.lastId();
  } finally {
    log.close();
  }
}

// A log built ahead of a test (or benchmark) with the real simulator, much faster than letting a
// server generate it.
import { openLog } from '../../log/log.ts';
import { createSimulator } from '../../simulator/simulator.ts';
import type { SymbolSpec } from '../../types.ts';

/**
 * Fills a log file with `steps` batches from the real simulator (one tick per symbol each), with
 * checkpoints, the way a server would have; returns the number of ticks written.
 */
export function buildLog(file: string, universe: SymbolSpec[], steps: number, seed = 1): number {
  const log = openLog({ path: file, retention: 1_000_000 });
  const simulator = createSimulator({ universe, seed, intervalMs: 20, speed: 60 });
  const start = Date.now() - steps * 20;
  try {
    for (let i = 0; i < steps; i++) {
      const drafts = simulator.step(start + i * 20);
      log.append(drafts, simulator.checkpoint());
    }
    return log.lastId();
  } finally {
    log.close();
  }
}

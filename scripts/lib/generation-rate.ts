// How fast market model v2 generates in-process: alone, with a checkpoint every batch, or carried
// into a temp SQLite log the way the pipeline does it (append of each batch with its tagged
// checkpoint, one transaction a batch). Shared by `npm run bench -- generation` and `npm run realism`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLog } from '../../backend/log/log.ts';
import { tagCheckpoint } from '../../backend/pipeline/checkpoint.ts';
import { createMarket, marketStepSeconds } from '../../backend/simulator/market.ts';
import { BUILTIN_UNIVERSE } from '../../backend/simulator/universe.ts';

export type GenerationMode = 'model' | 'checkpoint' | 'log';

/** Events per second over `events` events of the built-in universe (seed 1, 500 ms × speed 60). */
export function generationRate(perBatch: number, mode: GenerationMode, events: number): { rate: number; eventsPerBatch: number } {
  const market = createMarket({
    universe: BUILTIN_UNIVERSE,
    seed: 1,
    stepSeconds: marketStepSeconds(500, 60),
    maxEventsPerStep: perBatch,
    hours: 'regular',
    startDate: '2026-01-05',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticktape-bench-gen-'));
  const log = mode === 'log' ? openLog({ path: path.join(dir, 'gen.db'), retention: 10_000_000 }) : null;
  try {
    let generated = 0;
    let batches = 0;
    const t0 = performance.now();
    while (generated < events) {
      const drafts = market.step(1_800_000_000_000 + batches);
      const state = mode === 'model' ? '' : market.checkpoint();
      if (log) log.append(drafts, tagCheckpoint(log.lastId() + drafts.length, state, 1));
      generated += drafts.length;
      batches++;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { rate: generated / seconds, eventsPerBatch: generated / batches };
  } finally {
    log?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

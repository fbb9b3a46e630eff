// Generation: how many events per second the market model makes in-process, alone and carried into
// the SQLite log the way the pipeline does it (append with the tagged checkpoint, one transaction a
// batch). The aim is 200,000 events/s with the log: generation must never be what limits
// the feed. Batch sizes: the default bound (100 events/s at 500 ms: 50 a batch) and larger ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLog } from '../../backend/log/log.ts';
import { tagCheckpoint } from '../../backend/pipeline/checkpoint.ts';
import { createMarket, marketStepSeconds } from '../../backend/simulator/market.ts';
import { BUILTIN_UNIVERSE } from '../../backend/simulator/universe.ts';
import { heading, int, table } from './report.ts';

/** Events per batch (the model's per-step budget). */
const BATCHES = [50, 500, 5000];
/** Events generated per measurement. */
const EVENTS = 400_000;

export async function benchGeneration(): Promise<void> {
  heading(
    'Generation (in-process)',
    [
      `market model v2, 12 built-in symbols, seed 1, interval 500 ms × speed 60, ${int(EVENTS)} events per row;`,
      'model: step() alone; + checkpoint: step() and checkpoint() every batch; + log: the pipeline\'s',
      'append of each batch with its tagged checkpoint to a temp SQLite file (WAL, synchronous=NORMAL).',
    ].join('\n'),
  );
  const rows: string[][] = [];
  for (const perBatch of BATCHES) {
    const model = run(perBatch, 'model');
    const checkpointed = run(perBatch, 'checkpoint');
    const logged = run(perBatch, 'log');
    rows.push([int(perBatch), int(model.eventsPerBatch), int(model.rate), int(checkpointed.rate), int(logged.rate)]);
  }
  table(['budget/batch', 'events/batch', 'model events/s', '+ checkpoint events/s', '+ log events/s'], rows);
}

function run(perBatch: number, mode: 'model' | 'checkpoint' | 'log'): { rate: number; eventsPerBatch: number } {
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
    let events = 0;
    let batches = 0;
    const t0 = performance.now();
    while (events < EVENTS) {
      const drafts = market.step(1_800_000_000_000 + batches);
      const state = mode === 'model' ? '' : market.checkpoint();
      if (log) log.append(drafts, tagCheckpoint(log.lastId() + drafts.length, state, 1));
      events += drafts.length;
      batches++;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { rate: events / seconds, eventsPerBatch: events / batches };
  } finally {
    log?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

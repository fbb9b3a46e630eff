// Generation: how many events per second the market model makes in-process, alone and carried into
// the SQLite log the way the pipeline does it (append with the tagged checkpoint, one transaction a
// batch). The aim is 200,000 events/s with the log: generation must never be what limits
// the feed. Batch sizes: the default bound (100 events/s at 500 ms: 50 a batch) and larger ones.
import { generationRate } from '../lib/generation-rate.ts';
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
    const model = generationRate(perBatch, 'model', EVENTS);
    const checkpointed = generationRate(perBatch, 'checkpoint', EVENTS);
    const logged = generationRate(perBatch, 'log', EVENTS);
    rows.push([int(perBatch), int(model.eventsPerBatch), int(model.rate), int(checkpointed.rate), int(logged.rate)]);
  }
  table(['budget/batch', 'events/batch', 'model events/s', '+ checkpoint events/s', '+ log events/s'], rows);
}

// One batch's trip through the pipeline, on a real SQLite log and the in-process bus: a generated
// batch is committed (with its tagged checkpoint) before this node's clients see it, and they see it
// before the bus does; a failed append rewinds the path and nothing is broadcast or published; a
// followed batch is stored and broadcast once, and never published again.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Bus } from '../../bus/bus.ts';
import { createMemoryBus } from '../../bus/memory.ts';
import { openLog } from '../../log/log.ts';
import type { EventLog } from '../../log/event-log.ts';
import { checkpointSeed } from '../../pipeline/checkpoint.ts';
import { createPipeline, type GeneratedPath, type Pipeline } from '../../pipeline/pipeline.ts';
import { createSimulator } from '../../simulator/simulator.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import type { LoggedEvent, TickDraft } from '../../types.ts';
import { createCollector, createRecordingLogger } from '../bus/fixtures.ts';
import { tempDir } from '../helpers/server.ts';
import { withRawDb } from '../log/fixtures/log-fixtures.ts';

const UNIVERSE = BUILTIN_UNIVERSE.filter((s) => s.symbol === 'AAPL' || s.symbol === 'MSFT');
const SEED = 7;
const T0 = 1_763_920_000_000;

interface Trip {
  log: EventLog;
  file: string;
  bus: Bus;
  pipeline: Pipeline;
  /** What happened, in order: `broadcast 1-2 (log at 2)`, `publish 1-2 (log at 2)`. */
  steps: string[];
  recorder: ReturnType<typeof createRecordingLogger>;
}

function newTrip(): Trip {
  const file = path.join(tempDir('ticktape-pipeline-'), 'ticks.db');
  const log = openLog({ path: file, retention: 1000 });
  const memory = createMemoryBus();
  const steps: string[] = [];
  const seen = (what: string, batch: LoggedEvent[]) =>
    steps.push(`${what} ${batch[0].id}-${batch[batch.length - 1].id} (log at ${log.lastId()})`);
  const bus: Bus = {
    ...memory,
    publish(batch) {
      seen('publish', batch);
      memory.publish(batch);
    },
  };
  const recorder = createRecordingLogger();
  const pipeline = createPipeline({ log, bus, logger: recorder.logger, broadcast: (batch) => seen('broadcast', batch) });
  return { log, file, bus, pipeline, steps, recorder };
}

function newPath(): GeneratedPath {
  const simulator = createSimulator({ universe: UNIVERSE, seed: SEED, intervalMs: 20, speed: 60 });
  return { simulator, seed: SEED, committed: simulator.checkpoint() };
}

/** A logged tick as the draft it was made from (the log adds the id). */
function asDraft(tick: LoggedEvent): TickDraft {
  const { id: _id, ...draft } = JSON.parse(tick.json) as TickDraft & { id: number };
  return draft;
}

test('a generated batch is committed, then broadcast to this node, then published', async () => {
  const { log, bus, pipeline, steps } = newTrip();
  const followed = createCollector();
  bus.follow(0, followed.handler, followed.onError);
  const trip = newPath();

  const first = pipeline.stepBatch(trip, T0);
  const second = pipeline.stepBatch(trip, T0 + 20);

  assert.equal(first?.map((t) => t.id), [1, 2]);
  assert.equal(second?.map((t) => t.id), [3, 4]);
  assert.equal(steps, ['broadcast 1-2 (log at 2)', 'publish 1-2 (log at 2)', 'broadcast 3-4 (log at 4)', 'publish 3-4 (log at 4)']);
  assert.equal(log.readAfter(0, null, 10), [...first!, ...second!], 'what was broadcast is what the log holds');
  assert.is(checkpointSeed(log), SEED, 'the checkpoint committed with the batch is tagged with its last id and seed');
  assert.is(trip.committed, trip.simulator.checkpoint(), 'the path knows its committed state');
  await Promise.resolve();
  assert.equal(followed.ids, [1, 2, 3, 4], 'the bus replicated both batches');
  log.close();
});

test('a failed append rewinds the path: nothing broadcast or published, the retry is the same batch', () => {
  const { log, file, pipeline, steps, recorder } = newTrip();
  const trip = newPath();
  const reference = createSimulator({ universe: UNIVERSE, seed: SEED, intervalMs: 20, speed: 60 });
  reference.step(T0);
  const expected = reference.step(T0 + 20);

  pipeline.stepBatch(trip, T0);
  // Behind the log's back, on its own connection: the next batch's first row fails.
  withRawDb(file, (db) => db.exec(`CREATE TRIGGER fail_id_3 BEFORE INSERT ON ticks WHEN NEW.id = 3 BEGIN SELECT RAISE(ABORT, 'disk says no'); END`));
  assert.is(pipeline.stepBatch(trip, T0 + 20), null);
  assert.is(pipeline.stepBatch(trip, T0 + 20), null);
  assert.is(log.lastId(), 2);
  assert.equal(steps, ['broadcast 1-2 (log at 2)', 'publish 1-2 (log at 2)'], 'a failed batch reaches no one');
  assert.is(recorder.count('log.append_failed'), 1, 'a failing log is reported once');

  withRawDb(file, (db) => db.exec('DROP TRIGGER fail_id_3'));
  const retried = pipeline.stepBatch(trip, T0 + 20)!;
  assert.equal(retried.map(asDraft), expected, 'the path did not move on while the log refused it');
  assert.equal(steps.slice(2), ['broadcast 3-4 (log at 4)', 'publish 3-4 (log at 4)']);
  assert.is(recorder.count('log.append_recovered'), 1);
  log.close();
});

test('a followed batch is stored and broadcast once, never published; what the log has is not broadcast again', () => {
  const { log, bus, pipeline, steps } = newTrip();
  const trip = newPath();
  // Ticks another node generated: a pipeline of its own, on its own log.
  const other = newTrip();
  const batches = [other.pipeline.stepBatch(trip, T0)!, other.pipeline.stepBatch(trip, T0 + 20)!];

  assert.equal(pipeline.storeFollowed(batches[0]).map((t) => t.id), [1, 2]);
  assert.equal(pipeline.storeFollowed([...batches[0], ...batches[1]]).map((t) => t.id), [3, 4], 'the overlap is skipped');
  assert.equal(pipeline.storeFollowed(batches[1]), [], 'nothing new');
  assert.equal(steps, ['broadcast 1-2 (log at 2)', 'broadcast 3-4 (log at 4)']);
  assert.is(bus.stats().published, 0);
  assert.equal(log.readAfter(0, null, 10), [...batches[0], ...batches[1]]);
  log.close();
  other.log.close();
});

test.run();

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
import { createMarket, eventsPerStep, marketStepSeconds } from '../../simulator/market.ts';
import type { Simulator } from '../../simulator/types.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import type { LoggedEvent, MarketEventDraft } from '../../types.ts';
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

/** The market model as tick-generator.ts creates it: 20 ms batches at speed 60, the default budget at 500 ms. */
function newMarket(): Simulator {
  return createMarket({
    universe: UNIVERSE,
    seed: SEED,
    stepSeconds: marketStepSeconds(20, 60),
    maxEventsPerStep: eventsPerStep(100, 500),
    hours: 'regular',
    startDate: '2026-01-05',
  });
}

function newPath(): GeneratedPath {
  const simulator = newMarket();
  return { simulator, seed: SEED, committed: simulator.checkpoint() };
}

/** A logged event as the draft it was made from (the log adds the id). */
function asDraft(event: LoggedEvent): MarketEventDraft {
  const { id: _id, ...draft } = JSON.parse(event.json) as MarketEventDraft & { id: number };
  return draft;
}

/** `from-to` of a batch of ids. */
const span = (batch: LoggedEvent[]) => `${batch[0].id}-${batch[batch.length - 1].id}`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('a generated batch is committed, then broadcast to this node, then published', async () => {
  const { log, bus, pipeline, steps } = newTrip();
  const followed = createCollector();
  bus.follow(0, followed.handler, followed.onError);
  const trip = newPath();

  const first = pipeline.stepBatch(trip, T0)!;
  const second = pipeline.stepBatch(trip, T0 + 20)!;
  // A batch is a step's events of every kind (trades, quotes, and a status at a session change).
  const [n1, n2] = [first.length, second.length];
  assert.ok(n1 > 1 && n2 > 1, `batches of ${n1} and ${n2} events`);

  assert.equal(first.map((t) => t.id), range(1, n1));
  assert.equal(second.map((t) => t.id), range(n1 + 1, n1 + n2));
  const last = n1 + n2;
  assert.equal(steps, [`broadcast ${span(first)} (log at ${n1})`, `publish ${span(first)} (log at ${n1})`, `broadcast ${span(second)} (log at ${last})`, `publish ${span(second)} (log at ${last})`]);
  assert.equal(log.readAfter(0, null, 1000), [...first, ...second], 'what was broadcast is what the log holds');
  assert.is(checkpointSeed(log), SEED, 'the checkpoint committed with the batch is tagged with its last id and seed');
  assert.is(trip.committed, trip.simulator.checkpoint(), 'the path knows its committed state');
  await Promise.resolve();
  assert.equal(followed.ids, range(1, last), 'the bus replicated both batches');
  log.close();
});

test('a failed append rewinds the path: nothing broadcast or published, the retry is the same batch', () => {
  const { log, file, pipeline, steps, recorder } = newTrip();
  const trip = newPath();
  const reference = newMarket();
  reference.step(T0);
  const expected = reference.step(T0 + 20);

  const first = pipeline.stepBatch(trip, T0)!;
  const n1 = first.length;
  // Behind the log's back, on its own connection: the next batch's first row fails.
  withRawDb(file, (db) => db.exec(`CREATE TRIGGER fail_next BEFORE INSERT ON ticks WHEN NEW.id = ${n1 + 1} BEGIN SELECT RAISE(ABORT, 'disk says no'); END`));
  assert.is(pipeline.stepBatch(trip, T0 + 20), null);
  assert.is(pipeline.stepBatch(trip, T0 + 20), null);
  assert.is(log.lastId(), n1);
  assert.equal(steps, [`broadcast 1-${n1} (log at ${n1})`, `publish 1-${n1} (log at ${n1})`], 'a failed batch reaches no one');
  assert.is(recorder.count('log.append_failed'), 1, 'a failing log is reported once');

  withRawDb(file, (db) => db.exec('DROP TRIGGER fail_next'));
  const retried = pipeline.stepBatch(trip, T0 + 20)!;
  assert.equal(retried.map(asDraft), expected, 'the path did not move on while the log refused it');
  const last = n1 + expected.length;
  assert.equal(steps.slice(2), [`broadcast ${n1 + 1}-${last} (log at ${last})`, `publish ${n1 + 1}-${last} (log at ${last})`]);
  assert.is(recorder.count('log.append_recovered'), 1);
  log.close();
});

test('a followed batch is stored and broadcast once, never published; what the log has is not broadcast again', () => {
  const { log, bus, pipeline, steps } = newTrip();
  const trip = newPath();
  // Events another node generated: a pipeline of its own, on its own log.
  const other = newTrip();
  const batches = [other.pipeline.stepBatch(trip, T0)!, other.pipeline.stepBatch(trip, T0 + 20)!];

  const [n1, last] = [batches[0].length, batches[0].length + batches[1].length];

  assert.equal(pipeline.storeFollowed(batches[0]).map((t) => t.id), range(1, n1));
  assert.equal(pipeline.storeFollowed([...batches[0], ...batches[1]]).map((t) => t.id), range(n1 + 1, last), 'the overlap is skipped');
  assert.equal(pipeline.storeFollowed(batches[1]), [], 'nothing new');
  assert.equal(steps, [`broadcast 1-${n1} (log at ${n1})`, `broadcast ${n1 + 1}-${last} (log at ${last})`]);
  assert.is(bus.stats().published, 0);
  assert.equal(log.readAfter(0, null, 1000), [...batches[0], ...batches[1]]);
  log.close();
  other.log.close();
});

test.run();

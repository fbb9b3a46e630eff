// The follower on its own, on a real SQLite log and the in-process bus: it keeps the log a copy of
// the feed and starts over (streams ended, log cleared, followed again from the feed's oldest tick)
// when the feed contradicts a tick the log holds or no longer holds the next one; a fresh log joins
// a trimmed feed where it starts. waitForLog answers once the log holds an id, or at its deadline.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Bus } from '../../bus/bus.ts';
import { createMemoryBus } from '../../bus/memory.ts';
import { createFollower, type Follower } from '../../cluster/follower.ts';
import { openLog } from '../../log/log.ts';
import type { EventLog } from '../../log/event-log.ts';
import { createPipeline } from '../../pipeline/pipeline.ts';
import type { LoggedEvent } from '../../types.ts';
import { createRecordingLogger, makeEvent } from '../bus/fixtures.ts';
import { waitUntil } from '../helpers/http.ts';
import { tempDir } from '../helpers/server.ts';

interface Node {
  log: EventLog;
  follower: Follower;
  /** Batches broadcast to this node's clients. */
  broadcast: LoggedEvent[][];
  /** Times the follower ended the streams before clearing the log. */
  streamsEnded: () => number;
  recorder: ReturnType<typeof createRecordingLogger>;
}

function followerOn(bus: Bus): Node {
  const log = openLog({ path: path.join(tempDir('ticktape-follower-'), 'ticks.db'), retention: 1000 });
  const broadcast: LoggedEvent[][] = [];
  let ended = 0;
  const recorder = createRecordingLogger();
  const pipeline = createPipeline({ log, bus, logger: recorder.logger, broadcast: (batch) => broadcast.push(batch) });
  const follower = createFollower({ log, bus, logger: recorder.logger, pipeline, startingOver: () => ended++ });
  return { log, follower, broadcast, streamsEnded: () => ended, recorder };
}

const ticks = (from: number, to: number, writer: string): LoggedEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => makeEvent(from + i, writer));
const jsonOf = (log: EventLog) => log.readAfter(0, null, 100).map((t) => t.json);

test('a log holding ticks the feed contradicts starts over and copies the feed from its oldest tick', async () => {
  const bus = createMemoryBus();
  bus.publish(ticks(1, 5, 'new-leader'));
  const node = followerOn(bus);
  // A demoted leader's tail: ids 2 and 3 were never confirmed in the feed, which has others there.
  node.log.appendReplicated([...ticks(1, 1, 'new-leader'), ...ticks(2, 3, 'old-leader')]);

  node.follower.start(1);
  await waitUntil(() => node.log.lastId() === 5 || undefined, 'the log to hold the feed');

  assert.equal(jsonOf(node.log), ticks(1, 5, 'new-leader').map((t) => t.json));
  assert.is(node.follower.startOvers(), 1);
  assert.is(node.streamsEnded(), 1, 'the streams reading the old log were ended first');
  const [entry] = node.recorder.entries.filter((e) => e.event === 'follow.start_over');
  assert.equal([entry.fields.reason, entry.fields.wantedId, entry.level], ['diverged', 2, 'error']);
  node.follower.stop();
  node.log.close();
});

test('a feed trimmed past the log starts it over; an empty log joins the feed where it starts', async () => {
  const bus = createMemoryBus({ capacity: 3 });
  bus.publish(ticks(1, 6, 'leader'));
  const node = followerOn(bus);
  node.log.appendReplicated(ticks(1, 2, 'leader'));

  node.follower.start();
  await waitUntil(() => node.log.lastId() === 6 || undefined, 'the log to reach the feed');

  assert.equal(jsonOf(node.log), ticks(4, 6, 'leader').map((t) => t.json), 'no hole: the log starts where the feed does');
  assert.is(node.follower.startOvers(), 1);
  assert.equal(node.recorder.entries.map((e) => e.event), ['follow.start_over', 'follow.joined']);
  node.follower.stop();
  node.log.close();
});

test('followed batches are broadcast as stored, and following again broadcasts nothing twice', async () => {
  const bus = createMemoryBus();
  const node = followerOn(bus);
  node.follower.start();
  bus.publish(ticks(1, 2, 'leader'));
  bus.publish(ticks(3, 3, 'leader'));
  await waitUntil(() => node.log.lastId() === 3 || undefined, 'the log to follow');
  node.follower.start(0);
  bus.publish(ticks(4, 4, 'leader'));
  await waitUntil(() => node.log.lastId() === 4 || undefined, 'the log to follow again');

  assert.equal(node.broadcast.flat().map((t) => t.id), [1, 2, 3, 4]);
  assert.is(node.follower.startOvers(), 0, 'an overlap with the same bytes is no contradiction');
  node.follower.stop();
  assert.is(node.follower.following(), false);
  node.log.close();
});

test('waitForLog: true once the log holds the id, false when the deadline passes first', async () => {
  const bus = createMemoryBus();
  const node = followerOn(bus);
  node.follower.start();
  const reached = node.follower.waitForLog(2, 60_000);
  bus.publish(ticks(1, 2, 'leader'));
  assert.is(await reached, true);
  assert.is(await node.follower.waitForLog(2, 0), true, 'already there');
  assert.is(await node.follower.waitForLog(3, 1), false);
  node.follower.stop();
  node.log.close();
});

test.run();

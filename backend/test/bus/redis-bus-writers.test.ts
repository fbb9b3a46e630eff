// The append script's guard: the stream only grows by the batch that continues it.
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import type { Bus } from '../../bus/bus.ts';
import { createRedisBus } from '../../bus/redis.ts';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';
import { createArraySource, createCollector, createRecordingLogger, range, waitFor } from './fixtures.ts';

const test = redisSuite('redis bus with two writers');

/** A bus that has connected and read where the (empty) stream ends. */
async function connected(bus: Bus): Promise<Bus> {
  await waitFor('bus up', () => bus.state() === 'up');
  // clusterLastId goes through the same connection, after the bus's own resync request.
  await bus.clusterLastId();
  return bus;
}

test("a second writer's batch that does not continue the stream is refused whole and the stream stays intact", async () => {
  const redis = await startRedis();
  const sourceA = createArraySource('a');
  const sourceB = createArraySource('b');
  const logB = createRecordingLogger();
  const busA = createRedisBus({ url: redis.url, source: sourceA, logger: () => {} });
  const busB = await connected(createRedisBus({ url: redis.url, source: sourceB, logger: logB.logger }));
  const raw = new Redis(redis.url);
  try {
    busA.publish(sourceA.append(10));
    await waitFor('A to publish 1..10', () => busA.stats().publishedUpTo === 10);
    // B still believes the stream is empty, and has different ticks 1..3.
    busB.publish(sourceB.append(3));
    await waitFor('B to be refused', () => busB.stats().publishErrors === 1);
    assert.is(busB.stats().published, 0);
    assert.is(logB.count('redis.conflict'), 1);

    // A carries on as if nothing happened.
    busA.publish(sourceA.append(5));
    await waitFor('A to publish 11..15', () => busA.stats().publishedUpTo === 15);
    assert.equal(busA.stats(), { published: 15, publishErrors: 0, publishedUpTo: 15 });

    const entries = await raw.xrange('ticktape:ticks', '-', '+');
    assert.equal(
      entries.map(([id]) => id),
      range(1, 15).map((id) => `${id}-0`),
    );
    assert.ok(entries.every(([id, fields]) => fields[3] === sourceA.ticks[Number(id.split('-')[0]) - 1].json), "only A's bytes are in the stream");
    const follower = createCollector();
    busB.follow(0, follower.handler, follower.onError);
    await waitFor('follower to read 15', () => follower.ids.length >= 15);
    assert.equal(follower.ids, range(1, 15));
  } finally {
    raw.disconnect();
    await Promise.all([busA.close(), busB.close()]);
    await redis.stop();
  }
});

test('a batch already in the stream with the same bytes (a retry whose first reply was lost) counts as published', async () => {
  const redis = await startRedis();
  // Two publishers with identical logs: B's write of 1..8 arrives after A's, exactly like a retry of
  // a write that went in but whose reply never came back.
  const sourceA = createArraySource('same');
  const sourceB = createArraySource('same');
  const logB = createRecordingLogger();
  const busA = createRedisBus({ url: redis.url, source: sourceA, logger: () => {} });
  const busB = await connected(createRedisBus({ url: redis.url, source: sourceB, logger: logB.logger }));
  const raw = new Redis(redis.url);
  try {
    busA.publish(sourceA.append(8));
    await waitFor('A to publish 1..8', () => busA.stats().publishedUpTo === 8);
    busB.publish(sourceB.append(8));
    await waitFor('B to confirm 8', () => busB.stats().publishedUpTo === 8);
    assert.equal(busB.stats(), { published: 8, publishErrors: 0, publishedUpTo: 8 });
    assert.is(logB.count('redis.conflict'), 0);
    assert.is(await raw.xlen('ticktape:ticks'), 8, 'nothing was written twice');
  } finally {
    raw.disconnect();
    await Promise.all([busA.close(), busB.close()]);
    await redis.stop();
  }
});

test.run();

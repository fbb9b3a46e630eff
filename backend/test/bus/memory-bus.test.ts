import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FeedGapError } from '../../bus/feed-gap-error.ts';
import { createMemoryBus } from '../../bus/memory.ts';
import { createArraySource, createCollector, range, settle } from './fixtures.ts';

test('a follower starting in the past gets the retained ticks, then live ones, in order', async () => {
  const bus = createMemoryBus();
  const source = createArraySource();
  for (let i = 0; i < 5; i++) bus.publish(source.append(3));
  const follower = createCollector();
  bus.follow(4, follower.handler, follower.onError);
  await settle();
  assert.equal(follower.ids, range(5, 15));
  bus.publish(source.append(4));
  bus.publish(source.append(1));
  await settle();
  assert.equal(follower.ids, range(5, 20));
  assert.equal(follower.errors, []);
  assert.equal(await bus.clusterLastId(), 20);
  assert.equal(bus.stats(), { published: 20, publishErrors: 0, publishedUpTo: 20 });
  await bus.close();
});

test('delivery runs on a microtask after publish returns, never inside it', async () => {
  const bus = createMemoryBus();
  const source = createArraySource();
  const follower = createCollector();
  bus.follow(0, follower.handler);
  bus.publish(source.append(2));
  assert.equal(follower.ids, [], 'nothing is delivered on the publisher stack');
  await settle();
  assert.equal(follower.ids, [1, 2]);
  await bus.close();
});

test('several followers each get every id once, whatever the interleaving of follow and publish', async () => {
  const bus = createMemoryBus();
  const source = createArraySource();
  const early = createCollector();
  const late = createCollector();
  bus.follow(0, early.handler);
  bus.publish(source.append(5));
  bus.follow(2, late.handler); // registered while the first delivery is still queued
  bus.publish(source.append(5));
  await settle();
  bus.publish(source.append(5));
  await settle();
  assert.equal(early.ids, range(1, 15));
  assert.equal(late.ids, range(3, 15));
  await bus.close();
});

test('a follower that needs ids already pushed out of the ring hears a FeedGapError and nothing else', async () => {
  const bus = createMemoryBus({ capacity: 10 });
  const source = createArraySource();
  for (let i = 0; i < 6; i++) bus.publish(source.append(5)); // ids 1..30, ring holds 21..30
  const behind = createCollector();
  const inside = createCollector();
  bus.follow(5, behind.handler, behind.onError);
  bus.follow(20, inside.handler, inside.onError);
  await settle();
  assert.equal(behind.ids, []);
  assert.is(behind.errors.length, 1);
  assert.instance(behind.errors[0], FeedGapError);
  assert.is((behind.errors[0] as FeedGapError).wantedId, 6);
  assert.is((behind.errors[0] as FeedGapError).availableId, 21);
  assert.equal(inside.ids, range(21, 30));
  // The failed follower is stopped: later ticks do not reach it.
  bus.publish(source.append(1));
  await settle();
  assert.equal(behind.ids, []);
  assert.equal(inside.ids, range(21, 31));
  await bus.close();
});

test('a follower overtaken by the ring between deliveries hears a FeedGapError', async () => {
  const bus = createMemoryBus({ capacity: 4 });
  const source = createArraySource();
  const follower = createCollector();
  bus.follow(0, follower.handler, follower.onError);
  bus.publish(source.append(2));
  await settle();
  // Ten ticks in one task: the ring drops 3..8 before the follower's next delivery.
  for (let i = 0; i < 5; i++) bus.publish(source.append(2));
  await settle();
  assert.equal(follower.ids, [1, 2]);
  assert.is(follower.errors.length, 1);
  assert.instance(follower.errors[0], FeedGapError);
  await bus.close();
});

test('a batch at or below the newest id (a second writer) is refused whole and changes nothing', async () => {
  const bus = createMemoryBus();
  const source = createArraySource();
  const other = createArraySource('b');
  const follower = createCollector();
  bus.follow(0, follower.handler);
  bus.publish(source.append(5));
  bus.publish(other.append(7).slice(3)); // ids 4..7 from another writer
  bus.publish(source.append(2)); // 6..7 continue the feed
  await settle();
  assert.equal(follower.ids, range(1, 7));
  assert.ok(follower.ticks.every((tick) => tick.json === source.ticks[tick.id - 1].json));
  assert.equal(bus.stats(), { published: 7, publishErrors: 1, publishedUpTo: 7 });
  await bus.close();
});

test('a handler that throws is stopped and told why; other followers carry on', async () => {
  const bus = createMemoryBus();
  const source = createArraySource();
  const healthy = createCollector();
  const errors: Error[] = [];
  let calls = 0;
  bus.follow(
    0,
    () => {
      calls++;
      throw new Error('disk full');
    },
    (err) => errors.push(err),
  );
  bus.follow(0, healthy.handler);
  bus.publish(source.append(3));
  await settle();
  bus.publish(source.append(3));
  await settle();
  assert.is(calls, 1);
  assert.equal(errors.map((err) => err.message), ['disk full']);
  assert.equal(healthy.ids, range(1, 6));
  await bus.close();
});

test('stop() ends one follower; close() ends all and publish becomes a no-op', async () => {
  const bus = createMemoryBus();
  const source = createArraySource();
  const stopped = createCollector();
  const other = createCollector();
  const stop = bus.follow(0, stopped.handler);
  bus.follow(0, other.handler);
  bus.publish(source.append(2));
  await settle();
  stop();
  bus.publish(source.append(2));
  await settle();
  assert.equal(stopped.ids, [1, 2]);
  assert.equal(other.ids, [1, 2, 3, 4]);
  await bus.close();
  await bus.close(); // idempotent
  bus.publish(source.append(2));
  await settle();
  assert.equal(other.ids, [1, 2, 3, 4]);
  assert.is(bus.state(), 'off');
  assert.is(bus.kind, 'memory');
});

test.run();

// Replication through a real Redis stream: what a publisher writes, followers read gap-free.
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import { FeedGapError } from '../../bus/feed-gap-error.ts';
import { createRedisBus } from '../../bus/redis.ts';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';
import { createArraySource, createCollector, createRecordingLogger, range, waitFor } from './fixtures.ts';

const test = redisSuite('redis bus replication');

test('a follower from 0 receives every id of many batches once, contiguous, and the stream holds one entry per tick', async () => {
  const redis = await startRedis();
  const source = createArraySource();
  const log = createRecordingLogger();
  const bus = createRedisBus({ url: redis.url, source, logger: log.logger });
  const follower = createCollector();
  const stop = bus.follow(0, follower.handler, follower.onError);
  const raw = new Redis(redis.url);
  try {
    await waitFor('bus up', () => bus.state() === 'up');
    // Odd batch sizes, one larger than a page, published back to back (one write in flight at a time).
    for (let i = 0; i < 150; i++) bus.publish(source.append(1 + (i % 7)));
    bus.publish(source.append(2500));
    for (let i = 0; i < 50; i++) bus.publish(source.append(3));
    const last = source.lastId();
    await waitFor('follower to reach the last id', () => follower.ids.length >= last);
    assert.equal(follower.ids, range(1, last));
    assert.equal(follower.errors, []);
    assert.equal(
      follower.ticks.map((tick) => tick.json),
      source.ticks.map((tick) => tick.json),
      'the bytes arrive unchanged',
    );
    assert.equal(
      follower.ticks.map((tick) => tick.symbol),
      source.ticks.map((tick) => tick.symbol),
    );

    await waitFor('publisher to confirm', () => bus.stats().publishedUpTo === last);
    assert.equal(bus.stats(), { published: last, publishErrors: 0, publishedUpTo: last });
    assert.is(await bus.clusterLastId(), last);
    assert.is(await raw.xlen('ticktape:ticks'), last);
    const [first] = await raw.xrange('ticktape:ticks', '-', '+', 'COUNT', 1);
    assert.equal(first, ['1-0', ['s', source.ticks[0].symbol, 't', source.ticks[0].json, 'e', source.epoch()]]);
    assert.is(await raw.get('ticktape:ticks:epoch'), source.epoch(), 'the stream records its history beside it');
    assert.is(log.count('redis.up'), 1);
    assert.is(log.count('redis.down'), 0);
  } finally {
    stop();
    raw.disconnect();
    await bus.close();
    await redis.stop();
  }
});

test('a follower starting in the middle receives exactly the later ids, then live ones', async () => {
  const redis = await startRedis();
  const source = createArraySource();
  const bus = createRedisBus({ url: redis.url, source, logger: () => {}, key: 'feed:middle' });
  try {
    for (let i = 0; i < 40; i++) bus.publish(source.append(5));
    await waitFor('publisher to confirm 200', () => bus.stats().publishedUpTo === 200);
    const follower = createCollector();
    bus.follow(137, follower.handler, follower.onError);
    await waitFor('follower to reach 200', () => follower.ids.length >= 63);
    bus.publish(source.append(10));
    await waitFor('follower to reach 210', () => follower.ids.length >= 73);
    assert.equal(follower.ids, range(138, 210));
    assert.equal(follower.errors, []);
  } finally {
    await bus.close();
    await redis.stop();
  }
});

test('a follower whose next id was trimmed away (MAXLEN ~) hears a FeedGapError and receives nothing', async () => {
  const redis = await startRedis();
  const source = createArraySource();
  const bus = createRedisBus({ url: redis.url, source, logger: () => {}, maxLen: 100 });
  const raw = new Redis(redis.url);
  try {
    for (let i = 0; i < 20; i++) bus.publish(source.append(100));
    await waitFor('publisher to confirm 2000', () => bus.stats().publishedUpTo === 2000);
    const length = await raw.xlen('ticktape:ticks');
    assert.ok(length < 2000, `the stream was trimmed (length ${length})`);
    const [[oldest]] = await raw.xrange('ticktape:ticks', '-', '+', 'COUNT', 1);
    const oldestId = Number(oldest.split('-')[0]);

    const errors: Error[] = [];
    const behind = createCollector();
    bus.follow(0, behind.handler, (err) => errors.push(err));
    await waitFor('the gap error', () => errors.length > 0);
    assert.equal(behind.ids, []);
    assert.instance(errors[0], FeedGapError);
    assert.is((errors[0] as FeedGapError).wantedId, 1);
    assert.is((errors[0] as FeedGapError).availableId, oldestId);

    // Starting just before the oldest retained entry is fine.
    const inside = createCollector();
    bus.follow(oldestId - 1, inside.handler, inside.onError);
    await waitFor('the retained tail', () => inside.ids.length >= 2000 - oldestId + 1);
    assert.equal(inside.ids, range(oldestId, 2000));
    assert.equal(inside.errors, []);
  } finally {
    raw.disconnect();
    await bus.close();
    await redis.stop();
  }
});

test('close() stops followers blocked in XREAD, is idempotent, and leaves no connection open', async () => {
  const redis = await startRedis();
  const source = createArraySource();
  const bus = createRedisBus({ url: redis.url, source, logger: () => {}, blockMs: 60_000 });
  const raw = new Redis(redis.url);
  try {
    const follower = createCollector();
    bus.follow(0, follower.handler, follower.onError);
    bus.publish(source.append(3));
    await waitFor('follower to get 3 ticks', () => follower.ids.length === 3);
    // The follower is now blocked in a 60 s XREAD; close must not wait for it.
    await Promise.all([bus.close(), bus.close()]);
    await bus.close();
    await waitFor('server to see only our own connection', async () => {
      const clients = (await raw.client('LIST')) as string;
      return clients.trim().split('\n').length === 1;
    });
    bus.publish(source.append(3)); // a no-op after close, and must not throw
    assert.is(await bus.clusterLastId(), null);
  } finally {
    raw.disconnect();
    await bus.close();
    await redis.stop();
  }
});

test.run();

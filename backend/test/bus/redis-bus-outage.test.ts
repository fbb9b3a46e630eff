// Local-first publishing through a Redis crash: the publisher never stops, and once Redis is back
// (empty: the test server has no persistence) the stream and every follower hold each id once.
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import type { BusState } from '../../bus/bus.ts';
import { createRedisBus } from '../../bus/redis.ts';
import { freePort, redisSuite, startRedis } from '../helpers/redis-server.ts';
import { createArraySource, createCollector, createRecordingLogger, range, waitFor } from './fixtures.ts';

const test = redisSuite('redis bus through an outage');

/** Commits and publishes a batch every few milliseconds, as the scheduler would, until stopped. */
function startProducer(publish: () => void): { stop(): void } {
  const timer = setInterval(publish, 2);
  return { stop: () => clearInterval(timer) };
}

async function streamIds(url: string): Promise<string[]> {
  const raw = new Redis(url);
  try {
    const ids: string[] = [];
    let after = '-';
    for (;;) {
      const page = await raw.xrange('ticktape:ticks', after, '+', 'COUNT', 5000);
      ids.push(...page.map(([id]) => id));
      if (page.length < 5000) return ids;
      after = `(${page[page.length - 1][0]}`;
    }
  } finally {
    raw.disconnect();
  }
}

test('Redis SIGKILLed mid-run and restarted empty: down once, publishing goes on, then stream and follower hold every id exactly once', async () => {
  const redis = await startRedis();
  const source = createArraySource();
  const log = createRecordingLogger();
  const bus = createRedisBus({ url: redis.url, source, logger: log.logger });
  const states: BusState[] = [];
  bus.onState((state) => states.push(state));
  const follower = createCollector();
  const stopFollowing = bus.follow(0, follower.handler, follower.onError);
  let batches = 0;
  const producer = startProducer(() => {
    batches++;
    bus.publish(source.append(1 + (batches % 4)));
  });
  try {
    await waitFor('follower to see the first 300 ids', () => follower.ids.length >= 300);

    await redis.kill();
    await waitFor('state down', () => bus.state() === 'down');
    const lastBeforeRestart = source.lastId();
    assert.is(await bus.clusterLastId(), null, 'unknown while Redis is down');
    // Keep publishing through several reconnect attempts (100, 200, 400 ms backoff).
    await waitFor('ticks committed while down', () => source.lastId() >= lastBeforeRestart + 500);

    await redis.restart();
    await waitFor('state up again', () => bus.state() === 'up');
    await waitFor('more ticks after the restart', () => source.lastId() >= lastBeforeRestart + 1000);
    producer.stop();
    const last = source.lastId();
    await waitFor('publisher to catch the stream up', () => bus.stats().publishedUpTo === last);
    await waitFor('follower to catch up', () => follower.ids.length >= last);

    assert.equal(follower.ids, range(1, last), 'follower: every id once, in order');
    assert.equal(follower.errors, []);
    assert.equal(
      follower.ticks.map((tick) => tick.json),
      source.ticks.map((tick) => tick.json),
    );
    assert.equal(await streamIds(redis.url), range(1, last).map((id) => `${id}-0`), 'stream: every id once');
    assert.is(await bus.clusterLastId(), last);

    assert.equal(states, ['up', 'down', 'up']);
    assert.is(log.count('redis.down'), 1, 'down is logged once, not per retry or per tick');
    assert.is(log.count('redis.up'), 2);
    const down = log.entries.find((entry) => entry.event === 'redis.down')!;
    assert.is(down.level, 'warn');
    assert.is(down.fields.url, redis.url);
  } finally {
    producer.stop();
    stopFollowing();
    await bus.close();
    await redis.stop();
  }
});

test('a bus started while Redis is unreachable publishes the whole log once Redis appears', async () => {
  const port = await freePort();
  const source = createArraySource();
  const log = createRecordingLogger();
  const bus = createRedisBus({ url: `redis://127.0.0.1:${port}`, source, logger: log.logger });
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  try {
    // state() says 'down' from the start; the log line comes with the first failed attempt.
    assert.is(bus.state(), 'down');
    await waitFor('the first failed connection attempt', () => log.count('redis.down') === 1);
    for (let i = 0; i < 30; i++) bus.publish(source.append(7)); // never throws, never waits
    assert.is(bus.stats().publishedUpTo, 0);
    assert.is(log.count('redis.down'), 1);

    redis = await startRedis({ port });
    await waitFor('publisher to publish all 210', () => bus.stats().publishedUpTo === 210);
    const follower = createCollector();
    bus.follow(0, follower.handler, follower.onError);
    await waitFor('follower to read 210', () => follower.ids.length >= 210);
    assert.equal(follower.ids, range(1, 210));
    assert.equal(await streamIds(redis.url), range(1, 210).map((id) => `${id}-0`));
    assert.is(log.count('redis.down'), 1);
    assert.is(log.count('redis.up'), 1);
  } finally {
    await bus.close();
    await redis?.stop();
  }
});

test.run();

// A follower's own connection dropping (Redis stays up) costs it nothing: it resumes after the
// last id it delivered.
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import { createRedisBus } from '../../bus/redis.ts';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';
import { createArraySource, createCollector, createRecordingLogger, range, waitFor } from './fixtures.ts';

const test = redisSuite('redis bus follower resume');

test('a follower whose connection is killed repeatedly resumes each time with no gap and no duplicate', async () => {
  const redis = await startRedis();
  const source = createArraySource();
  const log = createRecordingLogger();
  const bus = createRedisBus({ url: redis.url, source, logger: log.logger });
  const raw = new Redis(redis.url);
  const follower = createCollector();
  const stop = bus.follow(0, follower.handler, follower.onError);
  const producer = setInterval(() => bus.publish(source.append(3)), 2);
  try {
    for (let round = 1; round <= 3; round++) {
      const seen = follower.ids.length;
      await waitFor(`follower to make progress (round ${round})`, () => follower.ids.length >= seen + 100);
      const list = (await raw.client('LIST')) as string;
      const ids = list
        .split('\n')
        .filter((line) => / name=ticktape-follow /.test(line))
        .map((line) => /^id=(\d+)/.exec(line)![1]);
      assert.is(ids.length, 1, 'one follower connection');
      assert.is(await raw.client('KILL', 'ID', ids[0]), 1);
      // Redis itself never went down: the publisher's state is untouched.
      assert.is(bus.state(), 'up');
    }
    clearInterval(producer);
    const last = source.lastId();
    await waitFor('follower to reach the last id', () => follower.ids.length >= last);
    assert.equal(follower.ids, range(1, last));
    assert.equal(follower.errors, []);
    assert.is(log.count('redis.down'), 0);
  } finally {
    clearInterval(producer);
    stop();
    raw.disconnect();
    await bus.close();
    await redis.stop();
  }
});

test.run();

// A fenced Redis bus appends only while the fence key holds its token, checked inside the append
// script: a node that lost its lease cannot add a tick, even with a batch already on its way.
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import { createRedisBus } from '../../bus/redis.ts';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';
import { createArraySource, createRecordingLogger, range, waitFor } from './fixtures.ts';

const test = redisSuite('fenced redis bus');

test('refused while another node holds the fence key, published from the log once it is ours', async () => {
  const redis = await startRedis();
  const raw = new Redis(redis.url);
  const source = createArraySource();
  const log = createRecordingLogger();
  const bus = createRedisBus({ url: redis.url, source, logger: log.logger, fence: { key: 'lease', token: 'me' } });
  try {
    await raw.set('lease', 'someone-else');
    await waitFor('bus up', () => bus.state() === 'up');
    bus.publish(source.append(5));
    await waitFor('the append to be fenced', () => log.count('redis.fenced') === 1);
    bus.publish(source.append(5));
    assert.is(await raw.exists('ticktape:ticks'), 0, 'nothing entered the stream');
    assert.is(bus.stats().publishedUpTo, 0);

    await raw.set('lease', 'me');
    // The pump retries on its own (backoff) and catches up from the log.
    await waitFor('the log to be published', () => bus.stats().publishedUpTo === 10, 10_000);
    const entries = await raw.xrange('ticktape:ticks', '-', '+');
    assert.equal(entries.map(([id]) => id), range(1, 10).map((id) => `${id}-0`));
    assert.is(log.count('redis.fenced'), 1, 'logged once per streak, not per retry');
  } finally {
    raw.disconnect();
    await bus.close();
    await redis.stop();
  }
});

test.run();

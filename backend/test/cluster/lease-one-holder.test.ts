// The Redis lease on its own: of several contenders exactly one holds it; a renew never extends a
// key someone else holds; a released lease goes to a waiting contender at once, an abandoned one
// once its TTL has run out.
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import { createLease, DEFAULT_LEASE_KEY, type Lease } from '../../cluster/lease.ts';
import { silentLogger } from '../../logger.ts';
import { waitUntil } from '../helpers/http.ts';
import { redisSuite, startRedis, type RedisHandle } from '../helpers/redis-server.ts';

const test = redisSuite('the leader lease');

const TTL_MS = 300;
let redis: RedisHandle | undefined;
const leases: Lease[] = [];

test.after(async () => {
  await Promise.all(leases.map((lease) => lease.close()));
  await redis?.stop();
});

function contender(nodeId: string): Lease {
  const lease = createLease({ url: redis!.url, logger: silentLogger, ttlMs: TTL_MS, nodeId });
  leases.push(lease);
  return lease;
}

test('exactly one of three holds it, and the key names the holder', async () => {
  redis = await startRedis();
  const all = ['a', 'b', 'c'].map(contender);
  const holder = await waitUntil(() => all.find((lease) => lease.held()), 'a holder');
  // Over many renew periods the holder stays the only one.
  const until = Date.now() + 6 * TTL_MS;
  await waitUntil(() => {
    assert.equal(all.map((lease) => lease.held()), all.map((lease) => lease === holder));
    return Date.now() > until;
  }, 'six TTLs of one holder');
  const raw = new Redis(redis.url);
  try {
    assert.is(await raw.get(DEFAULT_LEASE_KEY), holder.nodeId);
    const ttl = await raw.pttl(DEFAULT_LEASE_KEY);
    assert.ok(ttl > 0 && ttl <= TTL_MS, `renewed with a TTL, got ${ttl}`);
  } finally {
    raw.disconnect();
  }

  // Closing releases it (compare-and-del) and a waiting contender takes it.
  await holder.close();
  await waitUntil(() => all.some((lease) => lease !== holder && lease.held()), 'a new holder');
  assert.not.ok(holder.held());
  assert.is(all.filter((lease) => lease.held()).length, 1);
});

test('a holder whose key was taken over does not renew it back; it notices and lets go', async () => {
  await waitUntil(() => leases.some((lease) => lease.held()), 'a holder');
  const raw = new Redis(redis!.url);
  try {
    // Someone else's key now (as after our key expired during a pause): compare-and-pexpire fails.
    await raw.set(DEFAULT_LEASE_KEY, 'intruder', 'PX', 60_000);
    await waitUntil(() => leases.every((lease) => !lease.held()), 'every contender to let go', 10 * TTL_MS);
    assert.is(await raw.get(DEFAULT_LEASE_KEY), 'intruder', 'nobody overwrote or extended it');
    assert.ok((await raw.pttl(DEFAULT_LEASE_KEY)) > 30_000);
    // A lease abandoned without release is free once its TTL runs out.
    await raw.set(DEFAULT_LEASE_KEY, 'crashed', 'PX', TTL_MS);
    await waitUntil(() => leases.some((lease) => lease.held()), 'a contender after the TTL', 10 * TTL_MS);
  } finally {
    raw.disconnect();
  }
});

test('a key that already names this node (a SET whose reply was lost) is claimed at once, not after its TTL', async () => {
  const raw = new Redis(redis!.url);
  try {
    // Stand-in for the lost reply: the key names us, with far longer left than the test waits.
    await raw.set(DEFAULT_LEASE_KEY + ':lost-reply', 'z', 'PX', 60_000);
    const lease = createLease({ url: redis!.url, logger: silentLogger, ttlMs: TTL_MS, nodeId: 'z', key: DEFAULT_LEASE_KEY + ':lost-reply' });
    leases.push(lease);
    await waitUntil(() => lease.held(), 'the lease to be claimed', 5_000);
    assert.ok((await raw.pttl(DEFAULT_LEASE_KEY + ':lost-reply')) <= TTL_MS, 'renewed to our TTL');
  } finally {
    raw.disconnect();
  }
});

test.run();

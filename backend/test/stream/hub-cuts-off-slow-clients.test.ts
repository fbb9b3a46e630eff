// The hub's cap on a client that stopped reading: once its unsent output passes the cap it is
// destroyed, detached and counted, while clients that read (the same filter or not) miss nothing.
// Output that is merely waiting to drain, below the cap, is not a reason to cut anyone off.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHub } from '../../stream/hub.ts';
import { fakeClient, tick, tickEvent } from './fixtures.ts';

const QUIET = { heartbeatMs: 3_600_000 };

test('a stalled client is cut off at the write that takes it past the cap; readers get every tick', () => {
  const frameBytes = Buffer.byteLength(tickEvent(tick(1, 'AAPL')));
  // Room for three one-tick frames, not four (ids 1..9 keep every frame the same length).
  const hub = createHub({ ...QUIET, maxClientBufferBytes: 3 * frameBytes + 1 });
  const stalled = fakeClient({ stalled: true, highWaterMark: 1 });
  const reader = fakeClient();
  const unfiltered = fakeClient();
  const readerSameFilter = fakeClient({ filter: null });
  for (const client of [stalled, reader, unfiltered, readerSameFilter]) {
    hub.attach(client);
    hub.goLive(client);
  }

  const batches = [1, 2, 3, 4, 5].map((id) => [tick(id, 'AAPL')]);
  const written = batches.map((batch) => hub.broadcast(batch));

  // Three writes fit (unflushed, so write() said false, yet not cut off); the fourth crosses the cap.
  assert.equal(written, [4, 4, 4, 3, 3]);
  assert.ok(stalled.res.destroyed, 'the stalled client is destroyed');
  assert.is(stalled.chunks.length, 4, 'nothing is written to it after the write that crossed the cap');
  assert.equal(hub.stats(), { clients: 3, delivered: 3 + 3 * 5, replayed: 0, slowDisconnects: 1 });
  const everything = batches.flat().map(tickEvent).join('');
  for (const client of [reader, unfiltered, readerSameFilter]) assert.is(client.text(), everything);
  hub.close();
});

test('a client over the high-water mark but under the cap stays, and its ticks count as delivered', () => {
  const hub = createHub({ ...QUIET, maxClientBufferBytes: 1024 * 1024 });
  const slow = fakeClient({ stalled: true, highWaterMark: 16 });
  hub.attach(slow);
  hub.goLive(slow);
  for (let id = 1; id <= 20; id++) assert.is(hub.broadcast([tick(id, 'AAPL')]), 1);
  assert.not.ok(slow.res.destroyed);
  assert.equal(hub.stats(), { clients: 1, delivered: 20, replayed: 0, slowDisconnects: 0 });
  hub.close();
});

test('replay has no cap: it waits for drain instead, so a full socket is not cut off while replaying', () => {
  const hub = createHub({ ...QUIET, maxClientBufferBytes: 64 });
  const replaying = fakeClient({ stalled: true, highWaterMark: 16 });
  hub.attach(replaying);
  const page = [1, 2, 3, 4].map((id) => tickEvent(tick(id, 'AAPL'))).join('');
  assert.is(hub.writeReplay(replaying, page, 4), false, 'the socket wants draining');
  assert.is(hub.writeReplay(replaying, page, 4), false);
  assert.not.ok(replaying.res.destroyed);
  assert.is(hub.stats().slowDisconnects, 0);
  // Going live with that backlog, the next live write is the one the cap applies to.
  hub.goLive(replaying);
  assert.is(hub.broadcast([tick(5, 'AAPL')]), 0);
  assert.ok(replaying.res.destroyed);
  assert.equal(hub.stats(), { clients: 0, delivered: 8, replayed: 8, slowDisconnects: 1 });
  hub.close();
});

test.run();

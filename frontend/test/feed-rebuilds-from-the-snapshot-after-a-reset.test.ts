// A resume point outside the log is answered with `reset`, then a snapshot: the table must rebuild
// from that snapshot whatever path it took to get there. In particular a replay whose resume point
// is newer than the log (so /api/quotes shows nothing left to catch up) must not count itself caught
// up and be handed over to the shared stream with that cursor: the shared stream sends no reset, and
// every tick would fall below the cursor and be dropped. (Unit tests: a fake EventSource and server.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recorder, settle, fakeFeed, ids } from './helpers/fake-feed.ts';

const SRC = 'http://feed.test/stream';
const setup = () => fakeFeed(['AAPL', 'MSFT']);

test('a resume point newer than the log, next to a live table: reset, snapshot, then live ticks', async () => {
  const { server, hub } = setup();
  hub.subscribe(SRC, {}, recorder().listener);
  await settle();
  const shared = server.only;
  server.serve(shared);

  const r = recorder();
  const sub = hub.subscribe(SRC, { lastEventId: 999_999_999 }, r.listener);
  await settle();
  const own = server.open.find((es) => es !== shared);
  assert.ok(own, 'the replay has a stream of its own');
  assert.is(own!.resumeFrom, 999_999_999);
  server.serve(own!); // open, reset "unknown", snapshot
  await settle();
  assert.is(r.log.resets, 1, 'told to clear its state');
  assert.equal(r.log.snapshots, [{ id: 2, symbols: ['AAPL', 'MSFT'] }], 'rebuilt from the snapshot');
  assert.is(sub.cursor, 2);
  assert.is(sub.status.state, 'live');

  // Handed over to the shared stream (or kept its own): either way it receives what comes next.
  for (const es of server.open) if (es !== shared && es.readyState === 0) server.serve(es);
  await settle();
  server.publish('MSFT', 'AAPL');
  assert.equal(ids(r.log.ticks), [3, 4]);
  assert.is(server.open.length, 1, 'one stream once the replay is over');
});

test('while the stream has not answered yet, such a replay is not handed over', async () => {
  const { server, hub } = setup();
  hub.subscribe(SRC, {}, recorder().listener);
  await settle();
  const shared = server.only;
  server.serve(shared);

  const sub = hub.subscribe(SRC, { lastEventId: 999_999_999 }, recorder().listener);
  await settle();
  const own = server.open.find((es) => es !== shared)!;
  own.open(); // the headers have arrived; the reset has not
  await settle();
  assert.ok(!own.closed, 'keeps its own stream until the server has said where it stands');
  assert.is(sub.status.state, 'replaying');
});

test('on an edge still catching up, the first tick after the resume point ends the replay', async () => {
  // The contract lets an edge that is behind wait for the cluster instead of resetting: then the
  // stream carries on with ticks after the resume point, which is therefore not too new after all.
  const { server, hub } = setup();
  const r = recorder();
  const sub = hub.subscribe(SRC, { lastEventId: 3 }, r.listener); // /api/quotes says the head is 2
  await settle();
  const es = server.only;
  server.log.append('AAPL'); // 3
  server.log.append('MSFT'); // 4: the edge has caught up
  server.serve(es, 3); // now within the log: replayed, no reset
  await settle();
  assert.equal(ids(r.log.ticks), [4]);
  assert.is(sub.status.state, 'live');
  assert.is(r.log.resets, 0);
});

test.run();

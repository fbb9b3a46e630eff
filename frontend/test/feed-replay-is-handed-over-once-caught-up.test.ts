// The replay stream's state machine (src/feed/replay-stream.ts): replaying while its table catches
// up, then handed-over to the src's shared stream (and closed), or, with no shared stream on the src,
// shared itself, keeping its connection. (Unit tests: a fake EventSource and server.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayStream } from '../src/feed/replay-stream.ts';
import { SharedStream } from '../src/feed/shared-stream.ts';
import { FakeLog, FakeServer, ids, recorder, settle } from './helpers/fake-feed.ts';

const URL_ = new URL('http://feed.test/stream');

function setup() {
  const server = new FakeServer(new FakeLog(['AAPL', 'MSFT']));
  server.publish('AAPL', 'MSFT', 'AAPL', 'MSFT');
  const hooks = { onEmpty: () => {}, openStreamsTo: () => 0, slowConnectionMs: () => 10_000 };
  return { server, hooks };
}

test('replaying → (its table caught up) handed-over: adopted by the shared stream, its own closed', async () => {
  const { server, hooks } = setup();
  const shared = new SharedStream(URL_, server.env, hooks);
  shared.add({}, recorder().listener);
  await settle();
  const sharedEs = server.only;
  server.serve(sharedEs);

  const becameShared: SharedStream[] = [];
  const replay = new ReplayStream(URL_, server.env, hooks, { shared: () => shared, becomeShared: (s) => becameShared.push(s) });
  const r = recorder();
  const sub = replay.stream.add({ lastEventId: 1 }, r.listener);
  await settle();
  const own = server.open.find((es) => es !== sharedEs)!;
  assert.is(own.resumeFrom, 1);
  assert.is(replay.state, 'replaying');
  server.serveSlowly(own);
  server.replayStep(own, 2);
  assert.is(sub.state, 'catching-up');
  assert.is(replay.state, 'replaying', 'not offered while behind');
  server.replayStep(own, 1);
  assert.is(sub.state, 'caught-up');
  assert.is(replay.state, 'handed-over');
  assert.is(replay.stream.state.name, 'closed');
  assert.ok(own.closed);
  assert.is(sub.stream, shared);
  assert.equal(becameShared, []);

  await settle();
  server.serve(server.only); // the shared stream re-opened from the lowest cursor
  server.publish('AAPL');
  assert.equal(ids(r.log.ticks), [2, 3, 4, 5], 'no tick lost or repeated across the hand-over');
  assert.equal(r.log.states, ['replaying', 'live']);
});

test('replaying → shared when the src has no shared stream: it keeps its connection', async () => {
  const { server, hooks } = setup();
  const becameShared: SharedStream[] = [];
  const replay = new ReplayStream(URL_, server.env, hooks, { shared: () => undefined, becomeShared: (s) => becameShared.push(s) });
  const r = recorder();
  const sub = replay.stream.add({ lastEventId: 2 }, r.listener);
  await settle();
  const own = server.only;
  server.serve(own);
  assert.is(sub.state, 'caught-up');
  assert.is(replay.state, 'shared');
  assert.equal(becameShared, [replay.stream]);
  assert.is(replay.stream.state.name, 'open');
  server.publish('MSFT');
  assert.is(server.only, own, 'no reconnection');
  assert.equal(ids(r.log.ticks), [3, 4, 5]);
});

test.run();

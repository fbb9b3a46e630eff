// The shared stream's state machine (src/feed/shared-stream.ts): its connection goes idle →
// connecting → open, through the browser's own reconnection, and, when the browser gives up,
// through a diagnosis that decides between retrying (a 5xx) and failing its subscribers (a 4xx);
// with no subscriber left it closes for good. (Unit tests: a fake EventSource and server.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SharedStream } from '../src/feed/shared-stream.ts';
import { FakeLog, FakeServer, recorder, settle } from './helpers/fake-feed.ts';

function setup() {
  const server = new FakeServer(new FakeLog(['AAPL', 'MSFT']));
  server.publish('AAPL', 'MSFT');
  let emptied = 0;
  const stream = new SharedStream(new URL('http://feed.test/stream'), server.env, {
    onEmpty: () => emptied++,
    openStreamsTo: () => 0,
    slowConnectionMs: () => 10_000,
  });
  return { server, stream, emptied: () => emptied };
}

test('idle → connecting → open → reconnecting (the browser retries by itself) → open', async () => {
  const { server, stream } = setup();
  assert.is(stream.state.name, 'idle');
  const sub = stream.add({}, recorder().listener);
  await settle();
  assert.is(stream.state.name, 'connecting');
  const es = server.only;
  server.serve(es);
  assert.is(stream.state.name, 'open');
  assert.ok(stream.streaming);
  es.drop();
  assert.is(stream.state.name, 'reconnecting');
  assert.not.ok(stream.streaming);
  assert.is(sub.status.state, 'reconnecting');
  server.serve(es);
  assert.is(stream.state.name, 'open');
  assert.is(server.sources.length, 1, 'the same EventSource throughout');
});

test('given up with a 5xx: diagnosing → retrying → (after 1 s) idle → connecting again', async () => {
  const { server, stream } = setup();
  const sub = stream.add({}, recorder().listener);
  await settle();
  server.streamStatus = 503;
  server.only.fail();
  assert.is(stream.state.name, 'diagnosing');
  await settle();
  assert.is(stream.state.name, 'retrying');
  assert.is(sub.status.state, 'reconnecting');
  assert.match(sub.status.message ?? '', /log unavailable; retrying/);
  assert.ok(server.delays.includes(1000));
  server.streamStatus = 200;
  server.runTimers();
  assert.is(stream.state.name, 'idle');
  await settle();
  assert.is(stream.state.name, 'connecting');
  assert.is(server.open.length, 1, 'a new EventSource');
  assert.is(server.sources.length, 2);
});

test('given up with a 4xx: diagnosing → idle, the refused subscriber fails → closed for good', async () => {
  const { server, stream, emptied } = setup();
  const sub = stream.add({ symbols: ['NOPE'] }, recorder().listener);
  await settle();
  server.serve(server.only); // the browser fails it: unknown symbol
  assert.is(stream.state.name, 'diagnosing');
  await settle();
  assert.is(sub.state, 'failed');
  assert.is(sub.status.code, 'UNKNOWN_SYMBOL');
  assert.is(stream.state.name, 'closed');
  assert.is(emptied(), 1);
  assert.is(server.open.length, 0);
  assert.not.ok(stream.adopt(sub), 'a closed stream takes nobody');
});

test('open → connecting (re-opened from the lowest cursor) when a subscriber wants other symbols', async () => {
  const { server, stream } = setup();
  stream.add({ symbols: ['AAPL'] }, recorder().listener);
  await settle();
  const first = server.only;
  server.serve(first);
  assert.is(stream.state.name, 'open');
  stream.add({ symbols: ['MSFT'] }, recorder().listener);
  await settle();
  assert.is(stream.state.name, 'connecting');
  assert.ok(first.closed);
  assert.equal([...server.only.symbols!], ['AAPL', 'MSFT']);
  assert.is(server.only.resumeFrom, 2);
});

test.run();

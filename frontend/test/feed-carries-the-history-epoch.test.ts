// The feed carries the history its ids belong to (the server's epoch, README "History identity"):
// it asks with `epoch=` (empty until known), learns the epoch from the `history` event or a
// `reset`, and every stream it opens afterwards (a re-open from its last id, which is also the URL
// the browser reconnects to by itself) names it, so a server holding another history answers
// `reset` "history" instead of other ticks under those ids. (Unit tests: a fake EventSource and server.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeFeed, recorder, settle } from './helpers/fake-feed.ts';

const SRC = 'http://feed.test/stream';
const EPOCH = '0123456789abcdef';
const OTHER = 'fedcba9876543210';

test('asks with an empty epoch, then names the one it learned on every stream it opens', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT']);
  hub.subscribe(SRC, { symbols: ['AAPL'] }, recorder().listener);
  await settle();
  const first = server.only;
  assert.is(first.url.searchParams.get('epoch'), '', 'not known yet: the server only says which it serves');
  first.emit('history', { epoch: EPOCH });
  server.serve(first);
  await settle();

  // The union of symbols changes: the stream is re-opened from its last id, in that history.
  hub.subscribe(SRC, { symbols: ['MSFT'] }, recorder().listener);
  await settle();
  const second = server.only;
  assert.ok(second !== first);
  assert.ok(second.resumeFrom !== null, 're-opened from its last id');
  assert.is(second.url.searchParams.get('epoch'), EPOCH);
});

test('a reset names the history the server serves now; the next stream carries it', async () => {
  const { server, hub } = fakeFeed(['AAPL', 'MSFT']);
  const r = recorder();
  hub.subscribe(SRC, { symbols: ['AAPL'] }, r.listener);
  await settle();
  const first = server.only;
  first.emit('history', { epoch: EPOCH });
  server.serve(first);
  first.emit('reset', { reason: 'history', oldestId: 1, latestId: 2, epoch: OTHER });
  await settle();
  assert.is(r.log.resets, 1, 'the table is told to clear its state');

  hub.subscribe(SRC, { symbols: ['MSFT'] }, recorder().listener);
  await settle();
  assert.is(server.only.url.searchParams.get('epoch'), OTHER);
});

test.run();

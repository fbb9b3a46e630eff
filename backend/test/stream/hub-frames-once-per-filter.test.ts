// The hub's fan-out: a batch is framed once per distinct filter (symbols and event kinds) and the
// same encoded bytes go to every live client with that filter; each client gets only its symbols
// and kinds, in order, and every status event (market-wide) its kinds allow.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHub, type Hub } from '../../stream/hub.ts';
import type { LoggedEvent } from '../../types.ts';
import { eventBlock, fakeClient, quote, status, tick, tickEvent } from './fixtures.ts';

// No heartbeat within a test: these tests count every byte written.
const QUIET = { heartbeatMs: 3_600_000 };

function live(hub: Hub, ...clients: ReturnType<typeof fakeClient>[]): void {
  for (const client of clients) {
    hub.attach(client);
    hub.goLive(client);
  }
}

test('clients with the same filter share one encoded chunk, in any order of their symbols and kinds', () => {
  const hub = createHub(QUIET);
  const a = fakeClient({ filter: ['AAPL', 'MSFT'] });
  const b = fakeClient({ filter: ['MSFT', 'AAPL'] });
  const all1 = fakeClient();
  const all2 = fakeClient();
  const k1 = fakeClient({ filter: ['AAPL'], kinds: ['tick', 'status'] });
  const k2 = fakeClient({ filter: ['AAPL'], kinds: ['status', 'tick'] });
  const quotes = fakeClient({ filter: ['AAPL'], kinds: ['quote'] });
  live(hub, a, b, all1, all2, k1, k2, quotes);
  const batch = [tick(1, 'AAPL'), quote(2, 'AAPL'), tick(3, 'MSFT'), tick(4, 'NVDA')];
  assert.is(hub.broadcast(batch), 7);
  hub.close();

  assert.is(a.chunks.length, 1);
  assert.ok(Buffer.isBuffer(a.chunks[0]), 'encoded once to UTF-8, not a string each write re-encodes');
  assert.ok(a.chunks[0] === b.chunks[0], 'the same Buffer for both AAPL,MSFT clients');
  assert.ok(all1.chunks[0] === all2.chunks[0], 'the same Buffer for both unfiltered clients');
  assert.ok(k1.chunks[0] === k2.chunks[0], 'the same Buffer for both AAPL ticks-and-status clients');
  assert.ok(a.chunks[0] !== all1.chunks[0], 'another chunk for another filter');
  assert.ok(k1.chunks[0] !== quotes.chunks[0] && k1.chunks[0] !== a.chunks[0], 'another chunk for other kinds of the same symbol');
});

test('each chunk is the batch as consecutive events named by kind, filtered by symbol and kind, in id order', () => {
  const hub = createHub(QUIET);
  const aapl = fakeClient({ filter: ['AAPL'] });
  const pair = fakeClient({ filter: ['AAPL', 'NVDA'] });
  const all = fakeClient();
  const aaplTicks = fakeClient({ filter: ['AAPL'], kinds: ['tick'] });
  const statusOnly = fakeClient({ kinds: ['status'] });
  const quotes = fakeClient({ kinds: ['quote'] });
  live(hub, aapl, pair, all, aaplTicks, statusOnly, quotes);
  const batch = [tick(7, 'AAPL'), quote(8, 'MSFT'), tick(9, 'NVDA'), status(10), quote(11, 'AAPL'), tick(12, 'AAPL')];
  hub.broadcast(batch);
  hub.broadcast([tick(13, 'MSFT')]);
  hub.close();

  const blocks = (...ids: number[]) => ids.map((id) => eventBlock(batch.find((e) => e.id === id)!)).join('');
  assert.is(eventBlock(batch[0]), tickEvent(batch[0]), 'a tick is still `event: tick`');
  assert.ok(eventBlock(batch[1]).includes('\nevent: quote\n') && eventBlock(batch[3]).includes('\nevent: status\n'));
  // A status event is market-wide: every symbol filter passes it.
  assert.is(aapl.text(), blocks(7, 10, 11, 12));
  assert.is(pair.text(), blocks(7, 9, 10, 11, 12));
  assert.is(all.text(), batch.map(eventBlock).join('') + eventBlock(tick(13, 'MSFT')));
  assert.is(aaplTicks.text(), blocks(7, 12));
  assert.is(statusOnly.text(), blocks(10));
  assert.is(quotes.text(), blocks(8, 11));
  assert.is(aapl.chunks.length, 1, 'nothing at all is written for a batch without its symbols');
  assert.is(quotes.chunks.length, 1, 'nothing at all is written for a batch without its kinds');
  // Non-ASCII JSON survives the one encoding.
  const accented: LoggedEvent = { id: 12, kind: 'tick', symbol: 'AAPL', json: '{"name":"Société Générale"}' };
  const again = createHub(QUIET);
  const c = fakeClient();
  live(again, c);
  again.broadcast([accented]);
  again.close();
  assert.is(c.text(), tickEvent(accented));
});

test('broadcast counts the clients written to, and stats count market events per client', () => {
  const hub = createHub(QUIET);
  const aapl = fakeClient({ filter: ['AAPL'] });
  const msft = fakeClient({ filter: ['MSFT'] });
  const all = fakeClient();
  live(hub, aapl, msft, all);
  assert.is(hub.broadcast([tick(1, 'AAPL'), tick(2, 'AAPL')]), 2, 'the MSFT client is not written to');
  assert.is(hub.broadcast([]), 0);
  assert.equal(hub.stats(), { clients: 3, delivered: 4, replayed: 0, slowDisconnects: 0 });
  hub.close();
});

test('only live clients get broadcasts: not before goLive, not after detach', () => {
  const hub = createHub(QUIET);
  const replaying = fakeClient();
  const other = fakeClient();
  hub.attach(replaying);
  live(hub, other);
  assert.is(hub.broadcast([tick(1, 'AAPL')]), 1);
  assert.is(replaying.chunks.length, 0, 'a client still replaying gets no live batch');
  assert.is(hub.stats().clients, 2, 'but it counts as connected');

  hub.goLive(replaying);
  assert.is(hub.broadcast([tick(2, 'AAPL')]), 2);
  assert.is(replaying.text(), tickEvent(tick(2, 'AAPL')));

  hub.detach(replaying);
  assert.is(hub.broadcast([tick(3, 'AAPL')]), 1);
  assert.is(replaying.chunks.length, 1, 'nothing after detach');
  assert.is(hub.stats().clients, 1);

  // goLive of a client that was never attached (or already detached) is ignored.
  const stranger = fakeClient();
  hub.goLive(stranger);
  hub.goLive(replaying);
  assert.is(hub.broadcast([tick(4, 'AAPL')]), 1);
  assert.is(stranger.chunks.length + replaying.chunks.length, 1);
  hub.close();
});

test('replayed bytes are written as given, counted as replayed and delivered', () => {
  const hub = createHub(QUIET);
  const client = fakeClient();
  hub.attach(client);
  const chunk = tickEvent(tick(1, 'AAPL')) + tickEvent(tick(2, 'MSFT'));
  assert.is(hub.writeReplay(client, chunk, 2), true);
  assert.ok(client.chunks[0] === chunk);
  assert.equal(hub.stats(), { clients: 1, delivered: 2, replayed: 2, slowDisconnects: 0 });
  hub.close();
  assert.is(hub.writeReplay(client, chunk, 2), false, 'nothing is written to an ended stream');
  assert.is(hub.stats().replayed, 2);
});

test('endAll ends every stream and keeps serving new ones; close ends them for good', () => {
  const hub = createHub(QUIET);
  const first = fakeClient();
  const replaying = fakeClient();
  live(hub, first);
  hub.attach(replaying);
  hub.endAll();
  assert.ok(first.res.writableEnded && replaying.res.writableEnded);
  assert.is(hub.stats().clients, 0);
  assert.is(hub.broadcast([tick(1, 'AAPL')]), 0);

  const next = fakeClient();
  live(hub, next);
  assert.is(hub.broadcast([tick(2, 'AAPL')]), 1);
  assert.is(next.text(), tickEvent(tick(2, 'AAPL')));
  hub.close();
  assert.ok(next.res.writableEnded);
  assert.is(hub.stats().clients, 0);
});

test.run();

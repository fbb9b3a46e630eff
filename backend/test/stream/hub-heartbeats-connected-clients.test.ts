// The hub's heartbeat: every `heartbeatMs` each connected client (live, or still replaying) gets a
// `: keepalive` comment line, written between whole frames (or, if it asked, a `heartbeat` event);
// a client that left gets none, and close() stops it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHub } from '../../stream/hub.ts';
import { waitUntil } from '../helpers/http.ts';
import { fakeClient, tick, tickEvent } from './fixtures.ts';

const KEEPALIVE = ': keepalive\n';

function keepalives(client: ReturnType<typeof fakeClient>): number {
  return client.chunks.filter((c) => c.toString() === KEEPALIVE).length;
}

test('live and replaying clients get keepalive lines; a detached one stops getting them', async () => {
  const hub = createHub({ heartbeatMs: 5 });
  const liveClient = fakeClient();
  const replaying = fakeClient();
  const leaving = fakeClient();
  for (const client of [liveClient, replaying, leaving]) hub.attach(client);
  hub.goLive(liveClient);
  hub.goLive(leaving);
  try {
    await waitUntil(() => [liveClient, replaying, leaving].every((c) => keepalives(c) >= 2), 'two heartbeats for each client');
    hub.broadcast([tick(1, 'AAPL')]);
    hub.detach(leaving);
    const left = leaving.chunks.length;
    const seen = keepalives(liveClient);
    await waitUntil(() => keepalives(liveClient) >= seen + 2 && keepalives(replaying) >= seen + 2, 'two more heartbeats');
    assert.is(leaving.chunks.length, left, 'nothing reaches a detached client');
  } finally {
    hub.close();
  }
  // Whole chunks only: each is a keepalive line or the tick's frame, never a mix.
  for (const chunk of liveClient.chunks) assert.ok([KEEPALIVE, tickEvent(tick(1, 'AAPL'))].includes(chunk.toString()));
  assert.is(liveClient.chunks.filter((c) => c.toString() !== KEEPALIVE).length, 1);
});

test('a client that asked for heartbeat events gets them instead of comments, and still shares its group’s tick bytes', async () => {
  const hub = createHub({ heartbeatMs: 5 });
  const plain = fakeClient();
  const watching = { ...fakeClient(), heartbeat: 'event' as const };
  for (const client of [plain, watching]) {
    hub.attach(client);
    hub.goLive(client);
  }
  const heartbeatEvent = 'event: heartbeat\ndata: {"periodMs":5}\n\n';
  const heartbeats = (client: ReturnType<typeof fakeClient>) => client.chunks.filter((c) => c.toString() === heartbeatEvent).length;
  try {
    await waitUntil(() => heartbeats(watching) >= 2 && keepalives(plain) >= 2, 'two heartbeats of each kind');
    hub.broadcast([tick(1, 'AAPL')]);
  } finally {
    hub.close();
  }
  assert.is(keepalives(watching), 0);
  assert.is(heartbeats(plain), 0);
  const tickChunk = (client: ReturnType<typeof fakeClient>) => client.chunks.filter((c) => c.toString() === tickEvent(tick(1, 'AAPL')));
  assert.is(tickChunk(plain).length, 1);
  assert.is(tickChunk(watching)[0], tickChunk(plain)[0], 'the very same Buffer: framed once for the group');
});

test('close() ends every stream and stops the heartbeat', async () => {
  const hub = createHub({ heartbeatMs: 5 });
  const client = fakeClient();
  const witness = createHub({ heartbeatMs: 5 });
  const witnessClient = fakeClient();
  hub.attach(client);
  witness.attach(witnessClient);
  try {
    await waitUntil(() => keepalives(client) >= 1, 'a first heartbeat');
    hub.close();
    assert.ok(client.res.writableEnded);
    // A client attached after close() would hear a heartbeat that was still running.
    const late = fakeClient();
    hub.attach(late);
    // Another hub with the same period ticking twice is the measure of "a while", not a sleep.
    const base = keepalives(witnessClient);
    await waitUntil(() => keepalives(witnessClient) >= base + 2, 'two periods to pass');
    assert.is(keepalives(late), 0);
  } finally {
    witness.close();
  }
});

test.run();

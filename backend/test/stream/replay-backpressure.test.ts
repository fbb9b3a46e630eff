// Replay reads the log in pages and waits for the socket to drain: a client resuming from the
// start of a large log that stops reading does not make the server read the whole log into memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { builtinSymbol } from '../../simulator/universe.ts';
import { buildLog } from '../helpers/log.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES } from '../helpers/sse-client.ts';
import { contiguity, waitUntil } from '../helpers/http.ts';

/** Market steps of two symbols: about 30 events each, so over 100 000 events in all. */
const STEPS = 3500;
let total: number;
let server: TestServer;

test.before(async () => {
  const db = path.join(tempDir(), 'big.db');
  // Trades and quotes as the market model writes them, with the checkpoint a server continues from.
  total = buildLog(db, [builtinSymbol('AAPL')!, builtinSymbol('MSFT')!], STEPS);
  assert.ok(total > 100_000, `${total} events`);
  server = await startTestServer({ db, interval: 1000000, symbols: 'AAPL,MSFT' });
});
test.after(() => server.close());

function replayed(): Promise<number> {
  return fetch(`${server.url}/metrics`)
    .then((r) => r.text())
    .then((text) => Number(/^ticktape_replayed_events_total (\d+)/m.exec(text)?.[1]));
}

test('a paused replaying client holds the replay at the socket, then gets everything in order', async () => {
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': '0' });
  conn.pause();
  // Wait until the replay stops advancing: the socket is full and the server waits for 'drain'.
  let previous = -1;
  let steady = 0;
  const stalledAt = await waitUntil(async () => {
    const now = await replayed();
    steady = now === previous ? steady + 1 : 0;
    previous = now;
    return steady >= 20 ? now : undefined;
  }, 'the replay to stall', 20000, 25);
  assert.ok(stalledAt > 0, 'some events were replayed');
  assert.ok(stalledAt < total, `the replay waited for the client (stalled at ${stalledAt} of ${total})`);

  conn.resume();
  const events = await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), total, 60000);
  conn.close();
  const kinds = new Set(events.map((e) => e.event));
  assert.ok(kinds.has('tick') && kinds.has('quote'), `every kind is replayed: ${[...kinds].join(', ')}`);
  const ids = events.map((e) => Number(e.id));
  assert.is(ids[0], 1);
  assert.is(ids.length, total);
  assert.is(contiguity(ids), null);
});

test.run();

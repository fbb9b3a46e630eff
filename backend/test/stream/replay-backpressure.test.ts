// Replay reads the log in pages and waits for the socket to drain: a client resuming from the
// start of a large log that stops reading does not make the server read the whole log into memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { openLog } from '../../log/log.ts';
import type { TickDraft } from '../../types.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse } from '../helpers/sse-client.ts';
import { contiguity, waitUntil } from '../helpers/http.ts';

const TOTAL = 100_000;
let server: TestServer;

function draft(i: number): TickDraft {
  const price = 100 + (i % 100) / 100;
  return { ts: 1_700_000_000_000 + i, symbol: i % 2 ? 'AAPL' : 'MSFT', price, bid: price - 0.01, ask: price + 0.01, size: 100, volume: 100 * i, open: 100, high: 101, low: 99, prevClose: 100, change: price - 100, changePct: price - 100 };
}

test.before(async () => {
  const db = path.join(tempDir(), 'big.db');
  const log = openLog({ path: db, retention: 1_000_000 });
  for (let i = 0; i < TOTAL; i += 1000) log.append(Array.from({ length: 1000 }, (_, k) => draft(i + k)));
  log.close();
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
  assert.ok(stalledAt < TOTAL, `the replay waited for the client (stalled at ${stalledAt} of ${TOTAL})`);

  conn.resume();
  const ticks = await conn.waitForCount((e) => e.event === 'tick', TOTAL, 60000);
  conn.close();
  const ids = ticks.map((e) => Number(e.id));
  assert.is(ids[0], 1);
  assert.is(ids.length, TOTAL);
  assert.is(contiguity(ids), null);
});

test.run();

// A client that stops reading is cut off once its unsent output passes the cap; it is counted,
// the others are unaffected, and it loses nothing since it can resume from the log.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf } from '../helpers/sse-client.ts';
import { contiguity, getJson, waitUntil } from '../helpers/http.ts';

let server: TestServer;

test.before(async () => {
  // A small cap so the kernel's socket buffers fill quickly; the mechanism is the one at 1 MiB.
  // Up to 6000 events a second (12 a 2 ms step), as many as the twelve default symbols' ticks were
  // before event kinds; the default budget, one event a step, would take far longer to fill them.
  server = await startTestServer({ interval: 2, seed: 9, 'max-events-per-second': 6000 }, { maxClientBufferBytes: 64 * 1024 });
});
test.after(() => server.close());

test('a stalled client is disconnected and counted; a reading client keeps every event', async () => {
  const healthy = await connectSse(`${server.url}/stream`);
  const stalled = await connectSse(`${server.url}/stream`);
  stalled.pause();
  const slowDisconnects = async () =>
    Number(/^ticktape_slow_client_disconnects_total (\d+)/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
  await waitUntil(async () => (await slowDisconnects()) >= 1, 'the server to cut off the stalled client', 20000);
  assert.is(await slowDisconnects(), 1, 'only the stalled client is cut off');
  assert.is((await getJson(`${server.url}/healthz`)).body.clients, 1);
  // Its end of the connection sees the hang-up once it reads what was already in flight.
  stalled.resume();
  await stalled.ended;

  await healthy.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 2000, 20000);
  healthy.close();
  assert.is(contiguity(marketEventsOf(healthy.events).map((t) => t.id)), null);

  // The cut-off client resumes from the last id it received and loses nothing.
  const lastSeen = stalled.events.at(-1)!.lastEventId;
  const resumed = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': lastSeen });
  await resumed.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 100);
  resumed.close();
  const ids = [...marketEventsOf(stalled.events), ...marketEventsOf(resumed.events)].map((t) => t.id);
  assert.is(contiguity(ids), null);
});

test.run();

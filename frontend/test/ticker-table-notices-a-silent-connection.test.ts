// A proxy between the page and the server swallows the table's stream: both sockets stay open, so
// the browser sees no error and would wait for ever. The table hears no heartbeat event for 2.5
// periods, drops the connection and resumes from its last id on a new one (through the proxy,
// which forwards new connections as usual), and its `ticker-tick` ids run on with no gap and no
// duplicate, equal to the log.
import * as assert from 'uvu/assert';
import { getJson, waitForLastId, waitUntil } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { startSilentProxy, type SilentProxy } from './helpers/silent-proxy.ts';
import { installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; proxy: SilentProxy; pages: PageServer }>('ticker-table notices a silent connection');
// A short heartbeat, so the silence is noticed in about a second rather than 38 s.
const HEARTBEAT_MS = 250;

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, symbols: 'AAPL,MSFT', seed: 11, heartbeat: HEARTBEAT_MS });
  state.proxy = await startSilentProxy(state.server.port);
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.proxy.close());
  test.cleanup(() => state.pages.close());
});

/** Records every `ticker-state` the page's tables dispatch. */
function installStateRecorder(): void {
  const states: { state: string; message?: string }[] = [];
  (window as unknown as { __states: typeof states }).__states = states;
  document.addEventListener('ticker-state', (event) => {
    const { state, message } = (event as CustomEvent<{ state: string; message?: string }>).detail;
    states.push({ state, message });
  });
}

test('a swallowed stream: the table reconnects with its last id, ticks contiguous with the log', async ({ page, server, proxy, pages }) => {
  await page.addInitScript(installPageRecorder);
  await page.addInitScript(installStateRecorder);
  // The bundle straight from the server; the stream (and the API beside it) through the proxy.
  await page.goto(pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${proxy.url}/stream"></ticker-table>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('live');
  await table.waitForPriceChange();
  assert.match(proxy.streamRequests()[0], /[?&]heartbeat=event[& ]/, 'the table asks for heartbeat events');

  const before = proxy.streamRequests().length;
  const silenced = proxy.silenceStreams();
  assert.is(silenced.length, 1, 'the table’s one stream');
  const lastBefore = await waitUntil(async () => {
    const ids = await table.tickIds();
    return ids.length ? ids[ids.length - 1] : undefined;
  }, 'a tick before the silence');

  // Nothing tells the browser: only the table's watchdog can open a new stream.
  const [resumed] = await waitUntil(() => {
    const lines = proxy.streamRequests();
    return lines.length > before ? lines.slice(before) : undefined;
  }, 'a new /stream request through the proxy', 30_000);
  // The proxy ends nothing it has silenced, and the server had not ended it either: no close or error
  // reached the browser, so the new request is the watchdog's. (The browser closes its side as it
  // drops the stream.)
  assert.not.ok(silenced[0].upstream.destroyed, 'the server still holds the swallowed stream open');
  assert.match(resumed, /[?&]lastEventId=\d+/, `resumed from an id: ${resumed}`);

  const target = await waitForLastId(server.url, lastBefore + 40);
  await table.waitForLastSeenId(target, 30_000);
  await table.waitForState('live');
  const states = (await page.evaluate(() => (window as any).__states)) as { state: string; message?: string }[];
  assert.ok(
    states.some((s) => s.state === 'reconnecting' && /^No data for [\d.]+ s; reconnecting…$/.test(s.message ?? '')),
    `said why it reconnected: ${JSON.stringify(states)}`,
  );

  const seen = await table.tickIds();
  assert.ok(seen.some((id) => id > lastBefore + 20), 'ticks after the silence');
  const last = seen[seen.length - 1];
  const { body } = await getJson(`${server.url}/api/ticks?after=${seen[0] - 1}&limit=10000`);
  const logged = (body.ticks as { id: number }[]).map((t) => t.id).filter((id) => id <= last);
  assert.equal(seen, logged, 'every logged tick once, in order, across the silence');
});

test.run();

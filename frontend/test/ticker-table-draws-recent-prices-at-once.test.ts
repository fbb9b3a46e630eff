// A table's sparklines start with the recent prices of its symbols from the log (one request:
// /api/quotes?history=N), not from a single point: on a paused server, where no live tick comes,
// every sparkline draws the last `sparkline-length` prices of its symbol. Once ticks flow again they
// extend that history without drawing any tick twice.
import * as assert from 'uvu/assert';
import type { Tick } from '../../backend/types.ts';
import { getJson, postJson, waitForLastId, waitUntil } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { sparklinePoints } from '../src/format.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table draws recent prices at once');
const TOKEN = 's3cret';
const LENGTH = 10;
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA'];

test.before(async (state) => {
  state.server = await startTestServer({ interval: 20, symbols: SYMBOLS.join(','), seed: 9, 'admin-token': TOKEN });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
  await waitForLastId(state.server.url, 10 * LENGTH);
});

const admin = (server: TestServer, action: 'pause' | 'resume') =>
  postJson(`${server.url}/api/admin/${action}`, {}, { Authorization: `Bearer ${TOKEN}` });

/** The sparkline the table should draw for `symbol`: its last LENGTH prices in the log up to `upTo`. */
async function expectedSparkline(server: TestServer, symbol: string, upTo: number): Promise<string> {
  const ticks: Tick[] = (await getJson(`${server.url}/api/ticks?after=0&limit=10000&symbols=${symbol}`)).body.ticks;
  const prices = ticks.filter((t) => t.id <= upTo).map((t) => t.price).slice(-LENGTH);
  return sparklinePoints(prices, 96, 24, 2); // the component's viewBox and inset
}

test('sparklines have the log’s recent prices before the first live tick, then carry on', async ({ page, server, pages }) => {
  assert.is((await admin(server, 'pause')).status, 200);
  const { lastEventId } = (await getJson(`${server.url}/api/quotes`)).body;
  await page.addInitScript(installPageRecorder);
  const body = `<ticker-table id="t" src="${server.url}/stream" sparkline-length="${LENGTH}"></ticker-table>`;
  await page.goto(pages.set('/', embedPage(server.url, body)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForRows(SYMBOLS.length);

  // Poll with a deadline: the history request and the stream's snapshot race.
  const want: Record<string, string> = Object.fromEntries(
    await Promise.all(SYMBOLS.map(async (s) => [s, await expectedSparkline(server, s, lastEventId)] as const)),
  );
  await waitUntil(async () => {
    const rows = await table.rows();
    return rows.every((r) => r.sparkline === want[r.symbol]);
  }, 'every sparkline to draw its symbol’s recent prices', 15_000, 50).catch(async (err) => {
    throw new Error(`${err.message}: ${JSON.stringify(await table.rows())} vs ${JSON.stringify(want)}`);
  });
  assert.ok(Object.values(want).every((points) => points.split(' ').length === LENGTH), 'LENGTH points each');
  assert.equal(await table.tickIds(), [], 'before any live tick');

  // Live again: new ticks extend the history, none is drawn twice.
  assert.is((await admin(server, 'resume')).status, 200);
  await table.waitForPriceChange();
  assert.is((await admin(server, 'pause')).status, 200);
  const head = (await getJson(`${server.url}/api/quotes`)).body.lastEventId;
  await table.waitForLastSeenId(head);
  // The cursor moves as ticks arrive; rows render at most once per frame after it, so poll.
  const after: Record<string, string> = Object.fromEntries(
    await Promise.all(SYMBOLS.map(async (s) => [s, await expectedSparkline(server, s, head)] as const)),
  );
  await waitUntil(async () => (await table.rows()).every((r) => r.sparkline === after[r.symbol]), 'sparklines to reach the head', 15_000, 50).catch(
    async (err) => {
      throw new Error(`${err.message}: ${JSON.stringify(await table.rows())} vs ${JSON.stringify(after)}`);
    },
  );
  assert.is((await admin(server, 'resume')).status, 200);
});

test('one request for the history of the table’s symbols', async ({ page, server, pages }) => {
  const requests: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/quotes')) requests.push(new URL(req.url()).search);
  });
  const body = `<ticker-table id="t" src="${server.url}/stream" symbols="NVDA,AAPL" sparkline-length="${LENGTH}"></ticker-table>`;
  await page.goto(pages.set('/two', embedPage(server.url, body)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForRows(2);
  await waitUntil(async () => (await table.rows()).every((r) => r.sparkline.split(' ').length === LENGTH), 'full sparklines', 15_000, 50);
  assert.equal(requests, [`?symbols=${encodeURIComponent('NVDA,AAPL')}&history=${LENGTH}`]);
});

test.run();

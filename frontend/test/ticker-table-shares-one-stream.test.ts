// Ten tables on one page with the same src open one EventSource between them (counted in the page
// and by the server's /healthz `clients`), each showing only its own symbols; a table added later
// with a new symbol re-opens that one stream rather than adding a second.
import * as assert from 'uvu/assert';
import { getJson, waitUntil } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { eventSources, installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table shares one stream');

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN'];
// Ten tables: one per symbol, pairs, and one with everything.
const TABLES = [...SYMBOLS.map((s) => [s]), ['AAPL', 'MSFT'], ['NVDA', 'TSLA'], ['AMZN', 'AAPL'], ['MSFT', 'TSLA'], []];

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, symbols: [...SYMBOLS, 'KO'].join(','), seed: 3 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

const clients = async (server: TestServer) => (await getJson(`${server.url}/healthz`)).body.clients as number;

test('ten tables with one src open one EventSource and each shows its own symbols', async ({ page, server, pages }) => {
  const body = TABLES.map(
    (symbols, i) => `<ticker-table id="t${i}" src="${server.url}/stream"${symbols.length ? ` symbols="${symbols.join(',')}"` : ''}></ticker-table>`,
  ).join('\n');
  await page.addInitScript(installPageRecorder);
  await page.goto(pages.set('/', embedPage(server.url, body)));

  for (const [i, symbols] of TABLES.entries()) {
    const table = new TickerTableHarness(page, `#t${i}`);
    await table.waitForState('live');
    await table.waitForRows(symbols.length || SYMBOLS.length + 1);
    assert.equal(await table.symbols(), symbols.length ? symbols : [...SYMBOLS, 'KO'].sort(), `table ${i}`);
  }
  const sources = await eventSources(page);
  assert.is(sources.length, 1, `one EventSource for ten tables, got ${JSON.stringify(sources)}`);
  assert.is(await clients(server), 1, 'the server sees one stream client');

  // Each table received only its own ticks.
  await new TickerTableHarness(page, '#t0').waitForPriceChange();
  const wrong = await page.evaluate(
    (tables) =>
      (window as any).__ticktape.ticks.filter((t: { el: string; symbol: string }) => {
        const want: string[] = tables[Number(t.el.slice(1))];
        return want.length > 0 && !want.includes(t.symbol);
      }).length,
    TABLES,
  );
  assert.is(wrong, 0);
});

test('a table added later with a new symbol re-opens the one stream from the last id', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  await page.goto(pages.set('/late', embedPage(server.url, `<ticker-table id="a" src="${server.url}/stream" symbols="AAPL"></ticker-table>`)));
  const a = new TickerTableHarness(page, '#a');
  await a.waitForState('live');
  await a.waitForPriceChange();

  await page.evaluate((src) => {
    const t = document.createElement('ticker-table');
    t.id = 'b';
    t.setAttribute('src', src);
    t.setAttribute('symbols', 'KO');
    document.body.append(t);
  }, `${server.url}/stream`);
  const b = new TickerTableHarness(page, '#b');
  await b.waitForState('live');
  await b.waitForRows(1);
  await waitUntil(async () => (await eventSources(page)).filter((s) => s.open).length === 1, 'one open EventSource');
  const sources = await eventSources(page);
  const open = sources.filter((s) => s.open);
  assert.match(open[0].url, /symbols=AAPL%2CKO|symbols=AAPL,KO/);
  assert.match(open[0].url, /lastEventId=\d+/, 're-opened with the last id');
  await waitUntil(async () => (await clients(server)) === 1, 'the server to see one client');

  // Table A did not lose or repeat a tick across the switch.
  await b.waitForPriceChange();
  const seen = await a.tickIds();
  const { body } = await getJson(`${server.url}/api/ticks?after=${seen[0] - 1}&symbols=AAPL&limit=10000`);
  const logged = (body.ticks as { id: number }[]).map((t) => t.id).filter((id) => id <= seen[seen.length - 1]);
  assert.equal(seen, logged);
});

test.run();

// Embedded on another site without `src`, a table reads /stream of that site's own origin, which is
// not a ticktape server: its error names the URL it tried and says that `src` is probably missing,
// whether that site answers 404 or a page of its own (200 text/html, as single-page apps do).
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table names the URL it tried');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, symbols: 'AAPL,MSFT', seed: 3 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

test('no src on a foreign origin that answers 404: the URL and the missing src', async ({ page, server, pages }) => {
  await page.goto(pages.set('/no-src', embedPage(server.url, `<ticker-table id="t" symbols="AAPL"></ticker-table>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('error');
  const message = (await table.message())!;
  assert.ok(message.includes(`${pages.url}/stream`), `names the URL: ${message}`);
  assert.match(message, /404/);
  assert.match(message, /no src/);
  assert.match((await table.status()).message!, /set src to your ticktape server/);
});

test('no src on a foreign origin that answers a page of its own: the URL, its type, and the missing src', async ({ page, server }) => {
  const spa = await startPageServer(); // a site of its own, answering every path it knows with HTML
  spa.set('/stream', '<!doctype html><title>Not a stream</title>');
  try {
    await page.goto(spa.set('/', embedPage(server.url, `<ticker-table id="t"></ticker-table>`)));
    const table = new TickerTableHarness(page, '#t');
    await table.waitForState('error');
    const message = (await table.message())!;
    assert.ok(message.includes(`${spa.url}/stream`), `names the URL: ${message}`);
    assert.match(message, /text\/html/);
    assert.match(message, /no src/);
  } finally {
    await spa.close();
  }
});

test('a wrong src names the URL but does not talk of a missing src', async ({ page, server, pages }) => {
  const src = `${server.url}/nowhere/stream`;
  await page.goto(pages.set('/wrong-src', embedPage(server.url, `<ticker-table id="t" src="${src}"></ticker-table>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('error');
  const message = (await table.message())!;
  // ticktape's own 404 is JSON: its message names the route it has not got.
  assert.match(message, /\/nowhere\/stream/);
  assert.not.match(message, /no src/);
});

test.run();

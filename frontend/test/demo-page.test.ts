// The demo page at `/`: the whole universe live, a symbol filter, the embed snippet with the
// server's real address, working links to the API, a light/dark switch, and all of it under the
// page's Content-Security-Policy.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { waitUntil } from '../../backend/test/helpers/http.ts';
import { browserSuite } from './helpers/browser.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer }>('demo page');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, seed: 6 });
  test.cleanup(() => state.server.close());
});

test('shows the whole universe live', async ({ page, server }) => {
  await page.goto(server.url + '/');
  const table = new TickerTableHarness(page, '#live-table');
  await table.waitForState('live');
  const { symbols } = (await (await fetch(`${server.url}/api/symbols`)).json()) as { symbols: { symbol: string }[] };
  await table.waitForRows(symbols.length);
  assert.equal(await table.symbols(), symbols.map((s) => s.symbol).sort());
  await table.waitForPriceChange();
});

test('the filter narrows the table to the typed symbols, and "All" restores it', async ({ page, server }) => {
  await page.goto(server.url + '/');
  const table = new TickerTableHarness(page, '#live-table');
  await table.waitForRows(5);
  await page.fill('#filter-input', 'msft, aapl');
  await page.click('#filter-form button[type="submit"]');
  await waitUntil(() => page.evaluate(() => (document.querySelector('#live-table') as any).symbols === 'MSFT,AAPL'), 'symbols MSFT,AAPL');
  await table.waitForState('live');
  await table.waitForRows(2);
  assert.equal(await table.symbols(), ['MSFT', 'AAPL']);
  await table.waitForPriceChange();
  assert.match(page.url(), /symbols=MSFT%2CAAPL|symbols=MSFT,AAPL/, 'the filter is kept in the address');

  // Chips toggle symbols too.
  await page.click('.chip[title]:has-text("NVDA")');
  await waitUntil(() => page.evaluate(() => (document.querySelector('#live-table') as any).symbols === 'MSFT,AAPL,NVDA'), 'symbols MSFT,AAPL,NVDA');
  await table.waitForRows(3);

  await page.click('#filter-clear');
  await table.waitForRows(10);
});

test('the embed snippet uses the server’s real address', async ({ page, server }) => {
  await page.goto(server.url + '/');
  const code = await page.textContent('#snippet');
  assert.ok(code!.includes(`<script type="module" src="${server.url}/ticktape.js"></script>`), code!);
  assert.ok(code!.includes(`<ticker-table src="${server.url}/stream"`), code!);
});

test('links to the API answer', async ({ page, server }) => {
  await page.goto(server.url + '/');
  // Resolved against the page (the hrefs are relative, for hosting under a proxy's prefix).
  const hrefs = await page.$$eval('#api a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
  for (const path of ['/api/symbols', '/api/quotes', '/api/events', '/api/ticks', '/healthz', '/metrics']) {
    const href = hrefs.find((h) => new URL(h).pathname === path);
    assert.ok(href, `a link to ${path}`);
    const res = await fetch(href!);
    assert.is(res.status, 200, href);
    await res.arrayBuffer();
  }
});

test('under its Content-Security-Policy the page and its table work, with no violation reported', async ({ page, server }) => {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).reportViolation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  const response = await page.goto(server.url + '/');
  assert.match(String(response!.headers()['content-security-policy']), /script-src 'self'/);
  const table = new TickerTableHarness(page, '#live-table');
  await table.waitForState('live');
  await table.waitForRows(5);
  await table.waitForPriceChange();
  // The page's other widgets run too: the filter and the health strip.
  await page.fill('#filter-input', 'aapl');
  await page.click('#filter-form button[type="submit"]');
  await table.waitForRows(1);
  await waitUntil(() => page.evaluate(() => document.querySelector('#health-last')!.textContent !== '—'), 'the health strip to show the last id');
  assert.equal(violations, []);
});

test('light and dark: the system scheme by default, or the one picked', async ({ page, server }) => {
  const background = () => page.$eval('#live-table', (el) => getComputedStyle(el).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(server.url + '/');
  await new TickerTableHarness(page, '#live-table').waitForRows(1);
  const dark = await background();
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  assert.is.not(dark, light, 'follows prefers-color-scheme');
  await page.click('[data-theme-choice="dark"]');
  assert.is(await background(), dark, 'the page’s --ticker-* properties win over the system scheme');
});

test.run();

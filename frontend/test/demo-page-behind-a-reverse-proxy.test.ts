// The demo page behind nginx under a prefix, with the README's configuration: styled, live, and
// asking for nothing outside the prefix; and, with HTTP/2 in front, more streams on one page than
// HTTP/1.1's six connections per origin would allow.
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { getJson } from '../../backend/test/helpers/http.ts';
import { nginxSuite, readmeNginxConfig, startNginx, type NginxHandle } from '../../backend/test/helpers/nginx.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness, eventSources, installPageRecorder } from './helpers/ticker-table-harness.ts';

const TITLE = 'demo page behind a reverse proxy';
const test = nginxSuite(TITLE, browserSuite<{ server: TestServer; nginx: NginxHandle; prefix: string }>(TITLE));

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, seed: 6 });
  test.cleanup(() => state.server.close());
  state.nginx = await startNginx({ server: readmeNginxConfig(state.server.url) });
  test.cleanup(() => state.nginx.stop());
  state.prefix = `${state.nginx.url}/ticktape/`;
});

/** Every request the page makes, and every one that failed (no answer, or a 4xx/5xx). */
function watchRequests(page: Page): { urls: string[]; failures: string[] } {
  const seen = { urls: [] as string[], failures: [] as string[] };
  page.on('request', (r) => {
    if (!r.url().startsWith('data:')) seen.urls.push(r.url());
  });
  page.on('requestfailed', (r) => {
    // A stream the page closes itself (a replay handing over to the shared feed) ends as aborted.
    if (r.resourceType() === 'eventsource' && r.failure()?.errorText === 'net::ERR_ABORTED') return;
    seen.failures.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) seen.failures.push(`${r.url()}: ${r.status()}`);
  });
  return seen;
}

test('under /ticktape/ the page is styled, goes live, and asks for nothing outside the prefix', async ({ page, prefix }) => {
  const requests = watchRequests(page);
  await page.goto(prefix); // resolves at the load event: the page's own script and styles are in
  const outside = () => requests.urls.filter((url) => !url.startsWith(prefix));
  assert.equal(outside(), [], 'no request outside /ticktape/');
  assert.equal(requests.failures, [], 'no request failed');

  const live = new TickerTableHarness(page, '#live-table');
  await live.waitForState('live');
  await live.waitForRows(10);
  await live.waitForPriceChange();
  await page.waitForSelector('.chip[title]'); // the universe, from api/symbols
  await page.waitForFunction(() => document.getElementById('health-status')?.textContent === 'generating'); // healthz
  await page.click('#replay-start');
  await new TickerTableHarness(page, '#replay-table').waitForState('live');

  const styles = await page.evaluate(() => {
    const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')];
    const look = () => {
      const body = getComputedStyle(document.body);
      return [body.margin, body.fontFamily, body.backgroundColor, body.color].join(' | ');
    };
    const styled = look();
    for (const link of links) if (link.sheet) link.sheet.disabled = true;
    const unstyled = look();
    for (const link of links) if (link.sheet) link.sheet.disabled = false;
    return { sheets: links.map((l) => ({ href: l.href, rules: l.sheet?.cssRules.length ?? 0 })), styled, unstyled };
  });
  assert.ok(styles.sheets.length > 0, 'the page links its styles');
  for (const sheet of styles.sheets) assert.ok(sheet.rules > 0, `${sheet.href} loaded`);
  assert.is.not(styles.styled, styles.unstyled, 'the styles apply');

  const snippet = (await page.textContent('#snippet'))!;
  assert.ok(snippet.includes(`<script type="module" src="${prefix}ticktape.js"></script>`), snippet);
  assert.ok(snippet.includes(`<ticker-table src="${prefix}stream"`), snippet);

  const links = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
  for (const link of links) assert.ok(link.startsWith(prefix), `link ${link} stays under the prefix`);

  assert.equal(requests.failures, [], 'no request failed');
  assert.ok(requests.urls.length > 0);
  assert.equal(outside(), [], 'no request outside /ticktape/');
});

test('with HTTP/2 in front, eight tables with eight streams on one page are all live', async ({ browser, server }) => {
  const h2 = await startNginx({ server: readmeNginxConfig(server.url), http2: true });
  test.cleanup(() => h2.stop());
  const pages: PageServer = await startPageServer();
  test.cleanup(() => pages.close());
  const tables = Array.from({ length: 8 }, (_, i) => `<ticker-table id="t${i}" src="${h2.url}/ticktape/stream?table=${i}" symbols="AAPL"></ticker-table>`);
  const url = pages.set('/eight.html', embedPage(`${h2.url}/ticktape`, tables.join('\n')));

  const context = await browser.newContext({ ignoreHTTPSErrors: true }); // the certificate is self-signed
  try {
    await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
    await context.addInitScript(installPageRecorder);
    const page = await context.newPage();
    await page.goto(url);
    for (let i = 0; i < 8; i++) await new TickerTableHarness(page, `#t${i}`).waitForState('live');

    const open = (await eventSources(page)).filter((e) => e.open);
    assert.is(new Set(open.map((e) => new URL(e.url).searchParams.get('table'))).size, 8, 'eight streams open at once');
    const { body } = await getJson(`${server.url}/healthz`);
    assert.ok(body.clients >= 8, `the server serves ${body.clients} streams`);
    assert.match(h2.accessLog(), /"GET \/ticktape\/ticktape\.js HTTP\/2\.0"/, 'the browser spoke HTTP/2');
  } finally {
    await context.close();
  }
});

test.run();

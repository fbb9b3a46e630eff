// Eight tables with eight different srcs on one HTTP/1.1 server: the browser opens six streams and
// the last two wait for a connection that never comes. Those two say why in their status (the limit
// of six connections per server) and how to fix it, instead of "Connecting…" with no reason; the
// six others are live. The wait before saying so is shortened through the hub's internal option.
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table says why it cannot connect');
const TABLES = 8;

test.before(async (state) => {
  state.server = await startTestServer({ interval: 100, symbols: 'AAPL,MSFT', seed: 8 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

test('the 7th and 8th of eight tables with distinct srcs name the HTTP/1.1 limit and the fixes', async ({ page, server, pages }) => {
  // The tables are added only once the option is set (the hub reads it when a table subscribes).
  const script = `<script type="module">
    import { pageFeedHub } from '${server.url}/ticktape.js';
    pageFeedHub().slowConnectionMs = 300;
    document.getElementById('tables').innerHTML = Array.from({ length: ${TABLES} }, (_, i) =>
      '<ticker-table id="t' + i + '" symbols="AAPL" src="${server.url}/stream?table=' + i + '"></ticker-table>').join('');
  </script>`;
  await page.goto(pages.set('/eight', embedPage(server.url, `<div id="tables"></div>${script}`)));
  const tables = Array.from({ length: TABLES }, (_, i) => new TickerTableHarness(page, `#t${i}`));

  // Poll (with a deadline) until every table is either live or says why it is waiting.
  await page.waitForFunction(
    (n) => {
      const els = [...document.querySelectorAll('ticker-table')] as any[];
      return els.length === n && els.every((el) => el.state === 'live' || (el.state === 'connecting' && el.status.message));
    },
    TABLES,
    { timeout: 20_000, polling: 100 },
  );
  const statuses = await Promise.all(tables.map((t) => t.status()));
  const live = statuses.filter((s) => s.state === 'live');
  const waiting = tables.filter((_, i) => statuses[i].state === 'connecting');
  assert.is(live.length, 6, `six live: ${JSON.stringify(statuses)}`);
  assert.is(waiting.length, 2);
  for (const table of waiting) {
    const text = await table.statusText();
    assert.match(text, /Connecting/);
    assert.match(text, /6 connections per server over HTTP\/1\.1/);
    assert.match(text, /one src/);
    assert.match(text, /HTTP\/2/);
  }
});

test.run();

// A page has six HTTP/1.1 connections per origin. One live table and five replaying ones (each
// on symbols the others lack, so their streams are differently filtered) use six streams while
// the replays run; once they have caught up every replaying table is handed over to the shared
// stream and the page is back to one EventSource, so a seventh table still gets its /api/quotes
// answered and goes live. Every table dispatches each of its ticks once, in order.
import * as assert from 'uvu/assert';
import { waitUntil } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { eventSources, installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table replays hand over their streams');
const REPLAYED = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN'];

test.before(async (state) => {
  state.server = await startTestServer({ interval: 20, symbols: [...REPLAYED, 'KO', 'JPM'].join(','), seed: 7 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

test('five finished replays leave one stream, and a seventh table still goes live', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  await page.goto(pages.set('/', embedPage(server.url, `<ticker-table id="live" src="${server.url}/stream" symbols="KO"></ticker-table>`)));
  const live = new TickerTableHarness(page, '#live');
  await live.waitForState('live');
  await live.waitForPriceChange();

  await page.evaluate(
    ({ src, symbols }) => {
      for (const symbol of symbols) {
        const t = document.createElement('ticker-table');
        t.id = `replay-${symbol}`;
        t.setAttribute('src', src);
        t.setAttribute('symbols', symbol);
        t.setAttribute('last-event-id', '0');
        document.body.append(t);
      }
    },
    { src: `${server.url}/stream`, symbols: REPLAYED },
  );
  for (const symbol of REPLAYED) await new TickerTableHarness(page, `#replay-${symbol}`).waitForState('live', 30_000);
  const open = async () => (await eventSources(page)).filter((s) => s.open);
  await waitUntil(async () => (await open()).length === 1, 'one EventSource left after the replays', 15_000, 50);

  await page.evaluate((src) => {
    const t = document.createElement('ticker-table');
    t.id = 'seventh';
    t.setAttribute('src', src);
    t.setAttribute('symbols', 'JPM');
    document.body.append(t);
  }, `${server.url}/stream`);
  const seventh = new TickerTableHarness(page, '#seventh');
  await seventh.waitForState('live');
  await seventh.waitForRows(1);
  await seventh.waitForPriceChange();
  assert.is((await open()).length, 1, 'still one EventSource');

  for (const symbol of REPLAYED) {
    const ids = await new TickerTableHarness(page, `#replay-${symbol}`).tickIds();
    assert.ok(ids.length > 0 && ids.every((id, i) => i === 0 || id > ids[i - 1]), `${symbol}: each id once, in order`);
  }
  const liveIds = await live.tickIds();
  assert.ok(liveIds.every((id, i) => i === 0 || id > liveIds[i - 1]), 'the live table: each id once, in order');
});

test.run();

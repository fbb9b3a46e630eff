// On a server running market model 2 (trades, quotes and status events on one id sequence): the
// table keeps each row's bid and ask (and their sizes) at the quote in force, which after a pause
// is exactly /api/quotes'; its caption says the market's session in words; its `market` property and
// `ticker-market` events (bubbling, composed) carry the session and the exchange clock; and the demo
// page shows that clock in New York time, also on a phone. (Needs the model-2 backend.)
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table shows the market session');

const TOKEN = 's3cret';
const LABELS: Record<string, string> = {
  'pre-market': 'Pre-market',
  regular: 'Market open',
  'after-hours': 'After-hours',
  closed: 'Market closed',
};
const MARKET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/;

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, symbols: 'AAPL,MSFT,NVDA', seed: 8, 'admin-token': TOKEN });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

const admin = (server: TestServer, action: 'pause' | 'resume') =>
  fetch(`${server.url}/api/admin/${action}`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } }).then((r) => {
    if (!r.ok) throw new Error(`${action}: ${r.status}`);
  });

test('bid, ask and sizes follow the quotes; the caption says the session; market and ticker-market', async ({ page, server, pages }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __markets: { session: string; marketTime: string; bubbles: boolean; composed: boolean }[] };
    w.__markets = [];
    document.addEventListener('ticker-market', (e) => {
      const ev = e as CustomEvent<{ session: string; marketTime: string }>;
      w.__markets.push({ ...ev.detail, bubbles: ev.bubbles, composed: ev.composed });
    });
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(pages.set('/', embedPage(server.url, `<div><ticker-table id="t" src="${server.url}/stream"></ticker-table></div>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('live');
  await table.waitForRows(3);
  await table.waitForMarket();

  const market = (await table.market())!;
  assert.ok(market.session in LABELS, market.session);
  assert.match(market.marketTime, MARKET_TIME);
  assert.is(await table.session(), LABELS[market.session], 'the session in words beside the caption');
  assert.is(await table.caption(), 'Live quotes', 'the caption itself unchanged');
  const events = await page.evaluate(() => (window as any).__markets as { session: string; marketTime: string; bubbles: boolean; composed: boolean }[]);
  assert.ok(events.length >= 1, 'ticker-market reached the document');
  assert.ok(events.every((e) => e.bubbles && e.composed));
  assert.ok(events.every((e) => e.session in LABELS && MARKET_TIME.test(e.marketTime)));
  assert.equal(await table.visibleColumnHeaders(), ['Symbol', 'Last', 'Change', 'Change %', 'Bid size', 'Bid', 'Ask', 'Ask size', 'Volume', 'Trend']);

  // Paused, the table catches up with the log's last event (often a quote); its bid and ask are then
  // exactly the quote in force, which /api/quotes gives.
  await admin(server, 'pause');
  try {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { lastEventId: number };
    await table.waitForLastSeenId(health.lastEventId);
    assert.is(await table.lastSeenId(), health.lastEventId, 'the cursor moved over every kind of event');
    const api = (await (await fetch(`${server.url}/api/quotes`)).json()) as {
      quotes: { symbol: string; bid: number; ask: number; bidSize: number; askSize: number }[];
      session?: string;
    };
    const shown = await table.quotes();
    for (const q of api.quotes) {
      const row = shown.find((s) => s.symbol === q.symbol)!;
      assert.equal(
        { bid: row.bid, ask: row.ask, bidSize: row.bidSize, askSize: row.askSize },
        { bid: q.bid, ask: q.ask, bidSize: q.bidSize, askSize: q.askSize },
        q.symbol,
      );
    }
    if (api.session) assert.is((await table.market())!.session, api.session);
    // The cells say the same, formatted (rendered at the next frame).
    const formatted = await page.evaluate((quotes) => {
      const price = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      const count = new Intl.NumberFormat();
      return quotes.map((q) => ({ symbol: q.symbol, bid: price.format(q.bid), ask: price.format(q.ask), bidSize: count.format(q.bidSize), askSize: count.format(q.askSize) }));
    }, api.quotes);
    const deadline = Date.now() + 15_000;
    let cells = await table.rows();
    const matches = () => formatted.every((f) => cells.some((c) => c.symbol === f.symbol && c.bid === f.bid && c.ask === f.ask && c.bidSize === f.bidSize && c.askSize === f.askSize));
    while (!matches() && Date.now() < deadline) cells = await table.rows();
    assert.ok(matches(), `cells ${JSON.stringify(cells)} vs ${JSON.stringify(formatted)}`);
  } finally {
    await admin(server, 'resume');
  }
});

test('the demo page shows the simulated market clock, on a phone too', async ({ page, server }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(server.url + '/');
  const table = new TickerTableHarness(page, '#live-table');
  await table.waitForRows(3);
  await table.waitForMarket();
  await page.waitForFunction(() => !document.getElementById('market-clock')!.hidden);
  const clock = await page.$eval('#market-clock', (el) => {
    const r = el.getBoundingClientRect();
    return { text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(), visible: (el.querySelector('time')!.textContent ?? '').trim(), datetime: el.querySelector('time')!.dateTime, left: r.left, right: r.right };
  });
  assert.match(
    clock.visible,
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} ET · (Pre-market session|Regular session|After-hours session|Market closed)$/,
  );
  assert.match(clock.text, /^Simulated market clock: /, 'named for screen readers');
  assert.match(clock.datetime, MARKET_TIME);
  assert.ok(clock.left >= 0 && clock.right <= 390, `on screen (${clock.left}–${clock.right})`);
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling');
  assert.equal(await table.visibleColumnHeaders(), ['Symbol', 'Last', 'Change %', 'Trend'], 'the phone’s columns, no sizes');
  const badge = await page.$eval('#live-table', (el) => {
    const b = el.shadowRoot!.querySelector('[part~="session"]')!;
    const r = b.getBoundingClientRect();
    return { right: r.right, shown: b.getClientRects().length > 0 };
  });
  assert.ok(badge.shown && badge.right <= 390, 'the session badge is on screen');
});

test.run();

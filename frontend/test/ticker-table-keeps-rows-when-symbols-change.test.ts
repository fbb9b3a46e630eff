// Changing a table's `symbols` keeps the rows of the symbols it keeps (no empty "Connecting…" in
// between) and carries on from its lastSeenId: every tick of a kept symbol is dispatched once, with
// no gap across the change (checked against GET /api/ticks); an added symbol gets its row at once.
import * as assert from 'uvu/assert';
import { getJson, waitForLastId } from '../../backend/test/helpers/http.ts';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { installPageRecorder, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table keeps rows when symbols change');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT,NVDA', seed: 8 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
  await waitForLastId(state.server.url, 30);
});

/** The log ids of `symbol`'s ticks after `after` up to `upTo`. */
async function logIds(server: TestServer, symbol: string, after: number, upTo: number): Promise<number[]> {
  const ids: number[] = [];
  let next: number | null = after;
  while (next !== null && next < upTo) {
    const { body }: { body: { ticks: { id: number }[]; next: number | null } } = await getJson(
      `${server.url}/api/ticks?after=${next}&limit=10000&symbols=${symbol}`,
    );
    for (const t of body.ticks) if (t.id <= upTo) ids.push(t.id);
    next = body.next;
  }
  return ids;
}

test('AAPL,MSFT → MSFT,NVDA: the MSFT row stays and no MSFT tick is skipped', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  await page.goto(pages.set('/', embedPage(server.url, `<ticker-table id="t" src="${server.url}/stream" symbols="AAPL,MSFT"></ticker-table>`)));
  const table = new TickerTableHarness(page, '#t');
  await table.waitForState('live');
  const start = (await table.lastSeenId())!;
  await table.waitForLastSeenId(start + 10);

  const rowsRightAfter = await page.$eval('#t', async (el: any) => {
    el.setAttribute('symbols', 'MSFT,NVDA');
    await el.updateComplete;
    return [...el.shadowRoot.querySelectorAll('tbody tr[data-symbol]')].map((tr: Element) => tr.getAttribute('data-symbol'));
  });
  assert.equal(rowsRightAfter, ['MSFT'], 'the kept row is still shown; no empty "Connecting…" table');
  await table.waitForRows(2);
  assert.equal(await table.symbols(), ['MSFT', 'NVDA']);
  await table.waitForState('live');
  const changedAt = (await table.lastSeenId())!;
  await table.waitForLastSeenId(changedAt + 30);

  const msft = await page.evaluate(() => (window as any).__ticktape.ticks.filter((t: { symbol: string }) => t.symbol === 'MSFT').map((t: { id: number }) => t.id));
  assert.equal(msft, await logIds(server, 'MSFT', msft[0] - 1, msft[msft.length - 1]), 'every MSFT tick once, across the change');
});

test.run();

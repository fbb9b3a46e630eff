// A live table and a table replaying from the start of a large log (100,000 ticks) on one page and
// src: the replay runs on an EventSource of its own, so the live table keeps receiving ticks (its
// lastSeenId advances) while the replay is still in progress; once caught up, the replaying table
// joins the shared stream (one EventSource left, re-opened from where the replay ended), and the ids it dispatched are contiguous and
// exactly the log's (checked against GET /api/ticks).
import path from 'node:path';
import * as assert from 'uvu/assert';
import { openLog } from '../../backend/log/log.ts';
import type { TickDraft } from '../../backend/types.ts';
import { contiguity, waitUntil } from '../../backend/test/helpers/http.ts';
import { startTestServer, tempDir, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { eventSources, installPageRecorder, logTickIds, TickerTableHarness } from './helpers/ticker-table-harness.ts';

const test = browserSuite<{ server: TestServer; pages: PageServer }>('ticker-table replays without holding live tables back');
const PREFILLED = 100_000;

/** Trade `i` of the prefilled log: a model-2 trade, one every 100 ms of market time from the 09:30 open. */
function draft(i: number): TickDraft {
  const price = 100 + (i % 100) / 100;
  const ms = 9.5 * 3_600_000 + i * 100;
  const two = (n: number) => String(n).padStart(2, '0');
  const marketTime = `2026-01-05T${two(Math.floor(ms / 3_600_000))}:${two(Math.floor(ms / 60_000) % 60)}:${two(Math.floor(ms / 1000) % 60)}.${String(ms % 1000).padStart(3, '0')}-05:00`;
  return {
    ts: 1_700_000_000_000 + i,
    symbol: i % 2 ? 'AAPL' : 'MSFT',
    price,
    bid: price - 0.01,
    ask: price + 0.01,
    size: 100,
    volume: 100 * i,
    open: 100,
    high: 101,
    low: 99,
    prevClose: 100,
    change: price - 100,
    changePct: price - 100,
    bidSize: 300,
    askSize: 300,
    marketTime,
    session: 'regular',
    kind: 'tick',
  };
}

test.before(async (state) => {
  const db = path.join(tempDir(), 'big.db');
  const log = openLog({ path: db, retention: 1_000_000 });
  for (let i = 0; i < PREFILLED; i += 1000) log.append(Array.from({ length: 1000 }, (_, k) => draft(i + k)));
  log.close();
  state.server = await startTestServer({ db, interval: 20, symbols: 'AAPL,MSFT', seed: 6 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

const logIds = (server: TestServer, after: number, upTo: number) => logTickIds(server.url, after, upTo);

test('the live table keeps advancing while another replays the log from 0, then they share one stream', async ({ page, server, pages }) => {
  await page.addInitScript(installPageRecorder);
  await page.addInitScript(() => {
    // For each tick the live table dispatches while the replaying table is still replaying: the
    // live table's lastSeenId, the replaying table's, and the EventSources open at that moment.
    type Moment = { live: number; replay: number; open: string[] };
    const w = window as unknown as { __liveDuringReplay: Moment[]; __ticktape: { eventSources: { url: string; es: EventSource }[] } };
    w.__liveDuringReplay = [];
    document.addEventListener('ticker-tick', (event) => {
      const target = event.target as HTMLElement & { lastSeenId: number | null };
      const replaying = document.querySelector('#replay') as (HTMLElement & { state: string; lastSeenId: number | null }) | null;
      if (target.id === 'live' && replaying?.state === 'replaying') {
        const open = w.__ticktape.eventSources.filter((e) => e.es.readyState !== EventSource.CLOSED).map((e) => e.url);
        w.__liveDuringReplay.push({ live: target.lastSeenId!, replay: replaying.lastSeenId ?? 0, open });
      }
    });
  });
  await page.goto(pages.set('/', embedPage(server.url, `<ticker-table id="live" src="${server.url}/stream"></ticker-table>`)));
  const live = new TickerTableHarness(page, '#live');
  await live.waitForState('live');
  await live.waitForPriceChange();

  await page.evaluate((src) => {
    const t = document.createElement('ticker-table');
    t.id = 'replay';
    t.setAttribute('src', src);
    t.setAttribute('last-event-id', '0');
    document.body.append(t);
  }, `${server.url}/stream`);
  const replay = new TickerTableHarness(page, '#replay');
  await replay.waitForState('replaying');

  // While the replay is still in the part of the log before where the live table was when it
  // started (a shared stream re-opened from 0 would hold the live table back there), several
  // live ticks arrive, each bringing the live table's lastSeenId further.
  const liveAtStart = (await live.lastSeenId())!;
  const during: { live: number; replay: number; open: string[] }[] = await page
    .waitForFunction(
      (before) => {
        const early = (window as any).__liveDuringReplay.filter((d: { replay: number }) => d.replay < before);
        return early.length >= 3 ? early.slice(0, 3) : false;
      },
      liveAtStart,
      { timeout: 30_000, polling: 'raf' },
    )
    .then((handle) => handle.jsonValue())
    .catch(async (err) => {
      const seen = await page.evaluate(() => (window as any).__liveDuringReplay.slice(0, 10));
      throw new Error(`live ticks during the replay (from ${liveAtStart}): ${JSON.stringify(seen)}; replay: ${await replay.statusText()}`, { cause: err });
    });
  assert.ok(during[0].live < during[1].live && during[1].live < during[2].live, `lastSeenId advances: ${JSON.stringify(during)}`);
  for (const { open } of during) {
    assert.is(open.length, 2, `the replay has a stream of its own: ${JSON.stringify(open)}`);
    assert.not.match(open[0], /lastEventId/);
    assert.match(open[1], /lastEventId=0/);
  }

  await replay.waitForState('live', 120_000);
  assert.ok((await replay.status()).caughtUp >= PREFILLED, 'caught up the whole log');
  await waitUntil(async () => (await eventSources(page)).filter((s) => s.open).length === 1, 'the replay stream to close after the hand-over', 15_000, 50);
  const [shared] = (await eventSources(page)).filter((s) => s.open);
  const reopenedFrom = Number(new URL(shared.url).searchParams.get('lastEventId'));
  assert.ok(reopenedFrom >= PREFILLED, `the shared stream was re-opened from where the replay ended (${reopenedFrom}), not from the old part of the log`);

  // After the hand-over both carry on from the one stream, with nothing lost or repeated.
  await replay.waitForPriceChange();
  const head = (await live.lastSeenId())!;
  await replay.waitForLastSeenId(head + 20, 15_000);
  await live.waitForLastSeenId(head + 20, 15_000);
  // Trades only (ticker-tick): quotes take ids between the live trades, so compared with /api/ticks.
  const seen = await replay.tickIds();
  assert.is(seen[0], 1);
  assert.is(contiguity(seen.slice(0, PREFILLED)), null, 'the prefilled log holds trades only');
  assert.equal(seen, await logIds(server, 0, seen[seen.length - 1]), 'the replay dispatched exactly the log’s trades');
  const liveSeen = await live.tickIds();
  assert.equal(liveSeen, await logIds(server, liveSeen[0] - 1, liveSeen[liveSeen.length - 1]), 'the live table saw each tick once');
});

test.run();

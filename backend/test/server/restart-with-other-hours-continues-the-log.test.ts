// `--hours` changed on a log that already has events: the checkpoint is for the other hours, so the
// generator continues from the log's newest events under the new hours (as the option says): ids
// go on gap-free, market time never goes back, each symbol's price continues, and from the next
// trading day on only the new hours' sessions occur.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarketEvent } from '../../types.ts';
import { createRecordingLogger } from '../bus/fixtures.ts';
import { contiguity, waitForLastId } from '../helpers/http.ts';
import { FAST_MARKET, eventsOf } from '../helpers/market-events.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Epoch ms of a marketTime (ISO 8601 with its offset). */
const instant = (e: MarketEvent) => Date.parse(e.marketTime);

for (const [from, to] of [['extended', 'regular'], ['regular', 'extended']] as const) {
  test(`a log written with --hours ${from} continues under --hours ${to}`, async () => {
    const options = { ...FAST_MARKET, symbols: 'AAPL,MSFT', seed: 77 };
    const first = await startTestServer({ ...options, hours: from });
    servers.push(first);
    await waitForLastId(first.url, 600, 30_000);
    await first.close();
    const stoppedAt = first.log.lastId();

    const recorder = createRecordingLogger();
    const second = await startTestServer({ ...options, hours: to, db: first.db }, { logger: recorder.logger });
    servers.push(second);
    // The checkpoint was refused for its hours and the path continued from the log's events.
    assert.is(recorder.count('simulator.checkpoint_unusable'), 1);
    assert.ok(recorder.entries.some((e) => e.event === 'simulator.resumed' && e.fields.from === 'events'), 'resumed from events');
    await waitForLastId(second.url, stoppedAt + 1500, 30_000);
    const events = eventsOf(second.log);
    assert.is(events[0].id, 1);
    assert.is(contiguity(events.map((e) => e.id)), null, 'ids gap-free across the change');
    for (let i = 1; i < events.length; i++) {
      assert.ok(instant(events[i]) >= instant(events[i - 1]), `market time goes back at id ${events[i].id}`);
    }

    // Each symbol's first price after the restart is near its last one before it (at most a day's move).
    const before = events.filter((e) => e.id <= stoppedAt);
    const after = events.filter((e) => e.id > stoppedAt);
    for (const symbol of ['AAPL', 'MSFT']) {
      const last = before.filter((e) => e.kind === 'quote' && e.symbol === symbol).at(-1);
      const next = after.find((e) => e.kind === 'quote' && e.symbol === symbol);
      assert.ok(last && next && last.kind === 'quote' && next.kind === 'quote', `${symbol} quotes on both sides`);
      const mid = (q: { bid: number; ask: number }) => (q.bid + q.ask) / 2;
      assert.ok(Math.abs(mid(next) / mid(last) - 1) < 0.15, `${symbol}: ${mid(last)} then ${mid(next)}`);
    }

    // From the first new trading day after the restart, only the new hours' sessions open.
    const firstDayAfter = after.find((e) => e.kind === 'status' && e.session === (to === 'extended' ? 'pre-market' : 'regular') && e.marketTime.slice(0, 10) > before.at(-1)!.marketTime.slice(0, 10));
    assert.ok(firstDayAfter, 'a new trading day opened after the restart');
    const sessions = new Set(after.filter((e) => e.id >= firstDayAfter.id && e.kind === 'status').map((e) => e.session));
    assert.equal([...sessions].sort(), to === 'extended' ? ['after-hours', 'closed', 'pre-market', 'regular'] : ['closed', 'regular']);
  });
}

test.run();

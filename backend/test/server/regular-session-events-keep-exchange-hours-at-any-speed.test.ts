// The exchange clock at two --speed values (issue 8): every event of the regular session carries a
// marketTime within [09:30, 16:00) New York time on an NYSE trading day (weekends and Martin Luther
// King Jr. Day skipped), the close is a status at 16:00 exactly, and market time never runs
// backwards along the ids. The step (interval × speed) differs by a factor of six between the two
// runs and neither divides the session evenly, so steps are cut short at the close.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarketEvent } from '../../types.ts';
import { waitForLastId } from '../helpers/http.ts';
import { eventsOf } from '../helpers/market-events.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** NYSE trading days of January and February 2026 from the 5th: weekdays but MLK Day and Presidents' Day. */
const HOLIDAYS = ['2026-01-19', '2026-02-16'];
const TRADING_DAYS = Array.from({ length: 55 }, (_, i) => new Date(Date.UTC(2026, 0, 5 + i)))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6)
  .map((d) => d.toISOString().slice(0, 10))
  .filter((date) => !HOLIDAYS.includes(date));

const MARKET_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}\.\d{3})(-05:00)$/;

for (const speed of [200_000, 31_111]) {
  test(`--speed ${speed}: regular-session events lie within [09:30, 16:00) on trading days; the close is at 16:00`, async () => {
    const server = await startTestServer({ interval: 10, speed, 'max-events-per-second': 3000, symbols: 'AAPL,MSFT,TSLA', seed: 12 });
    servers.push(server);
    // At speed 200 000 some fifteen trading days (across the holiday), at 31 111 three.
    await waitForLastId(server.url, 6000, 60_000);
    const events: MarketEvent[] = eventsOf(server.log);
    await server.close();
    let previous = '';
    const days: string[] = [];
    for (const event of events) {
      const match = MARKET_TIME.exec(event.marketTime);
      assert.ok(match, `id ${event.id}: marketTime ${event.marketTime}`);
      const [, date, time] = match!;
      const at = `id ${event.id} (${event.kind} ${event.session} ${event.marketTime})`;
      assert.ok(TRADING_DAYS.includes(date), `${at}: a trading day`);
      assert.ok(event.marketTime.slice(0, 23) >= previous, `${at}: market time does not run backwards`);
      previous = event.marketTime.slice(0, 23);
      if (event.kind === 'status' && event.session === 'closed') {
        assert.is(time, '16:00:00.000', at);
      } else {
        assert.is(event.session, 'regular', at);
        assert.ok(time >= '09:30:00.000' && time < '16:00:00.000', `${at}: within the regular session`);
      }
      if (event.kind === 'status' && event.session === 'regular') days.push(date);
    }
    assert.ok(days.length >= 3, `${days.length} trading days`);
    if (speed === 200_000) assert.ok(days.includes('2026-01-20'), 'the run crosses the holiday');
    assert.equal(days, TRADING_DAYS.slice(0, days.length), 'one session per trading day, in order, none skipped');
  });
}

test.run();

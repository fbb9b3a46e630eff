// --hours and --start-date through real servers (issue 8): a fresh log's tape opens at the first
// session of the first NYSE trading day on or after the start date (weekends and holidays skipped),
// in New York time with that day's offset; `regular` hours go 09:30 → 16:00 and `extended` hours
// 04:00 pre-market → 09:30 regular → 16:00 after-hours → 20:00 closed, each change a status event.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarketEvent } from '../../types.ts';
import { waitForLastId } from '../helpers/http.ts';
import { FAST_MARKET, eventsOf } from '../helpers/market-events.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** The first `count` events of a fresh server with these options. */
async function tape(options: Record<string, string | number>, count: number): Promise<MarketEvent[]> {
  const server = await startTestServer({ ...FAST_MARKET, symbols: 'AAPL,MSFT', seed: 3, ...options });
  servers.push(server);
  await waitForLastId(server.url, count, 30_000);
  const events = eventsOf(server.log).slice(0, count);
  await server.close();
  return events;
}

/** The status events: `session@marketTime`. */
const statuses = (events: MarketEvent[]) => events.filter((e) => e.kind === 'status').map((e) => `${e.session}@${e.marketTime}`);

test('default (regular hours, 2026-01-05): the tape opens Monday 09:30 New York time and closes at 16:00', async () => {
  const events = await tape({}, 1000);
  assert.equal(events[0], { id: 1, ts: events[0].ts, marketTime: '2026-01-05T09:30:00.000-05:00', session: 'regular', kind: 'status' });
  assert.equal(statuses(events).slice(0, 4), [
    'regular@2026-01-05T09:30:00.000-05:00',
    'closed@2026-01-05T16:00:00.000-05:00',
    'regular@2026-01-06T09:30:00.000-05:00',
    'closed@2026-01-06T16:00:00.000-05:00',
  ]);
  assert.not.ok(events.some((e) => e.session === 'pre-market' || e.session === 'after-hours'));
});

test('--hours extended: the first status is pre-market at 04:00, then regular, after-hours and closed at 20:00', async () => {
  const events = await tape({ hours: 'extended' }, 2500);
  assert.equal(events[0], { id: 1, ts: events[0].ts, marketTime: '2026-01-05T04:00:00.000-05:00', session: 'pre-market', kind: 'status' });
  assert.equal(statuses(events).slice(0, 5), [
    'pre-market@2026-01-05T04:00:00.000-05:00',
    'regular@2026-01-05T09:30:00.000-05:00',
    'after-hours@2026-01-05T16:00:00.000-05:00',
    'closed@2026-01-05T20:00:00.000-05:00',
    'pre-market@2026-01-06T04:00:00.000-05:00',
  ]);
  // Trades and quotes of every session carry it.
  const traded = new Set(events.filter((e) => e.kind === 'tick').map((e) => e.session));
  assert.equal([...traded].sort(), ['after-hours', 'pre-market', 'regular']);
});

test('--start-date on a Saturday opens on Monday, in daylight time after the March change', async () => {
  const [regular, extended] = await Promise.all([tape({ 'start-date': '2026-03-07' }, 5), tape({ 'start-date': '2026-03-07', hours: 'extended' }, 5)]);
  assert.is(regular[0].marketTime, '2026-03-09T09:30:00.000-04:00');
  assert.is(regular[0].session, 'regular');
  assert.is(extended[0].marketTime, '2026-03-09T04:00:00.000-04:00');
  assert.is(extended[0].session, 'pre-market');
});

test('--start-date on an NYSE holiday (Martin Luther King Jr. Day 2026) opens the next trading day', async () => {
  const events = await tape({ 'start-date': '2026-01-19' }, 5);
  assert.is(events[0].marketTime, '2026-01-20T09:30:00.000-05:00');
});

test.run();

// Stop and start again on the same log: ids continue at last+1, each symbol continues from its
// last price with its session statistics, and — the strong form — a run interrupted midway
// produces, id for id, the same events (of every kind) as an uninterrupted run with the same seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contiguity, waitForLastId, waitUntil } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { firstEvents, withoutTs } from './fixtures.ts';
import type { MarketEvent, TradeTick } from '../../types.ts';

const servers: TestServer[] = [];

async function start(options: Record<string, string | number>): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test('ids continue at last+1 and each symbol continues from its last trade, session statistics included', async () => {
  // 10 events a 5 ms step: every symbol may trade each step (the default budget, 1 a step, prints no trades).
  const options = { interval: 5, symbols: 'AAPL,MSFT,NVDA', seed: 21, 'max-events-per-second': 2000 };
  const before = await start(options);
  await waitForLastId(before.url, 90);
  await before.close();
  const lastBefore = before.log.lastId();
  assert.ok(lastBefore >= 90);
  const lastTicks = new Map(before.log.latest().map((t) => [t.symbol, JSON.parse(t.json) as TradeTick]));
  assert.equal([...lastTicks.keys()], ['AAPL', 'MSFT', 'NVDA'], 'every symbol traded before the stop');

  const after = await start({ ...options, db: before.db });
  await waitUntil(
    () => [...lastTicks.keys()].every((symbol) => after.log.latest(new Set([symbol]))[0].id > lastBefore),
    'a trade of every symbol after the restart',
  );
  const all = after.log.readAfter(0, null, 100000).map((t) => JSON.parse(t.json) as MarketEvent);
  assert.is(all[0].id, 1);
  assert.is(contiguity(all.map((t) => t.id)), null);

  const resumed = all.filter((t) => t.id > lastBefore);
  assert.is(resumed[0].id, lastBefore + 1);
  for (const [symbol, last] of lastTicks) {
    const next = resumed.find((t): t is TradeTick => t.kind === 'tick' && t.symbol === symbol)!;
    assert.ok(next, `no trade of ${symbol} after the restart`);
    // One model step at the default speed is 2.5 simulated seconds: a small move, not a fresh start.
    assert.ok(Math.abs(Math.log(next.price / last.price)) < 0.05, `${symbol}: ${last.price} → ${next.price}`);
    // Same session: its statistics carry over and accumulate.
    assert.is(next.prevClose, last.prevClose, `${symbol} prevClose`);
    assert.is(next.open, last.open, `${symbol} open`);
    assert.is(next.high, Math.max(last.high, next.price), `${symbol} high`);
    assert.is(next.low, Math.min(last.low, next.price), `${symbol} low`);
    // `volume` is the whole market's (printed or not), so it grows by at least the print.
    assert.ok(next.volume >= last.volume + next.size, `${symbol} volume ${last.volume} → ${next.volume}`);
    assert.is(next.change, Math.round((next.price - next.prevClose) * 100) / 100, `${symbol} change`);
  }
});

test('a run stopped and restarted midway produces the same events, id for id, as an uninterrupted run', async () => {
  // Fast enough that a simulated session ends every 12 batches (dt = 1950 s): the restart must
  // carry the session clock too, not only prices and RNG states. 15 events a batch: every symbol
  // trades and quotes.
  const options = { interval: 5, speed: 390000, symbols: 'AAPL,MSFT,TSLA,QAA:50', seed: 4242, 'max-events-per-second': 3000 };
  const N = 600;

  const uninterrupted = await start(options);
  const interrupted = await start(options);
  await waitForLastId(interrupted.url, 170);
  await interrupted.close();
  const stoppedAt = interrupted.log.lastId();
  const restarted = await start({ ...options, db: interrupted.db });

  await Promise.all([waitForLastId(uninterrupted.url, N, 20000), waitForLastId(restarted.url, N, 20000)]);
  const expected = await firstEvents(uninterrupted.url, N);
  const actual = await firstEvents(restarted.url, N);
  assert.is(contiguity(actual.map((t) => t.id)), null);
  assert.ok(stoppedAt > 0 && stoppedAt < N, `restarted at ${stoppedAt}`);
  for (let i = 0; i < N; i++) {
    if (JSON.stringify(withoutTs(actual[i])) !== JSON.stringify(withoutTs(expected[i]))) {
      assert.equal(withoutTs(actual[i]), withoutTs(expected[i]), `first difference at id ${i + 1} (restart after ${stoppedAt})`);
    }
  }
  // The comparison spans session boundaries: the prevClose of some trades is not the initial price,
  // and status events announce the sessions.
  const sessions = new Set(actual.filter((t): t is TradeTick => t.kind === 'tick' && t.symbol === 'QAA').map((t) => t.prevClose));
  assert.ok(sessions.size >= 3, `only ${sessions.size} sessions in ${N} events`);
  assert.ok(actual.some((t) => t.kind === 'status'), 'status events among them');
});

test.run();

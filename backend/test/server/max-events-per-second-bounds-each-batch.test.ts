// --max-events-per-second N (issue 8): every batch (the events stamped with one `ts`) holds at most
// floor(N × interval / 1000) trade and quote events, status events on top; the bound is reached
// when the market is busy, so it depends on N and the interval, not on N alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitForLastId } from '../helpers/http.ts';
import { eventsOf } from '../helpers/market-events.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Trade and quote events per batch of a fresh server, after `count` events. */
async function batchSizes(interval: number, maxPerSecond: number, count: number): Promise<number[]> {
  // 600 market seconds a batch: every symbol prints more trades than any budget here allows.
  const server = await startTestServer({ interval, speed: 600_000 / interval, 'max-events-per-second': maxPerSecond, symbols: 'AAPL,MSFT', seed: 9 });
  servers.push(server);
  await waitForLastId(server.url, count, 60_000);
  const events = eventsOf(server.log);
  await server.close();
  const sizes = new Map<number, number>();
  for (const event of events) if (event.kind !== 'status') sizes.set(event.ts, (sizes.get(event.ts) ?? 0) + 1);
  return [...sizes.values()];
}

for (const { interval, maxPerSecond, budget } of [
  { interval: 20, maxPerSecond: 500, budget: 10 },
  { interval: 40, maxPerSecond: 250, budget: 10 },
  { interval: 20, maxPerSecond: 350, budget: 7 },
]) {
  test(`--interval ${interval} --max-events-per-second ${maxPerSecond}: at most ${budget} trades and quotes a batch, and that many when busy`, async () => {
    const sizes = await batchSizes(interval, maxPerSecond, 600);
    assert.ok(sizes.length >= 40, `${sizes.length} batches`);
    assert.ok(Math.max(...sizes) <= budget, `largest batch ${Math.max(...sizes)} > ${budget}`);
    // Two symbols sharing the budget: a quote each, then a trade and its quote while it lasts.
    const reachable = 2 + 4 * Math.floor((budget - 2) / 4);
    assert.is(Math.max(...sizes), reachable, 'the budget is used');
  });
}

test.run();

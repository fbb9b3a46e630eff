// Redis bus: 12-tick batches published through `createRedisBus` to a second bus instance that
// follows the stream (XREAD BLOCK), end to end, on a throwaway redis-server (loopback, no
// persistence, stopped by PID). Entries are real market-model events (trades, quotes, status), so
// their sizes are realistic.
import { performance } from 'node:perf_hooks';
import type { Bus, BusSource } from '../../backend/bus/bus.ts';
import { createRedisBus } from '../../backend/bus/redis.ts';
import { silentLogger } from '../../backend/logger.ts';
import { serializeEvent, symbolOf } from '../../backend/log/event-json.ts';
import { createMarketSimulator } from '../../backend/simulator/market.ts';
import { BUILTIN_UNIVERSE } from '../../backend/simulator/universe.ts';
import { redisAvailable, startRedis } from '../lib/redis-server.ts';
import type { LoggedEvent } from '../../backend/types.ts';
import { fixed, heading, int, percentile, sleep, table } from './report.ts';

const BATCH = 12;
const FLOOD_BATCHES = 20_000;
const PACED_INTERVAL_MS = 2;
const PACED_SECONDS = 3;
const TIMEOUT_MS = 60_000;

export async function benchRedisBus(): Promise<void> {
  heading(
    'Redis bus, publisher -> Redis Stream -> follower',
    [
      `${BATCH}-tick batches of simulator ticks; bus.publish() on one createRedisBus, bus.follow(0) on another; times are`,
      'from publish() to the follower handing the batch\'s last tick over. flood: as fast as the publisher accepts them',
      `(one batch per setImmediate turn); paced: one batch every ${PACED_INTERVAL_MS} ms (setInterval) for ${PACED_SECONDS} s.`,
    ].join('\n'),
  );
  if (!redisAvailable()) {
    console.log('   SKIPPED: redis-server is not on PATH.');
    return;
  }

  const ticks = simulatedTicks((FLOOD_BATCHES + (PACED_SECONDS * 1000) / PACED_INTERVAL_MS + 100) * BATCH);
  // The local log the publisher would read back from after an outage: here, what was published.
  let committed = 0;
  const source: BusSource = {
    readAfter: (afterId, limit) => ticks.slice(afterId, Math.min(committed, afterId + limit)),
    lastId: () => committed,
    epoch: () => '0000000000000001',
  };
  const publishedAt = new Float64Array(ticks.length + 1);
  const receivedAt = new Float64Array(ticks.length + 1);
  let received = 0;
  let onReceived: (() => void) | null = null;

  const redis = await startRedis();
  let publisher: Bus | null = null;
  let follower: Bus | null = null;
  try {
    publisher = createRedisBus({ url: redis.url, source, logger: silentLogger, maxLen: ticks.length });
    follower = createRedisBus({ url: redis.url, source: { readAfter: () => [], lastId: () => 0, epoch: () => '0000000000000001' }, logger: silentLogger });
    await untilUp(publisher);
    follower.follow(0, (batch) => {
      const now = performance.now();
      for (const tick of batch) receivedAt[tick.id] = now;
      received = batch[batch.length - 1].id;
      onReceived?.();
    });

    const publish = () => {
      const batch = ticks.slice(committed, committed + BATCH);
      committed += batch.length;
      publishedAt[committed] = performance.now();
      publisher!.publish(batch);
    };
    const untilReceived = (id: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`follower stopped at id ${received}, waiting for ${id}`)), TIMEOUT_MS);
        onReceived = () => {
          if (received < id) return;
          clearTimeout(timer);
          onReceived = null;
          resolve();
        };
        onReceived();
      });

    const rows: string[][] = [];
    // Flood.
    let first = committed;
    let start = performance.now();
    for (let i = 0; i < FLOOD_BATCHES; i++) {
      publish();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const publishSeconds = (performance.now() - start) / 1000;
    await untilReceived(committed);
    rows.push(row('flood', first, committed, (performance.now() - start) / 1000));
    console.log(`   flood: publish() calls took ${fixed(publishSeconds, 2)} s for ${int(FLOOD_BATCHES)} batches`);

    // Paced.
    await sleep(200);
    first = committed;
    start = performance.now();
    const timer = setInterval(publish, PACED_INTERVAL_MS);
    await sleep(PACED_SECONDS * 1000);
    clearInterval(timer);
    await untilReceived(committed);
    rows.push(row('paced', first, committed, (performance.now() - start) / 1000));

    table(['run', 'batches', 'ticks', 'seconds', 'ticks/s', 'batches/s', 'MiB/s of JSON', 'p50 ms', 'p99 ms', 'max ms'], rows);
    console.log(`   publisher stats: ${JSON.stringify(publisher.stats())}`);
  } finally {
    await follower?.close();
    await publisher?.close();
    await redis.stop();
  }

  function row(label: string, after: number, upTo: number, seconds: number): string[] {
    const latencies: number[] = [];
    let jsonBytes = 0;
    for (let id = after + BATCH; id <= upTo; id += BATCH) latencies.push(receivedAt[id] - publishedAt[id]);
    for (let id = after + 1; id <= upTo; id++) jsonBytes += ticks[id - 1].json.length;
    latencies.sort((a, b) => a - b);
    const count = upTo - after;
    return [
      label,
      int(count / BATCH),
      int(count),
      fixed(seconds, 2),
      int(count / seconds),
      int(count / BATCH / seconds),
      fixed(jsonBytes / 2 ** 20 / seconds),
      fixed(percentile(latencies, 50), 2),
      fixed(percentile(latencies, 99), 2),
      fixed(latencies[latencies.length - 1], 2),
    ];
  }
}

function untilUp(bus: Bus): Promise<void> {
  if (bus.state() === 'up') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis bus did not come up within 10 s')), 10_000);
    const stop = bus.onState((state) => {
      if (state !== 'up') return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** `count` events with ids 1…count, from the market model at the server's defaults (realistic JSON sizes). */
function simulatedTicks(count: number): LoggedEvent[] {
  const market = createMarketSimulator({ universe: BUILTIN_UNIVERSE, seed: 1, intervalMs: 500, speed: 60 }); // the server's defaults
  const ticks: LoggedEvent[] = [];
  const start = Date.now();
  for (let step = 0; ticks.length < count; step++) {
    for (const draft of market.step(start + step * 500)) {
      const id = ticks.length + 1;
      ticks.push({ id, kind: draft.kind, symbol: symbolOf(draft), json: serializeEvent(id, draft) });
    }
  }
  ticks.length = count;
  return ticks;
}

// `adv` in --config (issue 8): a symbol's average daily volume in shares sets the scale of its
// traded volume. Two symbols alike in everything but adv (ten times more for one) trade, day after
// day, clearly more of the one: `volume` counts every share of the day, printed or not, so the
// per-batch event bound does not hide it. Seeded, so the bounds are wide but the run is the same
// every time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TradeTick } from '../../types.ts';
import { waitForLastId } from '../helpers/http.ts';
import { FAST_MARKET, eventsOf } from '../helpers/market-events.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';

let server: TestServer | undefined;
test.after(() => server?.close());

const SPEC = { name: 'Alike', price: 40, volatility: 0.25, drift: 0, spreadBps: 6 };

test('ten times the adv, about ten times the day volume, every day', async () => {
  const config = join(tempDir(), 'universe.json');
  writeFileSync(config, JSON.stringify({ symbols: [{ ...SPEC, symbol: 'LOW', adv: 300_000 }, { ...SPEC, symbol: 'HIGH', adv: 3_000_000 }] }));
  server = await startTestServer({ ...FAST_MARKET, config, seed: 17 });
  await waitForLastId(server.url, 2000, 30_000);
  const events = eventsOf(server.log);
  await server.close();
  // Each day's volume: the symbol's last trade before the close.
  const dayVolume = new Map<string, { LOW?: number; HIGH?: number }>();
  for (const event of events) {
    if (event.kind !== 'tick') continue;
    const day = event.marketTime.slice(0, 10);
    const volumes = dayVolume.get(day) ?? {};
    volumes[event.symbol as 'LOW' | 'HIGH'] = (event as TradeTick).volume;
    dayVolume.set(day, volumes);
  }
  const days = [...dayVolume.entries()].slice(0, -1); // the last day may be unfinished
  assert.ok(days.length >= 3, `${days.length} whole days`);
  for (const [day, { LOW, HIGH }] of days) {
    assert.ok(LOW !== undefined && HIGH !== undefined, `${day}: both traded`);
    const ratio = HIGH! / LOW!;
    assert.ok(ratio > 4 && ratio < 25, `${day}: HIGH ${HIGH} / LOW ${LOW} = ${ratio.toFixed(2)}`);
    // And in absolute terms, within a factor of three of the adv.
    assert.ok(LOW! > 100_000 && LOW! < 900_000, `${day}: LOW traded ${LOW}`);
  }
});

test.run();

// Same seed, same universe, same model step, empty log ⇒ the same ticks (ids, symbols, prices,
// sizes, session statistics), whatever the wall clock; a different seed gives a different path; a
// random seed is printed at start, and passing it back reproduces the run.
//
// The model's step is interval × speed of trading time (the contract), so two servers paced by
// the wall clock at different intervals get the same path only when their speeds keep that product
// equal: here 5 ms × 78 and 13 ms × 30 are both 390 ms (6.5 simulated minutes) per batch.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { waitForLastId } from '../helpers/http.ts';
import { logLine, startChildServer, stopChild, type ChildServer } from '../helpers/process.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { firstTicks, withoutTs, type PathTick } from './fixtures.ts';
import type { Tick } from '../../types.ts';

const SYMBOLS = 'AAPL,MSFT,NVDA,JPM,QAA:50';
const N = 500;

const servers: TestServer[] = [];
const children: ChildServer[] = [];
const dir = tempDir('ticktape-seed-');

test.before(async () => {
  await ensureFrontendBuilt();
});

test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(children.map((c) => stopChild(c)));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(options: Record<string, string | number>): Promise<Tick[]> {
  const server = await startTestServer(options);
  servers.push(server);
  await waitForLastId(server.url, N, 20000);
  const ticks = await firstTicks(server.url, N);
  await server.close();
  return ticks;
}

/** Index of the first tick that differs (ts aside), or -1. */
function firstDifference(a: PathTick[], b: PathTick[]): number {
  return a.findIndex((tick, i) => JSON.stringify(tick) !== JSON.stringify(b[i]));
}

let baseline: Tick[];

test('two servers with the same seed, paced at 5 ms and 13 ms, produce the same first ticks', async () => {
  const [fast, slow] = await Promise.all([
    run({ seed: 1234, symbols: SYMBOLS, interval: 5, speed: 78 }),
    run({ seed: 1234, symbols: SYMBOLS, interval: 13, speed: 30 }),
  ]);
  baseline = fast;
  assert.equal(fast.map((t) => t.id), Array.from({ length: N }, (_, i) => i + 1));
  const at = firstDifference(fast.map(withoutTs), slow.map(withoutTs));
  if (at !== -1) assert.equal(withoutTs(slow[at]), withoutTs(fast[at]), `first difference at id ${at + 1}`);
});

test('a different seed gives a different path', async () => {
  const other = await run({ seed: 1235, symbols: SYMBOLS, interval: 5, speed: 78 });
  assert.equal(other.map((t) => [t.id, t.symbol]), baseline.map((t) => [t.id, t.symbol]), 'same ids and symbols');
  const samePrice = other.filter((t, i) => t.price === baseline[i].price).length;
  const sameSize = other.filter((t, i) => t.size === baseline[i].size).length;
  assert.ok(samePrice < N / 2, `${samePrice} of ${N} prices are the same`);
  assert.ok(sameSize < N / 2, `${sameSize} of ${N} sizes are the same`);
});

test('a different model step (same seed, interval 13 ms at the same speed) gives a different path', async () => {
  const other = await run({ seed: 1234, symbols: SYMBOLS, interval: 13, speed: 78 });
  assert.ok(firstDifference(other.map(withoutTs), baseline.map(withoutTs)) !== -1);
});

test('a random seed is printed at start, and passing it back reproduces the run', async () => {
  const args = ['--port', '0', '--interval', '5', '--speed', '78', '--symbols', SYMBOLS];
  const randomRun = await startChildServer([...args, '--db', path.join(dir, 'random.db')]);
  children.push(randomRun);
  const start = logLine(randomRun.stdout, 'start');
  assert.ok(start, `no event=start line in:\n${randomRun.stdout}`);
  assert.is(start.seedSource, 'random');
  assert.match(start.seed, /^\d+$/);

  const replay = await startChildServer([...args, '--seed', start.seed, '--db', path.join(dir, 'replay.db')]);
  children.push(replay);
  assert.is(logLine(replay.stdout, 'start')?.seed, start.seed);
  assert.is(logLine(replay.stdout, 'start')?.seedSource, 'option');

  await Promise.all([waitForLastId(randomRun.url, N, 20000), waitForLastId(replay.url, N, 20000)]);
  const [original, reproduced] = await Promise.all([firstTicks(randomRun.url, N), firstTicks(replay.url, N)]);
  const at = firstDifference(reproduced.map(withoutTs), original.map(withoutTs));
  if (at !== -1) assert.equal(withoutTs(reproduced[at]), withoutTs(original[at]), `first difference at id ${at + 1}`);
  // And it is not the fixed-seed run above (a random seed of exactly 1234 is a 1 in 2^32 chance).
  if (start.seed !== '1234') assert.ok(firstDifference(original.map(withoutTs), baseline.map(withoutTs)) !== -1);
});

test.run();

// kill -9 in the middle of a fast feed: the SQLite file holds a gap-free log that contains every
// event (of every kind) a client received, byte for byte (an event is committed before anyone can
// receive it); a restart continues the ids at max+1 along the same simulated path; and a client
// resuming from the last id it saw before the crash gets every later event without a gap.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { contiguity, waitForLastId } from '../helpers/http.ts';
import { startChildServer, stopChild, type ChildServer, type Exit } from '../helpers/process.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf, type SseConnection } from '../helpers/sse-client.ts';
import { eventsBetween, readLogFile, withoutTs, type LogFileSummary } from './fixtures.ts';

const SYMBOLS = 'AAPL,MSFT,NVDA,TSLA';
const SEED = 907;
// Up to 4 events a 2 ms step: trades among them (the default budget, one event a step, prints none).
const MAX_EVENTS_PER_SECOND = 2000;
const ARGS = ['--port', '0', '--interval', '2', '--symbols', SYMBOLS, '--seed', String(SEED), '--max-events-per-second', String(MAX_EVENTS_PER_SECOND)];

const dir = tempDir('ticktape-kill9-');
const db = path.join(dir, 'nested', 'ticks.db');
const children: ChildServer[] = [];
const connections: SseConnection[] = [];
let reference: TestServer | undefined;

// Filled in order by the tests below.
let first: ChildServer;
let watcher: SseConnection;
let killedWith: Exit;
let afterCrash: LogFileSummary;
let lastSeen: number;

test.before(async () => {
  await ensureFrontendBuilt();
});

test.after(async () => {
  for (const conn of connections) conn.close();
  await Promise.all(children.map((child) => stopChild(child)));
  await reference?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a child killed with SIGKILL while a client streams dies by the signal', async () => {
  first = await startChildServer([...ARGS, '--db', db]);
  children.push(first);
  watcher = await connectSse(`${first.url}/stream`);
  connections.push(watcher);
  assert.is(watcher.status, 200);
  await watcher.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) > 500, 20000, 'an event with id > 500');
  assert.ok(first.kill('SIGKILL'));
  killedWith = await first.exited;
  await watcher.ended;
  assert.equal(killedWith, { code: null, signal: 'SIGKILL' });
  assert.not.match(first.stdout, /event=stopped/, 'a SIGKILL leaves no time for a graceful stop');
});

test('the file left behind is a gap-free log holding every event the client received, byte for byte', () => {
  afterCrash = readLogFile(db);
  assert.is(afterCrash.minId, 1);
  assert.ok(afterCrash.maxId > 500, `max id ${afterCrash.maxId}`);
  assert.is(afterCrash.count, afterCrash.maxId - afterCrash.minId + 1, 'COUNT(*) = MAX(id) − MIN(id) + 1');

  const received = watcher.events.filter((e) => MARKET_EVENT_NAMES.has(e.event));
  const ids = received.map((e) => Number(e.id));
  assert.is(contiguity(ids), null);
  assert.ok(received.some((e) => e.event === 'tick') && received.some((e) => e.event === 'quote'), 'trades and quotes were streamed');
  for (const event of received) {
    const stored = afterCrash.json.get(Number(event.id));
    if (stored !== event.data) assert.unreachable(`${event.event} ${event.id} was streamed as ${event.data} but the log holds ${stored}`);
  }
  lastSeen = ids[ids.length - 1];
  assert.ok(lastSeen <= afterCrash.maxId);
});

test('a restart on the same file continues the ids at max+1 along the uninterrupted path', async () => {
  const second = await startChildServer([...ARGS, '--db', db]);
  children.push(second);
  const target = afterCrash.maxId + 400;
  await waitForLastId(second.url, target, 20000);
  const around = await eventsBetween(second.url, afterCrash.maxId - 20, target);
  assert.is(around[0].id, afterCrash.maxId - 19);
  assert.is(contiguity(around.map((t) => t.id)), null);

  // The checkpoint is committed with each batch, so the crash cost nothing of the path either:
  // the same seed run without a crash produces the same events at the same ids.
  reference = await startTestServer({ interval: 2, symbols: SYMBOLS, seed: SEED, 'max-events-per-second': MAX_EVENTS_PER_SECOND });
  await waitForLastId(reference.url, target, 20000);
  const uninterrupted = await eventsBetween(reference.url, afterCrash.maxId - 20, target);
  assert.equal(around.map(withoutTs), uninterrupted.map(withoutTs));
});

test('a client resuming with Last-Event-ID from before the crash gets every later event, across it, without a gap', async () => {
  const second = children[1];
  const resumed = await connectSse(`${second.url}/stream`, { 'Last-Event-ID': String(lastSeen) });
  connections.push(resumed);
  assert.is(resumed.status, 200);
  const target = afterCrash.maxId + 300;
  await resumed.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) >= target, 20000, `event ${target}`);
  resumed.close();
  assert.not.ok(resumed.events.some((e) => e.event === 'snapshot' || e.event === 'reset'), 'a resume within the log is no reset');
  const events = marketEventsOf(resumed.events);
  assert.is(events[0].id, lastSeen + 1);
  assert.is(contiguity(events.map((t) => t.id)), null);
  // The events committed before the crash are replayed exactly as stored.
  for (const event of resumed.events) {
    const id = Number(event.id);
    if (id <= afterCrash.maxId) assert.is(event.data, afterCrash.json.get(id), `${event.event} ${id}`);
  }
});

test('after a graceful stop, the whole file is still one gap-free run from id 1', async () => {
  const second = children[1];
  const exit = await stopChild(second);
  assert.equal(exit, { code: 0, signal: null });
  const final = readLogFile(db);
  assert.is(final.minId, 1);
  assert.ok(final.maxId > afterCrash.maxId + 300);
  assert.is(final.count, final.maxId);
  for (const [id, json] of afterCrash.json) {
    if (final.json.get(id) !== json) assert.unreachable(`event ${id} changed after the restart`);
  }
});

test.run();

// The scheduler on real timers with a 5 ms period. Calls are awaited through promises resolved
// from onTick, each with a deadline; the only fixed waits are windows in which NOTHING may happen.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createScheduler } from '../../simulator/scheduler.ts';

const SCHEDULER_PATH = fileURLToPath(new URL('../../simulator/scheduler.ts', import.meta.url));

const INTERVAL_MS = 5;
const DEADLINE_MS = 2000;

/** Records onTick calls and lets a test await the n-th one. */
function recorder(behaviour: (call: number) => void = () => {}) {
  const calls: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  function onTick(ts: number): void {
    calls.push(ts);
    for (const waiter of waiters.filter((w) => calls.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    behaviour(calls.length);
  }
  /** Resolves once onTick has been called `count` times in all; rejects after the deadline. */
  function until(count: number): Promise<void> {
    if (calls.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`only ${calls.length} of ${count} calls`)), DEADLINE_MS);
      waiters.push({ count, resolve: () => (clearTimeout(deadline), resolve()) });
    });
  }
  return { calls, onTick, until };
}

function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

/** A window in which no call may arrive; long enough for several missed periods. */
function quietWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10 * INTERVAL_MS));
}

function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // Blocks the event loop on purpose: the scheduler's timer comes due meanwhile.
  }
}

test('calls onTick every period and stop() leaves no timer behind', async () => {
  const rec = recorder();
  const scheduler = createScheduler({ intervalMs: INTERVAL_MS, onTick: rec.onTick });
  assert.is(scheduler.generating(), false, 'not generating before start');
  scheduler.start();
  assert.is(scheduler.generating(), true);
  await rec.until(3);
  const running = pendingTimers();
  scheduler.stop();
  assert.is(scheduler.generating(), false);
  assert.is(pendingTimers(), running - 1, 'stop() did not clear the pending timer');
  const seen = rec.calls.length;
  await quietWindow();
  assert.is(rec.calls.length, seen, 'onTick was called after stop()');
});

test('a process whose scheduler was stopped exits by itself', () => {
  const script = `
    import { createScheduler } from ${JSON.stringify(SCHEDULER_PATH)};
    let calls = 0;
    const scheduler = createScheduler({ intervalMs: ${INTERVAL_MS}, onTick: () => { if (++calls === 3) scheduler.stop(); } });
    scheduler.start();`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    timeout: 10_000,
    encoding: 'utf8',
  });
  assert.is(child.signal, null, 'the process was still alive at the deadline');
  assert.is(child.status, 0, child.stderr);
});

test('pause() stops the calls and generating(); resume() starts them again', async () => {
  const rec = recorder();
  const scheduler = createScheduler({ intervalMs: INTERVAL_MS, onTick: rec.onTick });
  scheduler.start();
  await rec.until(2);
  const running = pendingTimers();
  scheduler.pause();
  assert.is(scheduler.generating(), false);
  assert.is(pendingTimers(), running - 1, 'a timer is still pending while paused');
  const seen = rec.calls.length;
  await quietWindow();
  assert.is(rec.calls.length, seen, 'onTick was called while paused');
  scheduler.resume();
  assert.is(scheduler.generating(), true);
  await rec.until(seen + 2);
  scheduler.stop();
});

test('stop() from inside onTick is honoured, and start() afterwards runs a single chain', async () => {
  let scheduler: ReturnType<typeof createScheduler>;
  const rec = recorder((call) => {
    if (call === 2) {
      scheduler.stop();
      scheduler.start();
    }
  });
  scheduler = createScheduler({ intervalMs: INTERVAL_MS, onTick: rec.onTick });
  scheduler.start();
  await rec.until(6);
  scheduler.stop();
  const seen = rec.calls.length;
  await quietWindow();
  assert.is(rec.calls.length, seen, 'a second timer chain survived stop()');
});

test('a late timer produces one call, not one per missed period, and the grid realigns', async () => {
  let anchor: number | undefined;
  const now = () => {
    const t = Date.now();
    anchor ??= t; // the scheduler reads the clock first when it starts: that is its grid origin
    return t;
  };
  const rec = recorder();
  const scheduler = createScheduler({ intervalMs: INTERVAL_MS, onTick: rec.onTick, now });
  scheduler.start();
  await rec.until(1);
  // The next timer is armed; block the loop for five periods so it comes due four slots late.
  busyWait(5 * INTERVAL_MS);
  const stallEnd = Date.now();
  assert.is(rec.calls.length, 1);
  await rec.until(4);
  scheduler.stop();

  const slot = (ts: number) => Math.floor((ts - anchor!) / INTERVAL_MS);
  const [, late, next] = rec.calls;
  assert.ok(late >= stallEnd, 'the late call came after the stall');
  assert.ok(slot(next) > slot(late), `a catch-up call followed the late one within its slot (${late}, ${next})`);
  rec.calls.forEach((ts, i) => {
    assert.ok(ts >= anchor! + INTERVAL_MS, `call ${i} before its slot`);
    if (i > 0) assert.ok(slot(ts) > slot(rec.calls[i - 1]), `two calls in slot ${slot(ts)}`);
  });
});

test('an exception in onTick is reported and does not stop the loop', async () => {
  const errors: unknown[] = [];
  const rec = recorder((call) => {
    if (call === 1) throw new Error('boom');
  });
  const scheduler = createScheduler({ intervalMs: INTERVAL_MS, onTick: rec.onTick, onError: (e) => errors.push(e) });
  scheduler.start();
  await rec.until(3);
  scheduler.stop();
  assert.is(errors.length, 1);
  assert.is((errors[0] as Error).message, 'boom');
});

test('rejects a period that is not positive', () => {
  assert.throws(() => createScheduler({ intervalMs: 0, onTick: () => {} }), /intervalMs/);
  assert.throws(() => createScheduler({ intervalMs: Number.NaN, onTick: () => {} }), /intervalMs/);
});

test.run();

// The stream reconciles its connection with its subscribers through a coalescing runner
// (src/feed/coalesce.ts): idle → queued → running → idle, every change of one task served by one
// run, a change during a run by exactly one more (again), never two runs at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coalescingRunner } from '../src/feed/coalesce.ts';
import { settle } from './helpers/fake-feed.ts';

/** A runner whose runs wait for `finish()`; `runs` counts the runs started. */
function setup(stopped = () => false) {
  let runs = 0;
  let running = 0;
  let overlapped = false;
  const pending: (() => void)[] = [];
  const runner = coalescingRunner(async () => {
    runs++;
    if (++running > 1) overlapped = true;
    await new Promise<void>((resolve) => pending.push(resolve));
    running--;
  }, stopped);
  return { runner, runs: () => runs, overlapped: () => overlapped, finish: () => pending.shift()?.() };
}

test('idle → queued → running → idle: three requests in one task make one run', async () => {
  const { runner, runs, finish } = setup();
  assert.is(runner.state, 'idle');
  runner.request();
  runner.request();
  runner.request();
  assert.is(runner.state, 'queued');
  assert.is(runs(), 0, 'not before the task ends');
  await settle();
  assert.is(runner.state, 'running');
  assert.is(runs(), 1);
  finish();
  await settle();
  assert.is(runner.state, 'idle');
  assert.is(runs(), 1);
});

test('running → again: requests during a run make exactly one more run, never at the same time', async () => {
  const { runner, runs, overlapped, finish } = setup();
  runner.request();
  await settle();
  runner.request();
  runner.request();
  assert.is(runner.state, 'again');
  finish();
  await settle();
  assert.is(runner.state, 'running');
  assert.is(runs(), 2);
  finish();
  await settle();
  assert.is(runner.state, 'idle');
  assert.is(runs(), 2);
  assert.not.ok(overlapped());
});

test('once stopped, a pending "again" is dropped', async () => {
  let stopped = false;
  const { runner, runs, finish } = setup(() => stopped);
  runner.request();
  await settle();
  runner.request();
  stopped = true;
  finish();
  await settle();
  assert.is(runner.state, 'idle');
  assert.is(runs(), 1);
});

test.run();

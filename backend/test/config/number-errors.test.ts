// Bad numbers, from a flag or from the environment: one line naming where the value came from.
import { test } from 'uvu';

import { assertRejected, errorOf } from './parse.ts';

const INTEGER_OPTIONS = [
  ['--port', 'PORT'],
  ['--interval', 'TICKTAPE_INTERVAL_MS'],
  ['--seed', 'TICKTAPE_SEED'],
  ['--retention', 'TICKTAPE_RETENTION'],
  ['--heartbeat', 'TICKTAPE_HEARTBEAT_MS'],
] as const;

for (const [flag, env] of INTEGER_OPTIONS) {
  test(`${flag} / ${env}: non-numeric, negative, fractional and empty values are rejected`, () => {
    for (const raw of ['abc', '-1', '1.5', '', ' 80', '0x10', '1e3', '12abc']) {
      assertRejected(errorOf([`${flag}=${raw}`]), flag, `expected a non-negative integer, got ${JSON.stringify(raw)}`);
    }
    for (const raw of ['abc', '-5', '2.5']) {
      assertRejected(errorOf([], { [env]: raw }), env, `expected a non-negative integer, got ${JSON.stringify(raw)}`);
    }
  });
}

test('the exact message for a non-numeric port', () => {
  assertRejected(errorOf(['--port', 'abc']), '--port', '--port: expected a non-negative integer, got "abc"');
});

test('port above 65535', () => {
  assertRejected(errorOf(['--port', '65536']), '--port', 'must be at most 65535, got 65536');
  assertRejected(errorOf([], { PORT: '70000' }), 'PORT', 'must be at most 65535');
});

test('interval 0', () => {
  assertRejected(errorOf(['--interval', '0']), '--interval', 'must be at least 1 ms, got 0');
  assertRejected(errorOf([], { TICKTAPE_INTERVAL_MS: '0' }), 'TICKTAPE_INTERVAL_MS', 'must be at least 1');
});

test('interval and heartbeat beyond what a timer can wait (2^31 - 1 ms)', () => {
  assertRejected(errorOf(['--interval', '2147483648']), '--interval', 'must be at most 2147483647');
  assertRejected(errorOf(['--heartbeat', '2147483648']), '--heartbeat', 'must be at most 2147483647');
});

test('retention and heartbeat below 1', () => {
  assertRejected(errorOf(['--retention', '0']), '--retention', 'must be at least 1, got 0');
  assertRejected(errorOf([], { TICKTAPE_RETENTION: '0' }), 'TICKTAPE_RETENTION', 'must be at least 1');
  assertRejected(errorOf(['--heartbeat', '0']), '--heartbeat', 'must be at least 1 ms, got 0');
  assertRejected(errorOf([], { TICKTAPE_HEARTBEAT_MS: '0' }), 'TICKTAPE_HEARTBEAT_MS', 'must be at least 1');
});

test('a seed beyond the safe integers', () => {
  assertRejected(errorOf(['--seed', '9007199254740992']), '--seed', 'must be at most 9007199254740991');
  assertRejected(errorOf([], { TICKTAPE_SEED: '99999999999999999999' }), 'TICKTAPE_SEED', 'must be at most');
});

test('speed: zero, negative, non-numeric and empty values are rejected', () => {
  assertRejected(errorOf(['--speed', '0']), '--speed', 'must be greater than 0, got 0');
  assertRejected(errorOf(['--speed=0.0']), '--speed', 'must be greater than 0');
  for (const raw of ['-1', 'fast', '', '1,5', 'Infinity', 'NaN', '1.2.3']) {
    assertRejected(errorOf([`--speed=${raw}`]), '--speed', `expected a positive number, got ${JSON.stringify(raw)}`);
  }
  assertRejected(errorOf([], { TICKTAPE_SPEED: '-2' }), 'TICKTAPE_SPEED', 'expected a positive number, got "-2"');
});

test('a number too large to be finite', () => {
  assertRejected(errorOf(['--speed', '9'.repeat(400)]), '--speed', 'expected a finite number');
});

test('a batch must move the exchange clock by at least 1 ms: interval × speed below 1 is refused on --speed', () => {
  assertRejected(errorOf(['--interval', '2', '--speed', '0.25']), '--speed', 'interval × speed must be at least 1 ms of market time a batch, got 2 ms × 0.25');
  assertRejected(errorOf([], { TICKTAPE_SPEED: '0.001' }), 'TICKTAPE_SPEED', '500 ms × 0.001');
});

test.run();

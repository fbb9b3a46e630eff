import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import { configOf } from './parse.ts';

test('no options and no environment give the contract defaults', () => {
  const { seed, seedSource, universe, ...rest } = configOf([]);
  assert.equal(rest, {
    port: 8080,
    host: '127.0.0.1',
    db: 'db/ticktape.db',
    redis: null,
    interval: 500,
    speed: 60,
    retention: 1_000_000,
    heartbeat: 15_000,
    role: 'all',
    adminToken: null,
  });
  assert.is(seedSource, 'random');
  assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, `seed ${seed}`);
  assert.equal(universe, BUILTIN_UNIVERSE);
});

test('the default universe is the built-in one, as copies the caller may change', () => {
  const { universe } = configOf([]);
  assert.ok(universe.length >= 10);
  universe[0].price = -1;
  assert.ok(BUILTIN_UNIVERSE[0].price > 0);
});

test('a random seed differs between runs (two 32-bit draws collide once in 4 billion)', () => {
  assert.is.not(configOf([]).seed, configOf([]).seed);
});

test('unrelated environment variables are ignored', () => {
  assert.is(configOf([], { PATH: '/usr/bin', TICKTAPE_UNKNOWN: 'x', NODE_ENV: 'test' }).port, 8080);
});

test.run();

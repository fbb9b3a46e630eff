import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { parseOptions } from '../../config.ts';
import { isInstalledPackage } from '../../package-root.ts';
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
    hours: 'regular',
    startDate: '2026-01-05',
    maxEventsPerSecond: 100,
    retention: 1_000_000,
    heartbeat: 15_000,
    role: 'all',
    adminToken: null,
    maxClients: 10_000,
    maxClientsPerIp: 256,
    corsOrigin: '*',
    frameAncestors: '*',
    metricsToken: null,
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

test('an installed command keeps its log in the XDG data directory, never in node_modules', () => {
  const dbOf = (env: Record<string, string>, installed: boolean) => {
    const parsed = parseOptions([], env, { installed });
    if (parsed.kind !== 'config') throw new Error('expected a config');
    return parsed.config.db;
  };
  assert.is(dbOf({ HOME: '/home/ann' }, false), 'db/ticktape.db', 'a clone keeps db/');
  assert.is(dbOf({ HOME: '/home/ann' }, true), '/home/ann/.local/share/ticktape/ticktape.db');
  assert.is(dbOf({ HOME: '/home/ann', XDG_DATA_HOME: '/data' }, true), '/data/ticktape/ticktape.db');
  // The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
  assert.is(dbOf({ HOME: '/home/ann', XDG_DATA_HOME: 'data' }, true), '/home/ann/.local/share/ticktape/ticktape.db');
  assert.is(dbOf({ HOME: '/home/ann', TICKTAPE_DB: 'mine.db' }, true), 'mine.db', 'an explicit one wins');
});

test('ticktape counts as installed exactly when its package sits in a node_modules folder', () => {
  assert.is(isInstalledPackage('/work/ticktape'), false);
  assert.is(isInstalledPackage('/home/ann/app/node_modules/ticktape'), true);
  assert.is(isInstalledPackage('/root/.npm/_npx/1a2b/node_modules/ticktape'), true);
  assert.is(isInstalledPackage('/work/node_modules_backup/ticktape'), false);
});

test.run();

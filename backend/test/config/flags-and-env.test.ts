// Every option, as `--flag value`, `--flag=value` and its environment variable; flags win.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type { Config } from '../../config.ts';
import { configOf } from './parse.ts';

interface Case {
  flag: string;
  env: string;
  raw: string;
  key: keyof Config;
  value: unknown;
}

const CASES: Case[] = [
  { flag: '--port', env: 'PORT', raw: '9090', key: 'port', value: 9090 },
  { flag: '--host', env: 'HOST', raw: '0.0.0.0', key: 'host', value: '0.0.0.0' },
  { flag: '--db', env: 'TICKTAPE_DB', raw: ':memory:', key: 'db', value: ':memory:' },
  { flag: '--redis', env: 'REDIS_URL', raw: 'redis://127.0.0.1:6390/2', key: 'redis', value: 'redis://127.0.0.1:6390/2' },
  { flag: '--interval', env: 'TICKTAPE_INTERVAL_MS', raw: '25', key: 'interval', value: 25 },
  { flag: '--speed', env: 'TICKTAPE_SPEED', raw: '0.5', key: 'speed', value: 0.5 },
  { flag: '--seed', env: 'TICKTAPE_SEED', raw: '42', key: 'seed', value: 42 },
  { flag: '--retention', env: 'TICKTAPE_RETENTION', raw: '500', key: 'retention', value: 500 },
  { flag: '--heartbeat', env: 'TICKTAPE_HEARTBEAT_MS', raw: '1000', key: 'heartbeat', value: 1000 },
  { flag: '--role', env: 'TICKTAPE_ROLE', raw: 'all', key: 'role', value: 'all' },
  { flag: '--admin-token', env: 'TICKTAPE_ADMIN_TOKEN', raw: 's3cret', key: 'adminToken', value: 's3cret' },
];

for (const { flag, env, raw, key, value } of CASES) {
  test(`${flag} VALUE, ${flag}=VALUE and ${env} all set ${key}`, () => {
    assert.equal(configOf([flag, raw])[key], value);
    assert.equal(configOf([`${flag}=${raw}`])[key], value);
    assert.equal(configOf([], { [env]: raw })[key], value);
  });
}

test('--symbols and TICKTAPE_SYMBOLS select the universe', () => {
  assert.equal(configOf(['--symbols', 'MSFT,AAPL']).universe.map((s) => s.symbol), ['MSFT', 'AAPL']);
  assert.equal(configOf(['--symbols=KO']).universe.map((s) => s.symbol), ['KO']);
  assert.equal(configOf([], { TICKTAPE_SYMBOLS: 'NVDA' }).universe.map((s) => s.symbol), ['NVDA']);
});

test('a given seed is marked as such, and the largest safe integer is accepted', () => {
  assert.is(configOf(['--seed', '0']).seedSource, 'option');
  assert.is(configOf(['--seed', '0']).seed, 0);
  assert.is(configOf([], { TICKTAPE_SEED: '9007199254740991' }).seed, Number.MAX_SAFE_INTEGER);
});

test('role simulator and edge are accepted with Redis from a flag or REDIS_URL', () => {
  assert.is(configOf(['--role', 'edge', '--redis', 'redis://localhost']).role, 'edge');
  assert.is(configOf(['--role=simulator'], { REDIS_URL: 'rediss://cache.example:6380' }).role, 'simulator');
  assert.is(configOf([], { TICKTAPE_ROLE: 'edge', REDIS_URL: 'redis://localhost' }).role, 'edge');
});

test('port 0 (pick a free port) and 65535 are valid', () => {
  assert.is(configOf(['--port', '0']).port, 0);
  assert.is(configOf(['--port', '65535']).port, 65535);
});

test('speed may be fractional or large; interval, retention and heartbeat may be 1', () => {
  assert.is(configOf(['--speed', '.25']).speed, 0.25);
  assert.is(configOf(['--speed', '3600']).speed, 3600);
  const c = configOf(['--interval', '1', '--retention', '1', '--heartbeat', '1']);
  assert.equal([c.interval, c.retention, c.heartbeat], [1, 1, 1]);
});

test('flags win over environment variables, option by option', () => {
  const env = { PORT: '1111', HOST: 'env-host', TICKTAPE_SEED: '7', TICKTAPE_SPEED: '2', REDIS_URL: 'redis://env' };
  const c = configOf(['--port', '2222', '--seed=8'], env);
  assert.is(c.port, 2222);
  assert.is(c.seed, 8);
  assert.is(c.host, 'env-host');
  assert.is(c.speed, 2);
  assert.is(c.redis, 'redis://env');
});

test('a valid flag wins over a bad environment value, which is then never read', () => {
  assert.is(configOf(['--port', '3000'], { PORT: 'not-a-port' }).port, 3000);
  assert.is(configOf(['--symbols', 'AAPL'], { TICKTAPE_SYMBOLS: 'AAPL,' }).universe.length, 1);
});

test('an empty environment variable counts as unset', () => {
  const c = configOf([], { PORT: '', REDIS_URL: '', TICKTAPE_SEED: '', TICKTAPE_ADMIN_TOKEN: '' });
  assert.is(c.port, 8080);
  assert.is(c.redis, null);
  assert.is(c.seedSource, 'random');
  assert.is(c.adminToken, null);
});

test('a repeated flag takes its last value', () => {
  assert.is(configOf(['--port', '1', '--port=2']).port, 2);
});

test('values may look like negative numbers or contain "="', () => {
  assert.is(configOf(['--admin-token', '-x=y']).adminToken, '-x=y');
  assert.is(configOf(['--admin-token=a=b']).adminToken, 'a=b');
});

test.run();

// Malformed command lines, roles, Redis URLs and empty strings: rejected with one line naming the option.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { configOf, assertRejected, errorOf } from './parse.ts';

test('an unknown flag, alone or with a value', () => {
  assertRejected(errorOf(['--foo']), '--foo', 'unknown option --foo');
  assertRejected(errorOf(['--foo=1']), '--foo', 'unknown option --foo');
  assertRejected(errorOf(['--port', '1', '-x']), '-x', 'unknown option -x');
  assertRejected(errorOf(['--PORT', '1']), '--PORT', 'unknown option --PORT');
});

test('a flag without a value', () => {
  for (const flag of ['--port', '--host', '--db', '--redis', '--symbols', '--config', '--seed', '--role', '--admin-token']) {
    assertRejected(errorOf([flag]), flag, `${flag}: missing value`);
  }
  assertRejected(errorOf(['--port', '--host', 'x']), '--port', '--port: missing value');
});

test('a bare argument', () => {
  assertRejected(errorOf(['8080']), '8080', 'unexpected argument "8080"');
});

test('the first bad flag is the one reported', () => {
  assertRejected(errorOf(['--foo', '--bar']), '--foo', 'unknown option --foo');
});

test('an unknown role', () => {
  assertRejected(errorOf(['--role', 'leader']), '--role', '--role: expected one of all, simulator, edge, got "leader"');
  assertRejected(errorOf([], { TICKTAPE_ROLE: 'Edge' }), 'TICKTAPE_ROLE', 'got "Edge"');
});

test('roles edge and simulator without Redis', () => {
  for (const role of ['edge', 'simulator']) {
    assertRejected(errorOf(['--role', role]), '--role', `--role: role ${role} needs Redis: set --redis or REDIS_URL`);
    assertRejected(errorOf([], { TICKTAPE_ROLE: role }), 'TICKTAPE_ROLE', 'needs Redis');
    assertRejected(errorOf(['--role', role], { REDIS_URL: '' }), '--role', 'needs Redis');
  }
});

test('a Redis URL with another scheme, no host or no scheme', () => {
  for (const url of ['http://localhost:6379', 'localhost:6379', 'redis://', 'redis:localhost', 'tcp://x', '']) {
    assertRejected(errorOf([`--redis=${url}`]), '--redis', 'expected a redis:// or rediss:// URL');
  }
  assertRejected(errorOf([], { REDIS_URL: 'http://x' }), 'REDIS_URL', 'REDIS_URL: expected a redis:// or rediss:// URL, got "http://x"');
});

test('a bad Redis URL is echoed without its password', () => {
  const error = errorOf(['--redis', 'https://user:hunter2@cache:6379']);
  assert.not.match(error.message, 'hunter2');
  assert.match(error.message, 'user:***@cache');
  // The userinfo runs to the last '@': no part of a password holding one may show.
  const atInPassword = errorOf(['--redis', 'https://user:hun@ter2@cache:6379']);
  assert.not.match(atInPassword.message, 'ter2');
  assert.match(atInPassword.message, 'user:***@cache:6379');
});

test('empty strings where text is wanted', () => {
  for (const flag of ['--host', '--db', '--config', '--admin-token']) {
    assertRejected(errorOf([`${flag}=`]), flag, `${flag}: must not be empty`);
  }
});

test('bad values from the environment name the variable, not the flag', () => {
  assertRejected(errorOf([], { PORT: 'abc' }), 'PORT', 'PORT: expected a non-negative integer, got "abc"');
  assertRejected(errorOf([], { TICKTAPE_INTERVAL_MS: '-5' }), 'TICKTAPE_INTERVAL_MS', 'TICKTAPE_INTERVAL_MS: ');
});

test('valid options still parse beside a redis URL with credentials and a path', () => {
  assert.is(configOf(['--redis', 'rediss://u:p@h:6380/3']).redis, 'rediss://u:p@h:6380/3');
});

test.run();

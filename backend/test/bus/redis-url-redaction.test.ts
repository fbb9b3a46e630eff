// What logs and error messages show of a Redis URL: the password replaced by ***, all else as typed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { redactUrl } from '../../bus/redis/connection.ts';

test('the password is replaced and the rest kept as typed', () => {
  assert.is(redactUrl('redis://user:hunter2@cache:6379/2'), 'redis://user:***@cache:6379/2');
  assert.is(redactUrl('rediss://:hunter2@Cache.example:6380'), 'rediss://:***@Cache.example:6380');
  assert.is(redactUrl('http://user:hunter2@x'), 'http://user:***@x');
});

test('a password holding @ or : is hidden whole, as the URL parser splits it', () => {
  // WHATWG URL: the userinfo runs to the authority's last '@', the password from its first ':'.
  assert.is(redactUrl('redis://user:p@ss:w@rd@cache:6379'), 'redis://user:***@cache:6379');
  assert.is(new URL('redis://user:p@ss:w@rd@cache:6379').hostname, 'cache');
  assert.is(redactUrl('redis://a@b:secret@cache'), 'redis://a@b:***@cache');
});

test('URLs without a password come back unchanged, whatever else they hold', () => {
  for (const text of ['redis://127.0.0.1:6379', 'redis://user@cache:6379', 'redis://user:@cache', 'redis://cache:6379/0?x=a@b', 'localhost:6379', 'redis:', '']) {
    assert.is(redactUrl(text), text);
  }
});

test.run();

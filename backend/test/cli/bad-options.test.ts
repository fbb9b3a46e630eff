// The real entry point with bad options: a non-zero exit and exactly one stderr line naming the
// option, before any I/O (the --db directory is never created) and without starting a server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ConfigError, helpText, parseOptions } from '../../config.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// Generous: the contract wants a second or two, but a loaded CI machine compiles main's imports slowly.
const DEADLINE_MS = 30_000;

const dir = mkdtempSync(join(tmpdir(), 'ticktape-cli-'));
const dbDir = join(dir, 'never-created');
const badJson = join(dir, 'bad.json');
writeFileSync(badJson, '{"symbols": [');

/** The parent's environment without any ticktape option, so only the case's own values count. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  const ours = /^(PORT|HOST|REDIS_URL|TICKTAPE_.*)$/;
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !ours.test(key)) env[key] = value;
  }
  return { ...env, TICKTAPE_DB: join(dbDir, 'ticktape.db'), ...extra };
}

function runMain(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'backend/main.ts', ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    encoding: 'utf8',
    timeout: DEADLINE_MS,
    killSignal: 'SIGKILL',
  });
  assert.is(result.error, undefined, `main did not finish within ${DEADLINE_MS} ms: ${result.error?.message}`);
  return result;
}

function expectedError(args: string[], env: Record<string, string>): ConfigError {
  try {
    parseOptions(args, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(args)} ${JSON.stringify(env)} is not a bad option`);
}

const CASES: { args: string[]; env?: Record<string, string>; names: string }[] = [
  { args: ['--foo'], names: '--foo' },
  { args: ['--port', 'abc'], names: '--port' },
  { args: ['--port'], names: '--port' },
  { args: ['--port=70000'], names: '--port' },
  { args: ['--speed', '-1'], names: '--speed' },
  { args: ['--symbols', ''], names: '--symbols' },
  { args: ['--symbols', 'AAPL,'], names: '--symbols' },
  { args: ['--symbols', 'FOO'], names: '--symbols' },
  { args: ['--role', 'leader'], names: '--role' },
  { args: ['--role', 'edge'], names: '--role' },
  { args: ['--redis', 'http://localhost:6379'], names: '--redis' },
  { args: ['--config', join(dir, 'missing.json')], names: '--config' },
  { args: ['--config', badJson], names: '--config' },
  { args: [], env: { PORT: 'abc' }, names: 'PORT' },
  { args: [], env: { TICKTAPE_INTERVAL_MS: '0' }, names: 'TICKTAPE_INTERVAL_MS' },
  { args: [], env: { TICKTAPE_ROLE: 'simulator' }, names: 'TICKTAPE_ROLE' },
  { args: [], env: { REDIS_URL: 'localhost:6379' }, names: 'REDIS_URL' },
  { args: [], env: { TICKTAPE_SYMBOLS: ',AAPL' }, names: 'TICKTAPE_SYMBOLS' },
];

test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const { args, env = {}, names } of CASES) {
  const label = [...Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`), ...args.map((a) => JSON.stringify(a))];
  test(`ticktape ${label.join(' ')} exits non-zero with one line naming ${names}`, () => {
    const { status, stdout, stderr } = runMain(args, env);
    assert.is(status, 2, `exit status; stderr: ${stderr}`);
    const lines = stderr.split('\n').filter((line) => line !== '');
    assert.is(lines.length, 1, `stderr has ${lines.length} lines:\n${stderr}`);
    assert.ok(lines[0].includes(names), `stderr does not name ${names}: ${lines[0]}`);
    assert.is(stderr, `ticktape: ${expectedError(args, env).message}\n`);
    assert.is(stdout, '', 'nothing on stdout');
    assert.not.ok(existsSync(dbDir), 'the --db directory was created before the options were checked');
  });
}

test('--help prints the help on stdout and exits 0', () => {
  const { status, stdout, stderr } = runMain(['--help']);
  assert.is(status, 0, stderr);
  assert.is(stdout, helpText());
  assert.is(stderr, '');
  assert.not.ok(existsSync(dbDir));
});

test('--help names the installed command and a clone\'s, and `npm start -- --help` is the latter', () => {
  // `ticktape [options]` is checked against the installed package in test/package/.
  const [usage, clone] = helpText().split('\n');
  assert.match(usage, /^Usage: ticktape \[options\]$/);
  assert.match(clone, /^   or: npm start -- \[options\] +\(from a clone of the repository\)$/);
  const npm = spawnSync('npm', ['start', '--silent', '--', '--help'], {
    cwd: ROOT,
    env: cleanEnv({}),
    encoding: 'utf8',
    timeout: DEADLINE_MS,
    killSignal: 'SIGKILL',
  });
  assert.is(npm.error, undefined, npm.error?.message);
  assert.is(npm.status, 0, npm.stderr);
  assert.is(npm.stdout, helpText());
});

test('-h beside a bad option and a bad environment value still prints the help', () => {
  const { status, stdout } = runMain(['--port', 'abc', '-h'], { TICKTAPE_SPEED: 'x' });
  assert.is(status, 0);
  assert.is(stdout, helpText());
});

test.run();

// The real entry point with a bad value for an option of market model v2 (--hours, --start-date,
// --max-events-per-second, their environment variables, `adv` in --config): exit 2 and exactly one
// stderr line, the option parser's message naming the option, before any I/O (the --db directory is
// never created). The messages themselves are checked in test/config.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, parseOptions } from '../../config.ts';
import { exitOf, spawnTicktape } from '../helpers/process.ts';
import { tempDir } from '../helpers/server.ts';

const dir = tempDir('ticktape-cli-market-');
const dbDir = join(dir, 'never-created');
const badAdv = join(dir, 'bad-adv.json');
writeFileSync(badAdv, JSON.stringify({ symbols: [{ symbol: 'AAA', name: 'A', price: 10, volatility: 0.2, drift: 0, spreadBps: 5, adv: 5 }] }));

const CASES: { args: string[]; env?: Record<string, string>; names: string }[] = [
  { args: ['--hours', 'Extended'], names: '--hours' },
  { args: [], env: { TICKTAPE_START_DATE: '2026-02-30' }, names: 'TICKTAPE_START_DATE' },
  { args: ['--max-events-per-second', '0'], names: '--max-events-per-second' },
  { args: ['--config', badAdv], names: 'symbols[0].adv' },
];

function expectedMessage(args: string[], env: Record<string, string>): string {
  try {
    parseOptions(args, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`${JSON.stringify(args)} is not a bad option`);
}

for (const { args, env = {}, names } of CASES) {
  test(`ticktape ${[...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args].join(' ')} exits 2 with one line naming ${names}`, async () => {
    const proc = spawnTicktape(args, { env: { TICKTAPE_DB: join(dbDir, 'ticks.db'), ...env } });
    const exit = await exitOf(proc);
    assert.equal(exit, { code: 2, signal: null }, proc.stderr);
    assert.is(proc.stderr, `ticktape: ${expectedMessage(args, env)}\n`);
    assert.ok(proc.stderr.includes(names), proc.stderr);
    assert.is(proc.stdout, '');
    assert.not.ok(existsSync(dbDir), 'nothing was opened');
  });
}

test.run();

// The options of market model v2 (issue 8): --hours, --start-date, --max-events-per-second, each as
// `--flag value`, `--flag=value` and its environment variable, flags winning; their defaults; bad
// values as one-line errors naming where they came from. And `adv` in --config: optional, a number
// of shares of at least 100, named by its path when wrong.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import type { Config } from '../../config.ts';
import { assertRejected, configOf, errorOf } from './parse.ts';

const dir = mkdtempSync(join(tmpdir(), 'ticktape-market-options-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(content: unknown): string {
  const path = join(dir, `universe-${files++}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

test('defaults: regular hours, the fixed start date 2026-01-05, 100 events a second', () => {
  const config = configOf([]);
  assert.is(config.hours, 'regular');
  assert.is(config.startDate, '2026-01-05');
  assert.is(config.maxEventsPerSecond, 100);
});

const CASES: { flag: string; env: string; raw: string; other: string; key: keyof Config; value: unknown }[] = [
  { flag: '--hours', env: 'TICKTAPE_HOURS', raw: 'extended', other: 'regular', key: 'hours', value: 'extended' },
  { flag: '--start-date', env: 'TICKTAPE_START_DATE', raw: '2026-03-07', other: '2030-01-02', key: 'startDate', value: '2026-03-07' },
  { flag: '--max-events-per-second', env: 'TICKTAPE_MAX_EVENTS_PER_SECOND', raw: '250', other: '7', key: 'maxEventsPerSecond', value: 250 },
];

for (const { flag, env, raw, other, key, value } of CASES) {
  test(`${flag} VALUE, ${flag}=VALUE and ${env} set ${key}; the flag wins over the environment`, () => {
    assert.equal(configOf([flag, raw])[key], value);
    assert.equal(configOf([`${flag}=${raw}`])[key], value);
    assert.equal(configOf([], { [env]: raw })[key], value);
    assert.equal(configOf([flag, raw], { [env]: other })[key], value);
  });
}

test('--hours: only regular or extended, lower case', () => {
  for (const raw of ['Regular', 'EXTENDED', 'all', 'pre-market', '', ' regular']) {
    assertRejected(errorOf(['--hours', raw]), '--hours', `expected regular or extended, got ${JSON.stringify(raw)}`);
  }
  assertRejected(errorOf([], { TICKTAPE_HOURS: '24h' }), 'TICKTAPE_HOURS', 'expected regular or extended, got "24h"');
});

test('--start-date: a real calendar date YYYY-MM-DD between 1900 and 2199', () => {
  for (const raw of ['2026-02-30', '2026-13-01', '2026-00-10', '2026-3-7', '26-03-07', '2026/03/07', '2026-03-07T09:30', '', 'monday', '1899-12-31', '2200-01-01']) {
    assertRejected(errorOf(['--start-date', raw]), '--start-date', `expected a date YYYY-MM-DD between 1900 and 2199, got ${JSON.stringify(raw)}`);
  }
  assertRejected(errorOf([], { TICKTAPE_START_DATE: '2025-02-29' }), 'TICKTAPE_START_DATE', 'expected a date YYYY-MM-DD');
  // The edges of the range, and a leap day, are dates.
  for (const raw of ['1900-01-01', '2199-12-31', '2028-02-29']) assert.is(configOf(['--start-date', raw]).startDate, raw);
});

test('--max-events-per-second: a whole number from 1 to 1 000 000', () => {
  for (const raw of ['abc', '-1', '1.5', '', '1e3', '0x10']) {
    assertRejected(errorOf([`--max-events-per-second=${raw}`]), '--max-events-per-second', `expected a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  assertRejected(errorOf(['--max-events-per-second', '0']), '--max-events-per-second', 'must be at least 1, got 0');
  assertRejected(errorOf(['--max-events-per-second', '1000001']), '--max-events-per-second', 'must be at most 1000000, got 1000001');
  assertRejected(errorOf([], { TICKTAPE_MAX_EVENTS_PER_SECOND: '0' }), 'TICKTAPE_MAX_EVENTS_PER_SECOND', 'must be at least 1');
  assert.is(configOf(['--max-events-per-second', '1']).maxEventsPerSecond, 1);
  assert.is(configOf(['--max-events-per-second', '1000000']).maxEventsPerSecond, 1_000_000);
});

const SPEC = { symbol: 'AAA', name: 'Triple A', price: 50, volatility: 0.3, drift: 0.05, spreadBps: 4 };

test('adv in --config: kept when given (also through TICKTAPE_CONFIG), absent otherwise', () => {
  const path = configFile({ symbols: [{ ...SPEC, adv: 2_500_000 }, { ...SPEC, symbol: 'BBB' }] });
  const [aaa, bbb] = configOf(['--config', path]).universe;
  assert.is(aaa.adv, 2_500_000);
  assert.not.ok('adv' in bbb, 'no adv given: none in the spec (the model picks its default)');
  assert.is(configOf([], { TICKTAPE_CONFIG: path }).universe[0].adv, 2_500_000);
  assert.is(configOf(['--config', configFile({ symbols: [{ ...SPEC, adv: 100 }] })]).universe[0].adv, 100);
});

test('a bad adv is refused, naming the symbol\'s entry and the field', () => {
  for (const adv of [99, 0, -5, '1000000', null, true, [1e6]]) {
    const path = configFile({ symbols: [{ ...SPEC, symbol: 'OK' }, { ...SPEC, adv }] });
    assertRejected(errorOf(['--config', path]), '--config', 'symbols[1].adv must be a number of shares of at least 100');
  }
  // JSON has no Infinity or NaN; a huge number is still a number.
  assert.is(configOf(['--config', configFile({ symbols: [{ ...SPEC, adv: 1e12 }] })]).universe[0].adv, 1e12);
});

test.run();

// --config / TICKTAPE_CONFIG: the universe from a JSON file, every field checked and named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { DEFAULT_SYMBOL_PARAMETERS } from '../../simulator/universe.ts';
import { assertRejected, configOf, errorOf } from './parse.ts';

const dir = mkdtempSync(join(tmpdir(), 'ticktape-config-'));
let fileCount = 0;

function file(content: unknown): string {
  const path = join(dir, `universe-${++fileCount}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const ACME = { symbol: 'ACME', name: 'Acme Corp', price: 12.5, volatility: 0.4, drift: 0.05, spreadBps: 10, beta: 1.5 };
const WIDG = { symbol: 'WIDG', name: 'Widgets Ltd', price: 3, volatility: 0, drift: -0.02, spreadBps: 0 };

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the file gives the whole universe, in its order, beta optional', () => {
  const path = file({ symbols: [ACME, WIDG] });
  assert.equal(configOf(['--config', path]).universe, [ACME, WIDG]);
  assert.equal(configOf([], { TICKTAPE_CONFIG: path }).universe, [ACME, WIDG]);
});

test('symbols in the file are upper-cased', () => {
  const path = file({ symbols: [{ ...ACME, symbol: 'acme' }] });
  assert.is(configOf(['--config', path]).universe[0].symbol, 'ACME');
});

test('--symbols selects from the file, may reprice and may add priced names', () => {
  const path = file({ symbols: [ACME, WIDG] });
  assert.equal(configOf(['--config', path, '--symbols', 'widg']).universe, [WIDG]);
  assert.equal(configOf(['--config', path, '--symbols', 'ACME:20']).universe, [{ ...ACME, price: 20 }]);
  assert.equal(configOf(['--symbols=ACME,QAA:50'], { TICKTAPE_CONFIG: path }).universe, [
    ACME,
    { symbol: 'QAA', name: 'QAA', price: 50, ...DEFAULT_SYMBOL_PARAMETERS },
  ]);
});

test('with a file, built-in names are not known unless the file has them', () => {
  const path = file({ symbols: [ACME] });
  assertRejected(errorOf(['--config', path, '--symbols', 'AAPL']), '--symbols', 'unknown symbol AAPL');
});

test('an unreadable file', () => {
  const missing = join(dir, 'missing.json');
  assertRejected(errorOf(['--config', missing]), '--config', `cannot read ${JSON.stringify(missing)}`);
  assertRejected(errorOf([], { TICKTAPE_CONFIG: dir }), 'TICKTAPE_CONFIG', 'cannot read');
});

test('invalid JSON', () => {
  assertRejected(errorOf(['--config', file('{"symbols": [')]), '--config', 'invalid JSON in');
  assertRejected(errorOf([], { TICKTAPE_CONFIG: file('') }), 'TICKTAPE_CONFIG', 'invalid JSON');
});

test('the wrong top-level shape', () => {
  for (const content of [[], 'null', 42, { universe: [] }]) {
    assertRejected(errorOf(['--config', file(content)]), '--config', 'expected an object {"symbols":[...]}');
  }
  for (const content of [{ symbols: [] }, { symbols: {} }, { symbols: 'AAPL' }]) {
    assertRejected(errorOf(['--config', file(content)]), '--config', 'symbols must be a non-empty array');
  }
});

const BAD_ENTRIES: [Record<string, unknown> | unknown, string][] = [
  ['AAPL', 'symbols[1] must be an object'],
  [null, 'symbols[1] must be an object'],
  [{ ...ACME, symbol: undefined }, 'symbols[1].symbol must be a string'],
  [{ ...ACME, symbol: 'BAD NAME' }, 'symbols[1].symbol must be a string'],
  [{ ...ACME, symbol: 7 }, 'symbols[1].symbol must be a string'],
  [{ ...ACME, name: undefined }, 'symbols[1].name must be a non-empty string'],
  [{ ...ACME, name: '' }, 'symbols[1].name must be a non-empty string'],
  [{ ...ACME, name: 5 }, 'symbols[1].name must be a non-empty string'],
  [{ ...ACME, price: 0 }, 'symbols[1].price must be a positive number'],
  [{ ...ACME, price: -3 }, 'symbols[1].price must be a positive number'],
  [{ ...ACME, price: '12' }, 'symbols[1].price must be a positive number'],
  [{ ...ACME, price: undefined }, 'symbols[1].price must be a positive number'],
  [{ ...ACME, volatility: -0.1 }, 'symbols[1].volatility must be a non-negative number'],
  [{ ...ACME, volatility: null }, 'symbols[1].volatility must be a non-negative number'],
  [{ ...ACME, drift: '0.1' }, 'symbols[1].drift must be a number'],
  [{ ...ACME, drift: undefined }, 'symbols[1].drift must be a number'],
  [{ ...ACME, spreadBps: -1 }, 'symbols[1].spreadBps must be a non-negative number'],
  [{ ...ACME, spreadBps: true }, 'symbols[1].spreadBps must be a non-negative number'],
  [{ ...ACME, beta: 'high' }, 'symbols[1].beta must be a number'],
  [{ ...ACME, beta: null }, 'symbols[1].beta must be a number'],
  [{ ...ACME, Beta: 1 }, 'symbols[1] has an unknown field "Beta"'],
];

for (const [entry, message] of BAD_ENTRIES) {
  test(`an entry that fails with "${message}"`, () => {
    const path = file({ symbols: [WIDG, entry] });
    assertRejected(errorOf(['--config', path]), '--config', `--config: ${message}`);
  });
}

test('a number too large for a double (1e400) is not a positive number', () => {
  const path = file(`{"symbols":[${JSON.stringify(WIDG).replace('"price":3', '"price":1e400')}]}`);
  assertRejected(errorOf(['--config', path]), '--config', 'symbols[0].price must be a positive number');
});

test('duplicate symbols, also differing only in case', () => {
  const path = file({ symbols: [ACME, WIDG, { ...ACME, symbol: 'acme' }] });
  assertRejected(errorOf(['--config', path]), '--config', 'symbols[2].symbol ACME duplicates symbols[0]');
});

test('errors from TICKTAPE_CONFIG name the variable', () => {
  const path = file({ symbols: [{ ...ACME, price: 0 }] });
  assertRejected(errorOf([], { TICKTAPE_CONFIG: path }), 'TICKTAPE_CONFIG', 'TICKTAPE_CONFIG: symbols[0].price');
});

test('a bad file is reported even when --symbols would not need it', () => {
  assertRejected(errorOf(['--symbols', 'QAA:5', '--config', file('nope')]), '--config', 'invalid JSON');
});

test.run();

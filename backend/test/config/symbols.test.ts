// --symbols / TICKTAPE_SYMBOLS: which symbols, in which order, at which initial prices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { BUILTIN_UNIVERSE, DEFAULT_SYMBOL_PARAMETERS } from '../../simulator/universe.ts';
import { assertRejected, configOf, errorOf } from './parse.ts';

const builtin = (symbol: string) => BUILTIN_UNIVERSE.find((s) => s.symbol === symbol)!;

test('known names keep their built-in parameters, in the order given', () => {
  assert.equal(configOf(['--symbols', 'MSFT,AAPL']).universe, [builtin('MSFT'), builtin('AAPL')]);
});

test('names are case-insensitive and upper-cased; spaces around entries are ignored', () => {
  assert.equal(configOf(['--symbols', 'msft, aapl ']).universe.map((s) => s.symbol), ['MSFT', 'AAPL']);
});

test('a price sets the initial price of a known symbol and keeps its other parameters', () => {
  const [aapl] = configOf(['--symbols', 'AAPL:100.25']).universe;
  assert.equal(aapl, { ...builtin('AAPL'), price: 100.25 });
});

test('a new name with a price joins with the default parameters', () => {
  const universe = configOf(['--symbols', 'AAPL,QAA:50,brk.b:420.5,X-1:.5']).universe;
  assert.equal(universe.slice(1), [
    { symbol: 'QAA', name: 'QAA', price: 50, ...DEFAULT_SYMBOL_PARAMETERS },
    { symbol: 'BRK.B', name: 'BRK.B', price: 420.5, ...DEFAULT_SYMBOL_PARAMETERS },
    { symbol: 'X-1', name: 'X-1', price: 0.5, ...DEFAULT_SYMBOL_PARAMETERS },
  ]);
});

test('a twelve-character name is accepted', () => {
  assert.is(configOf(['--symbols', 'ABCDEFGHIJKL:1']).universe[0].symbol, 'ABCDEFGHIJKL');
});

test('empty lists and empty entries', () => {
  assertRejected(errorOf(['--symbols', '']), '--symbols', 'expected a comma-separated list');
  assertRejected(errorOf(['--symbols=']), '--symbols', 'got ""');
  assertRejected(errorOf(['--symbols', ' ']), '--symbols', 'expected a comma-separated list');
  assertRejected(errorOf(['--symbols', 'AAPL,']), '--symbols', 'empty entry in "AAPL,"');
  assertRejected(errorOf(['--symbols', ',AAPL']), '--symbols', 'empty entry');
  assertRejected(errorOf(['--symbols', 'AAPL,,MSFT']), '--symbols', 'empty entry');
  assertRejected(errorOf([], { TICKTAPE_SYMBOLS: 'AAPL,' }), 'TICKTAPE_SYMBOLS', 'empty entry');
});

test('duplicates, also differing only in case', () => {
  assertRejected(errorOf(['--symbols', 'AAPL,MSFT,AAPL']), '--symbols', 'AAPL is listed twice');
  assertRejected(errorOf(['--symbols', 'aapl,AAPL:5']), '--symbols', 'AAPL is listed twice');
});

test('bad names', () => {
  for (const name of ['A$B', 'ABCDEFGHIJKLM', 'A B', 'ÄPFEL', ':50']) {
    assertRejected(errorOf(['--symbols', `AAPL,${name}`]), '--symbols', 'invalid symbol');
  }
  assertRejected(errorOf([], { TICKTAPE_SYMBOLS: 'A/B' }), 'TICKTAPE_SYMBOLS', 'invalid symbol "A/B"');
});

test('bad prices', () => {
  for (const price of ['0', '-5', 'abc', '', '1e3', '5:6', '0.0']) {
    assertRejected(
      errorOf(['--symbols', `QAA:${price}`]),
      '--symbols',
      `price of QAA must be a positive number, got ${JSON.stringify(price)}`,
    );
  }
});

test('a new name without a price', () => {
  assertRejected(errorOf(['--symbols', 'AAPL,FOO']), '--symbols', '--symbols: unknown symbol FOO (give a price, e.g. FOO:50)');
  assertRejected(errorOf([], { TICKTAPE_SYMBOLS: 'foo' }), 'TICKTAPE_SYMBOLS', 'unknown symbol FOO');
});

test.run();

// Numbers in the table: two-decimal prices, signed changes and percentages, grouped volumes,
// sparkline geometry and the symbols attribute.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  formatChange,
  formatChangePct,
  formatPrice,
  formatVolume,
  parseEventId,
  parseSymbols,
  sparklineCapacity,
  sparklinePoints,
} from '../src/format.ts';

test('prices have two decimals and grouping', () => {
  assert.is(formatPrice(1234.5, 'en-US'), '1,234.50');
  assert.is(formatPrice(0.1, 'en-US'), '0.10');
  assert.is(formatPrice(1234.5, 'de-DE'), '1.234,50');
});

test('changes and percentages are signed, zero is not', () => {
  assert.is(formatChange(1.42, 'en-US'), '+1.42');
  assert.is(formatChange(-0.3, 'en-US'), '-0.30');
  assert.is(formatChange(0, 'en-US'), '0.00');
  assert.is(formatChangePct(0.755, 'en-US'), '+0.76%', 'changePct is in percent units');
  assert.is(formatChangePct(-12.3, 'en-US'), '-12.30%');
});

test('volumes are grouped whole numbers', () => {
  assert.is(formatVolume(1234500, 'en-US'), '1,234,500');
});

test('sparkline: higher prices are higher up, flat series are a middle line', () => {
  assert.is(sparklinePoints([1, 2, 3], 100, 20, 0), '0,20 50,10 100,0');
  assert.is(sparklinePoints([5, 5], 100, 20, 0), '0,10 100,10');
  assert.is(sparklinePoints([5], 100, 20, 0), '0,10 100,10');
  assert.is(sparklinePoints([], 100, 20), '');
});

test('symbols attribute: trimmed, upper-case, unique, empty means all', () => {
  assert.equal(parseSymbols(' aapl, MSFT,,aapl '), ['AAPL', 'MSFT']);
  assert.equal(parseSymbols(''), []);
  assert.equal(parseSymbols(null), []);
  assert.equal(parseSymbols('  '), []);
});

test('symbols attribute: commas naming no symbol are an error, not "all"', () => {
  assert.is(parseSymbols(' , '), null);
  assert.is(parseSymbols(','), null);
});

test('last-event-id attribute: digits only, up to 2^53; absent means no replay', () => {
  assert.is(parseEventId(null), null);
  assert.is(parseEventId('0'), 0);
  assert.is(parseEventId('1042'), 1042);
  assert.is(parseEventId(String(2 ** 53)), 2 ** 53);
  for (const bad of ['', ' 5', '5 ', '1e3', '-1', '1.5', '0x10', 'abc', String(2 ** 53 + 2), '9'.repeat(30)]) {
    assert.ok(Number.isNaN(parseEventId(bad)), JSON.stringify(bad));
  }
});

test('sparkline length: the default for non-numbers, clamped to 2…1000', () => {
  assert.is(sparklineCapacity(NaN), 48);
  assert.is(sparklineCapacity(Infinity), 48);
  assert.is(sparklineCapacity(10), 10);
  assert.is(sparklineCapacity(1), 2);
  assert.is(sparklineCapacity(1e9), 1000);
  assert.is(sparklineCapacity(12.4), 12);
});

test.run();

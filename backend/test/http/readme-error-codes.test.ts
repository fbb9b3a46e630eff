// README.md's table of error codes is the one generated from the catalogue, so it names every code
// a client can get, with its status, and cannot drift from backend/http/errors.ts.
import { readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { errors } from '../../http/errors.ts';
import { blockProblem, currentBlock, expectedBlock, generatedBlock } from '../../../scripts/lib/readme.ts';

const README = new URL('../../../README.md', import.meta.url);
const ERRORS_BLOCK = generatedBlock('error codes');

test('README.md contains the generated error-code table, verbatim', () => {
  assert.is(blockProblem(ERRORS_BLOCK), null);
});

test('the table has a row for every entry of the catalogue', () => {
  const rows = expectedBlock(ERRORS_BLOCK).split('\n').filter((line) => /^\| `[A-Z_]+` \|/.test(line));
  assert.is(rows.length, Object.keys(errors).length);
});

test('README.md lists the codes once: no other list of them', () => {
  const readme = readFileSync(README, 'utf8');
  const outside = readme.replace(currentBlock(ERRORS_BLOCK) ?? '', '');
  assert.not.match(outside, /`UNKNOWN_SYMBOL`, `BAD_SYMBOLS`/, 'README.md still has a hand-written list of error codes');
});

test.run();

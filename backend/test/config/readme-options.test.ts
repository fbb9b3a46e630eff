// README.md's options table is the one generated from the option table, so the two cannot drift.
import { readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { currentBlock, expectedBlock, GENERATED_BLOCKS } from '../../../scripts/lib/readme.ts';

const README = new URL('../../../README.md', import.meta.url);
const OPTIONS_BLOCK = GENERATED_BLOCKS.find((block) => block.name === 'options')!;

test('README.md contains the generated options table, verbatim', () => {
  const current = currentBlock(OPTIONS_BLOCK);
  assert.ok(current !== null, 'README.md has no <!-- generated: options … --> block; add its two marker lines and run `npm run readme`');
  assert.fixture(current, expectedBlock(OPTIONS_BLOCK), 'README.md\'s options table differs from OPTIONS in backend/config.ts; run `npm run readme`');
});

test('README.md has no second, stale options table', () => {
  const readme = readFileSync(README, 'utf8');
  const headers = readme.split('\n').filter((line) => /^\|\s*flag\s*\|\s*env\s*\|/.test(line));
  assert.ok(headers.length <= 1, `README.md has ${headers.length} options tables; keep only the generated one`);
});

test.run();

// README.md's options table is the one generated from the option table, so the two cannot drift.
import { readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { blockProblem, generatedBlock } from '../../../scripts/lib/readme.ts';

const README = new URL('../../../README.md', import.meta.url);

test('README.md contains the generated options table, verbatim', () => {
  assert.is(blockProblem(generatedBlock('options')), null);
});

test('README.md has no second, stale options table', () => {
  const readme = readFileSync(README, 'utf8');
  const headers = readme.split('\n').filter((line) => /^\|\s*flag\s*\|\s*env\s*\|/.test(line));
  assert.ok(headers.length <= 1, `README.md has ${headers.length} options tables; keep only the generated one`);
});

test.run();

// README.md's options table is the one generated from the option table, so the two cannot drift.
import { readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { optionsMarkdownTable } from '../../config.ts';

const README = new URL('../../../README.md', import.meta.url);
const REGENERATE = 'regenerate it with `npx tsx scripts/readme-options.ts` and paste it into README.md';

test('README.md contains the generated options table, verbatim', () => {
  let readme: string;
  try {
    readme = readFileSync(README, 'utf8');
  } catch (error) {
    assert.unreachable(`README.md cannot be read (${(error as Error).message}); ${REGENERATE}`);
    return;
  }
  const table = optionsMarkdownTable();
  assert.ok(readme.includes(table), `README.md does not contain the current options table; ${REGENERATE}`);
});

test('README.md has no second, stale options table', () => {
  let readme = '';
  try {
    readme = readFileSync(README, 'utf8');
  } catch {
    // reported by the test above
  }
  const headers = readme.split('\n').filter((line) => /^\|\s*flag\s*\|\s*env\s*\|/.test(line));
  assert.ok(headers.length <= 1, `README.md has ${headers.length} options tables; keep only the generated one`);
});

test.run();

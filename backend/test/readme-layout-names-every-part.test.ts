// README.md's "Layout" names every top-level folder and module of backend/ and everything in
// scripts/, so a new folder (or a moved module) cannot go undocumented.
import { readdirSync, readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', ROOT), 'utf8');

function layout(): string {
  const start = readme.indexOf('Layout, one folder per idea:');
  assert.ok(start >= 0, 'README.md has no "Layout, one folder per idea:" paragraph');
  const end = readme.indexOf('\n\n', readme.indexOf('\n- ', start));
  return readme.slice(start, end < 0 ? undefined : end);
}

function entries(folder: string, except: string[] = []): string[] {
  return readdirSync(new URL(folder, ROOT), { withFileTypes: true })
    .filter((entry) => !except.includes(entry.name))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
}

for (const folder of ['backend/', 'scripts/']) {
  test(`the Layout names every entry of ${folder}`, () => {
    const text = layout();
    const missing = entries(folder, ['test']).filter((name) => !text.includes(`\`${name}\``));
    assert.equal(missing, [], `README.md's Layout does not name ${missing.join(', ')} of ${folder}`);
  });
}

test.run();

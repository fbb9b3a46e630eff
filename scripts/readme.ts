// `npm run readme`: rewrites every generated block of README.md and frontend/README.md from the code
// (the list and the markers are in scripts/lib/readme.ts). `-- --check` changes nothing, names the
// blocks that differ and exits 1 if any does; the drift tests in backend/test and frontend/test do
// the same check.
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_BLOCKS, ROOT, staleBlocks, withBlockRegenerated } from './lib/readme.ts';

if (process.argv.includes('--check')) {
  const stale = staleBlocks();
  for (const problem of stale) console.error(problem);
  process.exit(stale.length > 0 ? 1 : 0);
}

for (const file of new Set(GENERATED_BLOCKS.map((block) => block.file))) {
  const before = readFileSync(ROOT + file, 'utf8');
  const after = GENERATED_BLOCKS.filter((block) => block.file === file).reduce(withBlockRegenerated, before);
  if (after !== before) writeFileSync(ROOT + file, after);
  console.log(`${file}: ${after === before ? 'up to date' : 'regenerated'}`);
}

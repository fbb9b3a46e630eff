// `npm run openapi`: writes the OpenAPI document and the SSE event schemas from the code (the list
// is in scripts/lib/api-documents.ts). `-- --check` writes nothing, names the files that differ
// and exits 1 if any does; backend/test/http/openapi-document.test.ts does the same check.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { API_DOCUMENTS, staleDocuments } from './lib/api-documents.ts';
import { ROOT } from './lib/readme.ts';

if (process.argv.includes('--check')) {
  const stale = staleDocuments();
  for (const problem of stale) console.error(problem);
  process.exit(stale.length > 0 ? 1 : 0);
}

for (const doc of API_DOCUMENTS) {
  const file = ROOT + doc.file;
  const text = doc.render();
  let before: string | null = null;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
  }
  if (before !== text) writeFileSync(file, text);
  console.log(`${doc.file}: ${before === text ? 'up to date' : 'written'}`);
}

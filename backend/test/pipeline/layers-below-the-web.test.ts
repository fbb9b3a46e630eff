// The tick pipeline and the cluster roles know nothing of the web: no module in backend/pipeline/
// or backend/cluster/ imports backend/http/ (or server.ts, the wiring above everything). The admin
// routes reach the generator through pipeline/control.ts, and map its NotGeneratingError.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const BACKEND = fileURLToPath(new URL('../../', import.meta.url));
const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm;

/** Every relative import of `file`, resolved to a path under backend/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1])
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.relative(BACKEND, path.resolve(path.dirname(file), spec)));
}

for (const folder of ['pipeline', 'cluster']) {
  test(`backend/${folder}/ imports neither http/ nor server.ts`, () => {
    const files = fs.readdirSync(path.join(BACKEND, folder)).filter((name) => name.endsWith('.ts'));
    assert.ok(files.length > 0, `backend/${folder}/ has modules`);
    const upward = files.flatMap((name) =>
      importsOf(path.join(BACKEND, folder, name))
        .filter((target) => target.startsWith(`http${path.sep}`) || target === 'server.ts')
        .map((target) => `${folder}/${name} → ${target}`),
    );
    assert.equal(upward, []);
  });
}

test.run();

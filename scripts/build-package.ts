// The parts of the npm package that are built rather than written, after `vite build` has made
// frontend/dist/ (`npm run build` runs both; `npm pack` and `npm publish` run it through prepack):
//
//   backend/dist/ticktape.js     the server, bundled by esbuild into one ES module for plain Node
//                                (the `ticktape` bin; packages stay imports, resolved at run time);
//   frontend/lib/                the component library for apps' own builds (`ticktape/ticker-table`):
//                                tsc's ES modules (lit left as an import) with .d.ts beside them;
//   frontend/custom-elements.json the Custom Elements Manifest of the component, for editors and
//                                Storybook (package.json's `customElements`).
//
// All three folders are gitignored and listed in package.json's `files`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as analyzer from '@custom-elements-manifest/analyzer';
// The Lit plugin reads @property/@customElement decorators; the analyzer exports it from no entry
// point and declares no types for it.
// @ts-expect-error no declaration file
import { litPlugin } from '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js';
import * as esbuild from 'esbuild';

// index.js exports create() and its own TypeScript (source files must come from the version it
// walks); index.d.ts declares neither.
const { create, ts } = analyzer as unknown as {
  create(options: { modules: import('typescript').SourceFile[]; plugins?: analyzer.Plugin[] }): unknown;
  ts: typeof import('typescript');
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const at = (...parts: string[]) => path.join(ROOT, ...parts);

/** Where tsc puts frontend/src/X.ts of the library (its rootDir is the repository). */
export const LIB_SOURCE_DIR = 'frontend/lib/frontend/src';

async function buildServer(): Promise<void> {
  fs.rmSync(at('backend/dist'), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [at('backend/main.ts')],
    outfile: at('backend/dist/ticktape.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // Dependencies are installed beside the package; only our own modules go into the bundle.
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  fs.chmodSync(at('backend/dist/ticktape.js'), 0o755);
}

function buildLibrary(): void {
  fs.rmSync(at('frontend/lib'), { recursive: true, force: true });
  execFileSync(process.execPath, [at('node_modules/typescript/bin/tsc'), '-p', at('frontend/tsconfig.lib.json')], { stdio: 'inherit' });
  // tsc rewrites `./x.ts` to `./x.js` in the JavaScript only; an app's tsc without
  // allowImportingTsExtensions needs the declarations to say `.js` too.
  for (const file of walk(at('frontend/lib'))) {
    if (!file.endsWith('.d.ts')) continue;
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace(/(from\s+['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1.js$2'));
  }
}

function buildManifest(): void {
  const sources = walk(at('frontend/src')).filter((file) => file.endsWith('.ts'));
  const modules = sources.map((file) =>
    ts.createSourceFile(path.relative(ROOT, file).split(path.sep).join('/'), fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true),
  );
  const manifest = create({ modules, plugins: [...(litPlugin() as analyzer.Plugin[]), shippedPaths()] });
  fs.writeFileSync(at('frontend/custom-elements.json'), JSON.stringify(manifest, null, 2) + '\n');
}

/** The manifest names the JavaScript that ships (frontend/lib/…/x.js), not the TypeScript source. */
function shippedPaths() {
  const shipped = (p: string) => p.replace(/^\/?frontend\/src\//, `${LIB_SOURCE_DIR}/`).replace(/\.ts$/, '.js');
  return {
    name: 'ticktape-shipped-paths',
    packageLinkPhase({ customElementsManifest }: { customElementsManifest: { modules: Array<Record<string, unknown>> } }) {
      // Every `path` and `module` field, at any depth (declarations, exports, references).
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (!node || typeof node !== 'object') return;
        for (const [key, value] of Object.entries(node)) {
          if ((key === 'path' || key === 'module') && typeof value === 'string') (node as Record<string, unknown>)[key] = shipped(value);
          else visit(value);
        }
      };
      visit(customElementsManifest.modules);
    },
  };
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

await buildServer();
buildLibrary();
buildManifest();

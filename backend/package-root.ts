// Where ticktape's own files are (db/migrations/, frontend/dist/), and whether it runs as an
// installed package. The same code runs from source (backend/**/*.ts under tsx) and bundled into
// backend/dist/ticktape.js, at different depths, so paths start from the package root, found by
// walking up from this module to the package.json named ticktape.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of ticktape's package.json, at or above `from` (a file URL or path). */
export function findPackageRoot(from: string = import.meta.url): string {
  const start = from.startsWith('file:') ? fileURLToPath(from) : from;
  for (let dir = path.dirname(start); ; dir = path.dirname(dir)) {
    if (readPackageName(path.join(dir, 'package.json')) === 'ticktape') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json named ticktape above ${start}`);
  }
}

function readPackageName(file: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

export const PACKAGE_ROOT = findPackageRoot();

/**
 * True when ticktape runs from an installed package (npx, `npm i -g`, a project's dependency), not
 * from a clone: its files then sit in a node_modules folder, which npm may replace at any time.
 */
export function isInstalledPackage(root: string = PACKAGE_ROOT): boolean {
  return root.split(path.sep).includes('node_modules');
}

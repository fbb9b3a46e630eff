// Builds frontend/dist/ with Vite's JS API when it is missing or older than its sources, so
// `npm start` and the browser tests always serve the current component without rebuilding
// needlessly. Concurrent callers (parallel test files) take turns through a lock directory.
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../backend/package-root.ts';

// From the package root, not this file: main.ts bundles this module into backend/dist/.
const frontendDir = path.join(PACKAGE_ROOT, 'frontend');
export const distDir = path.join(frontendDir, 'dist');
const outputs = [path.join(distDir, 'ticktape.js'), path.join(distDir, 'index.html')];
const sources = [path.join(frontendDir, 'src'), path.join(frontendDir, 'demo'), path.join(frontendDir, 'vite.config.ts')];
const lockDir = path.join(frontendDir, '.build-lock');
const LOCK_STALE_MS = 120_000;

/** True when any output is missing or older than the newest source file. */
export function frontendBuildIsStale(): boolean {
  let oldestOutput = Infinity;
  for (const file of outputs) {
    try {
      oldestOutput = Math.min(oldestOutput, fs.statSync(file).mtimeMs);
    } catch {
      return true;
    }
  }
  return newestMtime(sources) > oldestOutput;
}

/** Runs `vite build` (frontend/vite.config.ts) unless frontend/dist/ is current. */
export async function ensureFrontendBuilt(): Promise<void> {
  if (!frontendBuildIsStale()) return;
  await withLock(async () => {
    if (!frontendBuildIsStale()) return; // another process built it while we waited
    const { build } = await import('vite');
    await build({ configFile: path.join(frontendDir, 'vite.config.ts'), logLevel: 'warn' });
  });
}

function newestMtime(paths: string[]): number {
  let newest = 0;
  for (const p of paths) {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      continue;
    }
    if (stat.isDirectory()) {
      const children = fs.readdirSync(p).map((name) => path.join(p, name));
      newest = Math.max(newest, newestMtime(children));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  }
  return newest;
}

async function withLock(fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!lockHolderAlive() || Date.now() > deadline) {
        fs.rmSync(lockDir, { recursive: true, force: true }); // left by a killed build
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Whether the process that took the lock still runs (a lock just taken may not have its pid yet). */
function lockHolderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs < 5000;
    } catch {
      return false; // released meanwhile
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

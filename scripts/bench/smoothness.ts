// Rendering smoothness of the demo page under a fast feed (frontend/bench/smoothness.ts) as part
// of the suite, in its own process with its own server and Chromium.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { heading } from './report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

export async function benchSmoothness(): Promise<void> {
  heading(
    'Page smoothness, 100 symbols at 1,000 ticks/s',
    'frontend/bench/smoothness.ts: the demo page in headless Chromium on a server with 100 symbols at --interval 100;\n' +
      '   gaps between animation frames (p50/p99/max ms) and long tasks over 5 s after a 2 s warm-up.\n',
  );
  if (!existsSync(CHROMIUM)) {
    console.log(`   skipped: ${CHROMIUM} not found (apt-get install chromium)`);
    return;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'frontend/bench/smoothness.ts', '100'], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status, signal) => resolve(signal ? 128 : status));
  });
  if (code !== 0) throw new Error(`frontend/bench/smoothness.ts exited with ${code}`);
}

// The SQLite log benchmark (scripts/bench-log.ts) as part of the suite, in its own process so its
// 1M-row files and memory come and go with it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { heading } from './report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function benchLog(): Promise<void> {
  heading('SQLite event log', 'scripts/bench-log.ts: append, open, readAfter pages and pruning on a 1M-row log (its own process).\n');
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-log.ts'], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status, signal) => resolve(signal ? 128 : status));
  });
  if (code !== 0) throw new Error(`scripts/bench-log.ts exited with ${code}`);
}

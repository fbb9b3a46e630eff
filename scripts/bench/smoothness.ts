// Rendering smoothness of the demo page under a fast feed (scripts/bench/smoothness-process.ts) as
// part of the suite, in its own process with its own server and Chromium.
import { chromiumAvailable, CHROMIUM_PATH } from '../lib/chromium.ts';
import { runBenchProcess } from './processes.ts';
import { heading } from './report.ts';

export async function benchSmoothness(): Promise<void> {
  heading(
    'Page smoothness, 100 symbols at 1,000 ticks/s',
    'scripts/bench/smoothness-process.ts: the demo page in headless Chromium on a server with 100 symbols at --interval 100;\n' +
      '   gaps between animation frames (p50/p99/max ms) and long tasks over 5 s after a 2 s warm-up.\n',
  );
  if (!chromiumAvailable()) {
    console.log(`   skipped: ${CHROMIUM_PATH} not found (apt-get install chromium)`);
    return;
  }
  await runBenchProcess('smoothness-process.ts', ['100']);
}

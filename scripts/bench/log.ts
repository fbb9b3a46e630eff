// The SQLite log benchmark (scripts/bench/log-process.ts) as part of the suite, in its own process so
// its 1M-row files and memory come and go with it.
import { runBenchProcess } from './processes.ts';
import { heading } from './report.ts';

export async function benchLog(): Promise<void> {
  heading('SQLite event log', 'scripts/bench/log-process.ts: append, open, readAfter pages and pruning on a 1M-row log (its own process).\n');
  await runBenchProcess('log-process.ts');
}

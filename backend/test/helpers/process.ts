// ticktape as a child process, for tests; the helper lives in scripts/lib/process.ts because
// `npm run chaos` starts the same processes.
export {
  ROOT, cleanEnv, exitOf, logLine, spawnTicktape, startChildServer, stopChild,
  type ChildServer, type Exit, type SpawnOptions, type TicktapeProcess,
} from '../../../scripts/lib/process.ts';

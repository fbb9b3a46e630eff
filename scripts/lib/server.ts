// A real ticktape server in this process, for tests, benchmarks and the screenshot: a real SQLite
// file in a temp dir, port 0, options given by their CLI names and parsed by the real option
// parser (so whoever starts one exercises it too). backend/test/helpers/server.ts re-exports it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOptions } from '../../backend/config.ts';
import type { Bus } from '../../backend/bus/bus.ts';
import { startServer, type TicktapeServer } from '../../backend/server.ts';
import type { Logger } from '../../backend/logger.ts';

export interface TestServer extends TicktapeServer {
  /** The database file, for restarting on the same log. */
  readonly db: string;
  readonly dir: string;
}

export interface TestServerExtras {
  bus?: Bus;
  logger?: Logger;
  maxClientBufferBytes?: number;
  replayPage?: number;
  /** `--role simulator`: lease TTL in ms (short in tests, so failover is quick). */
  leaseTtlMs?: number;
  /** The node's wall clock (ticks' `ts`), e.g. one skewed against another node's. */
  now?: () => number;
  /** The built frontend it serves (default frontend/dist), e.g. an empty directory. */
  distDir?: string;
  /** How long an admin route waits for its body before the 408 (default 10 s). */
  bodyTimeoutMs?: number;
}

// Removed when the process exits, not when a server closes: tests restart servers on the same
// database after closing them.
const tempDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'ticktape-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** `startTestServer({ interval: 50, symbols: 'AAPL,MSFT', seed: 1 })`; port 0 and a temp db unless given. */
export async function startTestServer(options: Record<string, string | number | undefined> = {}, extras: TestServerExtras = {}): Promise<TestServer> {
  const dir = tempDir();
  const merged: Record<string, string | number | undefined> = { port: 0, db: path.join(dir, 'ticks.db'), ...options };
  const argv = Object.entries(merged).flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, String(value)]));
  const parsed = parseOptions(argv, {});
  if (parsed.kind !== 'config') throw new Error('startTestServer: --help is not a server');
  const server = await startServer({ config: parsed.config, ...extras });
  return Object.assign(server, { db: parsed.config.db, dir });
}

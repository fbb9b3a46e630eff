// The ticktape process: options, the frontend build, the server, signals. Options are validated
// before anything else happens, so a typo fails in milliseconds with one line naming it.
import { ConfigError, parseOptions } from './config.ts';
import { createConsoleLogger } from './logger.ts';
import { isInstalledPackage } from './package-root.ts';
import { startServer, type TicktapeServer } from './server.ts';

/** The contract's bound on a graceful stop; past it we exit anyway. */
const SHUTDOWN_DEADLINE_MS = 5000;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseOptions(process.argv.slice(2), process.env, { installed: isInstalledPackage() });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ticktape: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text.endsWith('\n') ? parsed.text : parsed.text + '\n');
    return;
  }
  const { config } = parsed;
  const logger = createConsoleLogger();

  // Signals are handled from here on, not only once we listen: one that arrives while the
  // frontend builds or the log opens must still end in a graceful exit 0.
  let phase: 'building' | 'starting' | 'running' = 'building';
  let server: TicktapeServer | undefined;
  let stopping = false;
  const shutdown = (running: TicktapeServer) => {
    running.close().then(
      () => {
        logger('stopped');
        process.exit(0);
      },
      (err) => {
        logger('shutdown.failed', { error: (err as Error).message }, 'error');
        process.exit(1);
      },
    );
  };
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger('shutdown', { signal, lastEventId: server?.log.lastId() });
    setTimeout(() => {
      logger('shutdown.timeout', { afterMs: SHUTDOWN_DEADLINE_MS }, 'error');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    if (phase === 'building') {
      // Nothing is open yet (a build cut short leaves a lock that the next start takes over).
      logger('stopped');
      process.exit(0);
    }
    if (server) shutdown(server);
    // Otherwise startServer is under way with the log open: main closes it once it has it.
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  try {
    const { ensureFrontendBuilt } = await import('../frontend/build.ts');
    await ensureFrontendBuilt();
  } catch (err) {
    // The feed and the API do not need the page: serve them and say what is missing.
    logger('frontend.build_failed', { error: (err as Error).message }, 'warn');
  }

  phase = 'starting';
  server = await startServer({ config, logger });
  phase = 'running';
  if (stopping) return shutdown(server);
  logger('start', {
    role: config.role,
    seed: server.seed,
    seedSource: server.seedSource,
    symbols: config.universe.length,
    interval: config.interval,
    speed: config.speed,
    hours: config.hours,
    startDate: config.startDate,
    maxEventsPerSecond: config.maxEventsPerSecond,
    db: config.db,
    bus: server.bus.kind,
    lastEventId: server.log.lastId(),
  });
  process.stdout.write(`listening on ${server.url}\n`);
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const reason =
    e.code === 'EADDRINUSE'
      ? `address in use (${e.message}); start with --port 0 to pick a free port, or choose another with --port N or PORT=N`
      : (nativeLoadFailure(e) ?? e.message);
  process.stderr.write(`ticktape: cannot start: ${reason}\n`);
  process.exit(1);
});

/**
 * better-sqlite3 loads its compiled addon when the first database opens. Where npm found no prebuilt
 * binary for this platform and Node version and did not compile one (its install script skipped,
 * or no compiler), the error is a multi-line list of paths; say what happened and how to fix it.
 */
function nativeLoadFailure(e: NodeJS.ErrnoException): string | null {
  // bindings' message goes on with one line per path it tried.
  const firstLine = String(e.message).split('\n')[0].replace(/\.? Tried:$/, '');
  const native =
    /Could not locate the bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/.test(e.message) || e.code === 'ERR_DLOPEN_FAILED';
  if (!native) return null;
  return (
    `better-sqlite3's native module did not load (${firstLine}): there is no binary for Node ${process.version} ` +
    `on ${process.platform}-${process.arch}, as npm found no prebuilt one and did not compile it. ` +
    'Compile it with npm rebuild better-sqlite3 in the folder ticktape is installed in ' +
    '(it needs python3, make and a C++ compiler; see "Install" in ticktape\'s README)'
  );
}

// The universe travels with the feed: generators announce theirs in Redis and edges adopt it, so
// an edge validates `symbols=` and answers /api/symbols for the ticks it actually serves, without
// being given the generator's --symbols/--config.
import { ConfigError, parseUniverse } from '../config.ts';
import type { Logger } from '../logger.ts';
import { sideConnection } from '../bus/redis/connection.ts';
import type { SymbolSpec, UniverseView } from '../types.ts';

const DEFAULT_UNIVERSE_KEY = 'ticktape:universe';

/** How often the announcement is repeated and an edge looks again (a generator may restart with another universe). */
const UNIVERSE_REFRESH_MS = 5_000;

export function fixedUniverse(specs: readonly SymbolSpec[]): UniverseView {
  const names = new Set(specs.map((s) => s.symbol));
  return { specs: () => specs, names: () => names };
}

export interface SharedUniverse extends UniverseView {
  close(): Promise<void>;
}

export interface ShareOptions {
  url: string;
  /** `announce`: a generator writes its universe; `adopt`: an edge reads the generator's. */
  mode: 'announce' | 'adopt';
  /** Announced, or served until the cluster's is known. */
  universe: readonly SymbolSpec[];
  logger: Logger;
  key?: string;
  refreshMs?: number;
}

export function shareUniverse(options: ShareOptions): SharedUniverse {
  const key = options.key ?? DEFAULT_UNIVERSE_KEY;
  const { logger, mode } = options;
  let view = fixedUniverse(options.universe);
  let adoptedText = '';
  const announcement = JSON.stringify({ symbols: options.universe });

  // Outages are reported by the bus; here a failed round is simply tried again next time.
  const conn = sideConnection(options.url, `ticktape-universe-${mode}`);

  async function sync(): Promise<void> {
    if (conn.status !== 'ready') return;
    if (mode === 'announce') {
      await conn.set(key, announcement);
      return;
    }
    const text = await conn.get(key);
    if (text === null || text === adoptedText) return;
    try {
      const specs = parseUniverse(JSON.parse(text), key);
      view = fixedUniverse(specs);
      adoptedText = text;
      logger('universe.adopted', { symbols: specs.length });
    } catch (err) {
      // Not ours to fix: keep serving what we have, and say once per distinct bad value.
      adoptedText = text;
      logger('universe.invalid', { key, error: err instanceof ConfigError || err instanceof Error ? err.message : String(err) }, 'warn');
    }
  }
  const run = () => void sync().catch(() => {});
  conn.on('ready', run);
  const timer = setInterval(run, options.refreshMs ?? UNIVERSE_REFRESH_MS);
  timer.unref();

  return {
    specs: () => view.specs(),
    names: () => view.names(),
    async close() {
      clearInterval(timer);
      conn.disconnect();
    },
  };
}

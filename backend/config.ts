// Server options. OPTIONS below is the single source of truth: parsing, validation, `--help` and the
// README options table are all derived from it, so adding an option is one entry here.
//
// Over ~350 lines because it is one idea end to end: the value parsers, the OPTIONS table and what
// is derived from it (flags and env, --help, the README table, the --config universe file).

import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import os from 'node:os';
import { isAbsolute, join } from 'node:path';

import { redactUrl } from './bus/redis/connection.ts';
import type { TradingHours } from './simulator/calendar.ts';
import { BUILTIN_UNIVERSE, customSymbol, findSymbol } from './simulator/universe.ts';
import type { SymbolSpec } from './types.ts';

export type Role = 'all' | 'simulator' | 'edge';

export interface Config {
  port: number;
  host: string;
  db: string;
  redis: string | null;
  /** Resolved from --config / --symbols / the built-in universe. */
  universe: SymbolSpec[];
  interval: number;
  speed: number;
  /** Trading sessions simulated: `regular` (09:30–16:00 ET) or `extended` (04:00–20:00 ET). */
  hours: TradingHours;
  /** `YYYY-MM-DD`: a fresh log's tape starts at the first trading session on or after it. */
  startDate: string;
  /** Bound on trade and quote events per second of wall time (status events come on top). */
  maxEventsPerSecond: number;
  seed: number;
  seedSource: 'option' | 'random';
  retention: number;
  heartbeat: number;
  role: Role;
  adminToken: string | null;
  /** Concurrent `/stream` clients; 0 = no limit of its own. */
  maxClients: number;
  /** Concurrent `/stream` clients per remote address; 0 = off. */
  maxClientsPerIp: number;
  /** `*`, or the exact origins allowed to read the feed cross-origin. */
  corsOrigin: '*' | string[];
  /** CSP `frame-ancestors` source list of the demo page. */
  frameAncestors: string;
  metricsToken: string | null;
}

/** A bad option. `option` is where it came from (`--port` or `PORT`); `message` is one line naming it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

export type ParseResult = { kind: 'help'; text: string } | { kind: 'config'; config: Config };

/** One entry of `--symbols`: a name, with an initial price when one was given. */
export interface SymbolChoice {
  symbol: string;
  price: number | null;
}

// setTimeout/setInterval treat anything larger as 1 ms, which would turn a typo into a busy loop.
const MAX_TIMER_MS = 2 ** 31 - 1;
const SYMBOL_NAME = /^[A-Z0-9.-]{1,12}$/i;
const SYMBOL_NAME_RULE = `1-12 letters, digits, '.' or '-'`;
const ROLES: readonly Role[] = ['all', 'simulator', 'edge'];

// ---------------------------------------------------------------------------------------------
// Value parsers. Each takes the raw text and the label of where it came from, and throws a
// ConfigError whose message starts with that label.

type Parser<T> = (raw: string, label: string) => T;

function fail(label: string, problem: string): never {
  throw new ConfigError(label, `${label}: ${problem}`);
}

function quote(raw: string): string {
  return JSON.stringify(raw);
}

function integer({ min = 0, max = Number.MAX_SAFE_INTEGER, unit = '' } = {}): Parser<number> {
  return (raw, label) => {
    if (!/^\d+$/.test(raw)) fail(label, `expected a non-negative integer, got ${quote(raw)}`);
    const value = Number(raw);
    if (!Number.isSafeInteger(value)) fail(label, `must be at most ${Number.MAX_SAFE_INTEGER}, got ${raw}`);
    if (value < min) fail(label, `must be at least ${min}${unit}, got ${value}`);
    if (value > max) fail(label, `must be at most ${max}${unit}, got ${value}`);
    return value;
  };
}

// Plain decimals only ("60", "0.5", ".5"): no signs, exponents or hex, which are typos more often than not.
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

function positiveNumber(raw: string, label: string): number {
  if (!DECIMAL.test(raw)) fail(label, `expected a positive number, got ${quote(raw)}`);
  const value = Number(raw);
  if (!Number.isFinite(value)) fail(label, `expected a finite number, got ${quote(raw)}`);
  if (value <= 0) fail(label, `must be greater than 0, got ${raw}`);
  return value;
}

function text(raw: string, label: string): string {
  if (raw === '') fail(label, 'must not be empty');
  return raw;
}

function redisUrl(raw: string, label: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below with the same message as a wrong scheme
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    // Error messages end up in logs; a mistyped URL may still carry a real password.
    fail(label, `expected a redis:// or rediss:// URL, got ${quote(redactUrl(raw))}`);
  }
  return raw;
}

const HOURS: readonly TradingHours[] = ['regular', 'extended'];

function tradingHours(raw: string, label: string): TradingHours {
  if (!(HOURS as readonly string[]).includes(raw)) fail(label, `expected regular or extended, got ${quote(raw)}`);
  return raw as TradingHours;
}

/** A real calendar date `YYYY-MM-DD` between 1900 and 2199 (the calendar's holiday rules' range). */
function calendarDate(raw: string, label: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const real = match !== null && month >= 1 && month <= 12 && day >= 1 && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
  if (!real || year < 1900 || year > 2199) fail(label, `expected a date YYYY-MM-DD between 1900 and 2199, got ${quote(raw)}`);
  return raw;
}

function role(raw: string, label: string): Role {
  const found = ROLES.find((r) => r === raw);
  if (!found) fail(label, `expected one of ${ROLES.join(', ')}, got ${quote(raw)}`);
  return found;
}

function symbolList(raw: string, label: string): SymbolChoice[] {
  if (raw.trim() === '') {
    fail(label, `expected a comma-separated list such as AAPL,MSFT or AAPL:189.5,MSFT:410, got ${quote(raw)}`);
  }
  const seen = new Set<string>();
  return raw.split(',').map((entry) => {
    const trimmed = entry.trim();
    if (trimmed === '') fail(label, `empty entry in ${quote(raw)}`);
    const colon = trimmed.indexOf(':');
    const name = colon === -1 ? trimmed : trimmed.slice(0, colon);
    if (!SYMBOL_NAME.test(name)) fail(label, `invalid symbol ${quote(name)} (${SYMBOL_NAME_RULE})`);
    const symbol = name.toUpperCase();
    if (seen.has(symbol)) fail(label, `${symbol} is listed twice`);
    seen.add(symbol);
    if (colon === -1) return { symbol, price: null };
    const priceText = trimmed.slice(colon + 1);
    if (!DECIMAL.test(priceText) || !(Number(priceText) > 0) || !Number.isFinite(Number(priceText))) {
      fail(label, `price of ${symbol} must be a positive number, got ${quote(priceText)}`);
    }
    return { symbol, price: Number(priceText) };
  });
}

/** `*`, or a comma-separated list of origins (`scheme://host[:port]`, nothing after). */
function corsOrigins(raw: string, label: string): '*' | string[] {
  if (raw.trim() === '*') return '*';
  return raw.split(',').map((entry) => {
    const text = entry.trim();
    let origin: string | null = null;
    try {
      origin = new URL(text).origin;
    } catch {
      // reported below
    }
    // URL normalises (lower-case host, default port dropped): the header is compared as sent, so ask for that form.
    if (origin === null || origin === 'null' || origin !== text) {
      fail(label, `expected * or origins such as https://example.com,http://localhost:3000 (scheme://host[:port], nothing after), got ${quote(text)}`);
    }
    return origin;
  });
}

// CSP source expressions (CSP3 §2.3.1), enough for frame-ancestors: keywords, schemes, hosts.
const CSP_SOURCE = /^('self'|\*|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*:\/\/)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?(\/[^\s;,'"]*)?)$/i;

/** A `frame-ancestors` source list: `'none'` alone, or space-separated sources. */
function frameAncestorList(raw: string, label: string): string {
  const sources = raw.trim().split(/\s+/);
  if (sources.length === 1 && sources[0] === "'none'") return "'none'";
  const bad = sources.find((source) => !CSP_SOURCE.test(source));
  if (bad !== undefined) {
    fail(label, `expected 'none', or sources such as * or 'self' https://example.com, separated by spaces; got ${quote(bad)}`);
  }
  return sources.join(' ');
}

// ---------------------------------------------------------------------------------------------
// The table. `defaultText` and `meaning` are Markdown (backticks only); `--help` strips the backticks.

interface OptionDef<T> {
  flag: `--${string}`;
  env: string;
  /** Placeholder for the value in `--help`. */
  arg: string;
  defaultText: string;
  meaning: string;
  parse: Parser<T>;
  fallback: T;
}

function option<T>(def: OptionDef<T>): OptionDef<T> {
  return def;
}

export const OPTIONS = {
  port: option({
    flag: '--port', env: 'PORT', arg: 'N', defaultText: '`8080`',
    meaning: 'TCP port; `0` picks a free one. The URL is printed on stdout as `listening on http://HOST:PORT`',
    parse: integer({ max: 65535 }), fallback: 8080,
  }),
  host: option({
    flag: '--host', env: 'HOST', arg: 'ADDR', defaultText: '`127.0.0.1`',
    meaning: 'interface to listen on (`0.0.0.0` for all)',
    parse: text, fallback: '127.0.0.1',
  }),
  db: option<string | null>({
    flag: '--db', env: 'TICKTAPE_DB', arg: 'FILE',
    defaultText: '`db/ticktape.db`; installed: the XDG data dir',
    meaning:
      'SQLite file of the event log (`:memory:` allowed); missing directories are created; the start line names it. ' +
      'An installed `ticktape` (npx, `npm i -g`) defaults to `$XDG_DATA_HOME/ticktape/ticktape.db` ' +
      '(`~/.local/share/ticktape/ticktape.db` without it), never its own folder in node_modules. ' +
      'One server per file: a second one on the same file exits with status 1',
    parse: text, fallback: null,
  }),
  redis: option<string | null>({
    flag: '--redis', env: 'REDIS_URL', arg: 'URL', defaultText: 'unset',
    meaning: '`redis://` or `rediss://` URL of the bus; unset: an in-process bus',
    parse: redisUrl, fallback: null,
  }),
  symbols: option<SymbolChoice[] | null>({
    flag: '--symbols', env: 'TICKTAPE_SYMBOLS', arg: 'LIST', defaultText: 'the whole universe',
    meaning:
      'symbols to simulate, e.g. `AAPL,MSFT` or `AAPL:189.5,QAA:50` (initial prices); a name without a price ' +
      'must be in the universe (built-in: ' + BUILTIN_UNIVERSE.map((s) => s.symbol).join(', ') + ')',
    parse: symbolList, fallback: null,
  }),
  config: option<string | null>({
    flag: '--config', env: 'TICKTAPE_CONFIG', arg: 'FILE', defaultText: 'unset',
    meaning:
      'JSON file with the full universe: `{"symbols":[{"symbol","name","price","volatility","drift","spreadBps","beta","adv"}]}` ' +
      '(`volatility` and `drift` annualised, `spreadBps` the full spread, `beta` optional, `adv` optional: the average daily ' +
      'volume in shares, by default the built-in figure for a built-in symbol, else about $1 bn of stock a day); ' +
      '`--symbols` then selects from it',
    parse: text, fallback: null,
  }),
  interval: option({
    flag: '--interval', env: 'TICKTAPE_INTERVAL_MS', arg: 'MS', defaultText: '`500`',
    meaning: 'scheduler period in ms; each period produces one batch of ticks',
    parse: integer({ min: 1, max: MAX_TIMER_MS, unit: ' ms' }), fallback: 500,
  }),
  speed: option({
    flag: '--speed', env: 'TICKTAPE_SPEED', arg: 'X', defaultText: '`60`',
    meaning:
      'simulated market seconds per real second (fractions allowed): the exchange clock runs this much faster than the wall ' +
      'clock through the sessions, and closed time (nights, weekends, holidays) is skipped. At `60` a regular session lasts 6.5 minutes',
    parse: positiveNumber, fallback: 60,
  }),
  hours: option<TradingHours>({
    flag: '--hours', env: 'TICKTAPE_HOURS', arg: 'HOURS', defaultText: '`regular`',
    meaning:
      'sessions simulated, New York time: `regular` 09:30–16:00, or `extended`, which adds pre-market 04:00–09:30 and ' +
      'after-hours 16:00–20:00. On a log started with other hours the tape continues from the log\'s newest events under these (its checkpoint is for the other hours)',
    parse: tradingHours, fallback: 'regular',
  }),
  startDate: option({
    flag: '--start-date', env: 'TICKTAPE_START_DATE', arg: 'DATE', defaultText: '`2026-01-05`',
    meaning:
      'first day of a fresh log\'s tape, `YYYY-MM-DD`: it opens at the first session of the first NYSE trading day on or after it ' +
      '(weekends and NYSE holidays are skipped). Fixed by default so that a seed gives the same tape on any day',
    parse: calendarDate, fallback: '2026-01-05',
  }),
  maxEventsPerSecond: option({
    flag: '--max-events-per-second', env: 'TICKTAPE_MAX_EVENTS_PER_SECOND', arg: 'N', defaultText: '`100`',
    meaning:
      'bound on the trade and quote events generated per second of wall time: each batch holds at most ' +
      'N × interval / 1000 of them; under 3 a batch (a fast `--interval`), batches save up for 3, so any k batches hold at most ' +
      'k × N × interval / 1000 + 3. The tape is a sample of the market: `volume` still counts every share',
    parse: integer({ min: 1, max: 1_000_000 }), fallback: 100,
  }),
  seed: option<number | null>({
    flag: '--seed', env: 'TICKTAPE_SEED', arg: 'N', defaultText: 'random, printed at start',
    meaning:
      'non-negative integer; the same seed, universe, interval, speed, hours, start date and events bound on an empty log give the same events. ' +
      'A log that already has ticks continues its own path and seed (printed at start)',
    parse: integer(), fallback: null,
  }),
  retention: option({
    flag: '--retention', env: 'TICKTAPE_RETENTION', arg: 'N', defaultText: '`1000000`',
    meaning: 'newest events kept in the log; older ones are pruned',
    parse: integer({ min: 1 }), fallback: 1_000_000,
  }),
  heartbeat: option({
    flag: '--heartbeat', env: 'TICKTAPE_HEARTBEAT_MS', arg: 'MS', defaultText: '`15000`',
    meaning: 'period of the SSE heartbeat (the `: keepalive` comment, or a `heartbeat` event for streams that ask with `?heartbeat=event`), in ms',
    parse: integer({ min: 1, max: MAX_TIMER_MS, unit: ' ms' }), fallback: 15_000,
  }),
  role: option<Role>({
    flag: '--role', env: 'TICKTAPE_ROLE', arg: 'ROLE', defaultText: '`all`',
    meaning:
      '`all`: the single generator and a full server; `simulator`: a failover generator under a Redis lease ' +
      '(no `/stream`); `edge`: serves the feed it follows through Redis. `simulator` and `edge` need Redis',
    parse: role, fallback: 'all',
  }),
  adminToken: option<string | null>({
    flag: '--admin-token', env: 'TICKTAPE_ADMIN_TOKEN', arg: 'TOKEN', defaultText: 'unset',
    meaning: 'bearer token for `POST /api/admin/*`; unset: admin endpoints answer 403',
    parse: text, fallback: null,
  }),
  maxClients: option({
    flag: '--max-clients', env: 'TICKTAPE_MAX_CLIENTS', arg: 'N', defaultText: '`10000`',
    meaning:
      'concurrent `/stream` clients; one more gets `503 TOO_MANY_CLIENTS` with `Retry-After`. `0`: no limit of its own. ' +
      'Sockets are capped at this plus 64 kept for `/healthz`, `/metrics` and the API, and below the open-file limit (`ulimit -n`)',
    parse: integer(), fallback: 10_000,
  }),
  maxClientsPerIp: option({
    flag: '--max-clients-per-ip', env: 'TICKTAPE_MAX_CLIENTS_PER_IP', arg: 'N', defaultText: '`256`',
    meaning:
      'concurrent `/stream` clients from one remote address; one more gets `429 TOO_MANY_CLIENTS_FROM_ADDRESS` with `Retry-After`. ' +
      '`0`: off. Behind a reverse proxy every client has the proxy\'s address: set `0` there and limit at the proxy',
    parse: integer(), fallback: 256,
  }),
  corsOrigin: option<'*' | string[]>({
    flag: '--cors-origin', env: 'TICKTAPE_CORS_ORIGIN', arg: 'LIST', defaultText: '`*`',
    meaning:
      '`Access-Control-Allow-Origin` of the read-only feed (`/stream`, the API, `/metrics`, the page and bundle): `*`, or ' +
      'comma-separated origins such as `https://example.com`, each echoed back to a request from it. Admin routes never send CORS headers',
    parse: corsOrigins, fallback: '*',
  }),
  frameAncestors: option({
    flag: '--frame-ancestors', env: 'TICKTAPE_FRAME_ANCESTORS', arg: 'SOURCES', defaultText: '`*`',
    meaning:
      "who may show the demo page in a frame: the CSP `frame-ancestors` sources, space-separated (`*`, `'self'`, " +
      "`https://example.com`), or `'none'`",
    parse: frameAncestorList, fallback: '*',
  }),
  metricsToken: option<string | null>({
    flag: '--metrics-token', env: 'TICKTAPE_METRICS_TOKEN', arg: 'TOKEN', defaultText: 'unset',
    meaning: 'bearer token `/metrics` then requires (`401`/`403` otherwise); unset: `/metrics` is public',
    parse: text, fallback: null,
  }),
};

type OptionName = keyof typeof OPTIONS;
type Values = { [K in OptionName]: (typeof OPTIONS)[K]['fallback'] };

const NAMES = Object.keys(OPTIONS) as OptionName[];
const BY_FLAG = new Map(NAMES.map((name) => [OPTIONS[name].flag, name]));

// ---------------------------------------------------------------------------------------------
// Parsing

interface RawValue {
  raw: string;
  /** `--port` or `PORT`: named in every error about this value. */
  label: string;
}

/**
 * Reads options from `argv` (without node and the script) and `env`. Flags win over environment
 * variables; an empty environment variable counts as unset. Throws ConfigError on the first bad
 * option. No I/O except reading the `--config` file.
 */
export function parseOptions(
  argv: string[],
  env: Record<string, string | undefined>,
  { installed = false }: { installed?: boolean } = {},
): ParseResult {
  const fromFlags = readFlags(argv);
  if (fromFlags === 'help') return { kind: 'help', text: helpText() };

  const raw = new Map<OptionName, RawValue>();
  for (const name of NAMES) {
    const value = env[OPTIONS[name].env];
    if (value !== undefined && value !== '') raw.set(name, { raw: value, label: OPTIONS[name].env });
  }
  for (const [name, value] of fromFlags) raw.set(name, value);

  const values = {} as Record<OptionName, unknown>;
  for (const name of NAMES) {
    const given = raw.get(name);
    values[name] = given ? OPTIONS[name].parse(given.raw, given.label) : OPTIONS[name].fallback;
  }
  const config = resolve(values as Values, raw, values.db === null ? defaultDbPath(env, installed) : (values.db as string));
  return { kind: 'config', config };
}

/**
 * The log without `--db`. A clone keeps it in its own `db/` (relative to the working directory, as
 * `npm start` runs from the clone's root). An installed command has no folder of its own that
 * survives an update (npm replaces node_modules), so it uses the XDG data directory.
 */
export function defaultDbPath(env: Record<string, string | undefined>, installed: boolean): string {
  if (!installed) return 'db/ticktape.db';
  // XDG Base Directory: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || os.homedir(), '.local', 'share');
  return join(dataHome, 'ticktape', 'ticktape.db');
}

/** Flag values by option; `help` when `--help`/`-h` appears, even beside bad options. */
function readFlags(argv: string[]): Map<OptionName, RawValue> | 'help' {
  const found = new Map<OptionName, RawValue>();
  let firstError: ConfigError | null = null;
  const note = (error: ConfigError) => (firstError ??= error);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('-')) {
      note(new ConfigError(arg, `unexpected argument ${quote(arg)} (options start with --)`));
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const name = BY_FLAG.get(flag as `--${string}`);
    if (!name) {
      note(new ConfigError(flag, `unknown option ${flag} (see --help)`));
      continue;
    }
    if (eq !== -1) {
      found.set(name, { raw: arg.slice(eq + 1), label: flag });
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      found.set(name, { raw: argv[++i], label: flag });
    } else {
      note(new ConfigError(flag, `${flag}: missing value (${flag} ${OPTIONS[name].arg})`));
    }
  }
  if (firstError) throw firstError;
  return found;
}

function resolve(values: Values, raw: Map<OptionName, RawValue>, db: string): Config {
  const role = values.role;
  if (role !== 'all' && values.redis === null) {
    const label = raw.get('role')?.label ?? OPTIONS.role.flag;
    fail(label, `role ${role} needs Redis: set ${OPTIONS.redis.flag} or ${OPTIONS.redis.env}`);
  }
  // The model's step is interval × speed of market time; under a millisecond the exchange clock,
  // which counts whole milliseconds, would not move.
  if (values.interval * values.speed < 1) {
    const label = raw.get('speed')?.label ?? OPTIONS.speed.flag;
    fail(label, `interval × speed must be at least 1 ms of market time a batch, got ${values.interval} ms × ${values.speed}`);
  }

  const configLabel = raw.get('config')?.label ?? OPTIONS.config.flag;
  const universe = values.config === null ? BUILTIN_UNIVERSE : readUniverseFile(values.config, configLabel);
  const symbolsLabel = raw.get('symbols')?.label ?? OPTIONS.symbols.flag;

  return {
    port: values.port,
    host: values.host,
    db,
    redis: values.redis,
    universe: values.symbols === null ? universe.map((s) => ({ ...s })) : select(universe, values.symbols, symbolsLabel),
    interval: values.interval,
    speed: values.speed,
    hours: values.hours,
    startDate: values.startDate,
    maxEventsPerSecond: values.maxEventsPerSecond,
    // randomInt's upper bound is exclusive: any 32-bit unsigned value.
    seed: values.seed ?? randomInt(0, 2 ** 32),
    seedSource: values.seed === null ? 'random' : 'option',
    retention: values.retention,
    heartbeat: values.heartbeat,
    role,
    adminToken: values.adminToken,
    maxClients: values.maxClients,
    maxClientsPerIp: values.maxClientsPerIp,
    corsOrigin: values.corsOrigin,
    frameAncestors: values.frameAncestors,
    metricsToken: values.metricsToken,
  };
}

/**
 * The `--symbols` choices in their order: known names keep their parameters (a price overrides the
 * initial one); new names need a price and get the simulator's default parameters.
 */
function select(universe: readonly SymbolSpec[], choices: SymbolChoice[], label: string): SymbolSpec[] {
  return choices.map(({ symbol, price }) => {
    const spec = findSymbol(universe, symbol);
    if (spec) return price === null ? { ...spec } : { ...spec, price };
    if (price === null) fail(label, `unknown symbol ${symbol} (give a price, e.g. ${symbol}:50)`);
    return customSymbol(symbol, price);
  });
}

// ---------------------------------------------------------------------------------------------
// The --config file

function readUniverseFile(path: string, label: string): SymbolSpec[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    fail(label, `cannot read ${quote(path)}: ${oneLine(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    fail(label, `invalid JSON in ${quote(path)}: ${oneLine(error)}`);
  }
  return parseUniverse(json, label);
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

const SPEC_FIELDS = ['symbol', 'name', 'price', 'volatility', 'drift', 'spreadBps', 'beta', 'adv'];

/** Validates the `--config` shape; every message names the offending field, e.g. `symbols[2].price`. */
export function parseUniverse(json: unknown, label: string): SymbolSpec[] {
  if (!isObject(json) || !('symbols' in json)) fail(label, 'expected an object {"symbols":[...]}');
  const list = json.symbols;
  if (!Array.isArray(list) || list.length === 0) fail(label, 'symbols must be a non-empty array');

  const firstIndex = new Map<string, number>();
  return list.map((entry: unknown, i) => {
    const at = `symbols[${i}]`;
    if (!isObject(entry)) fail(label, `${at} must be an object`);
    // A misspelt optional field (say "Beta") would otherwise be silently ignored.
    const extra = Object.keys(entry).find((key) => !SPEC_FIELDS.includes(key));
    if (extra !== undefined) fail(label, `${at} has an unknown field ${quote(extra)}`);

    const { symbol, name, price, volatility, drift, spreadBps, beta, adv } = entry;
    if (typeof symbol !== 'string' || !SYMBOL_NAME.test(symbol)) {
      fail(label, `${at}.symbol must be a string of ${SYMBOL_NAME_RULE}`);
    }
    const upper = symbol.toUpperCase();
    const earlier = firstIndex.get(upper);
    if (earlier !== undefined) fail(label, `${at}.symbol ${upper} duplicates symbols[${earlier}]`);
    firstIndex.set(upper, i);
    if (typeof name !== 'string' || name.trim() === '') fail(label, `${at}.name must be a non-empty string`);
    if (!isFiniteNumber(price) || price <= 0) fail(label, `${at}.price must be a positive number`);
    if (!isFiniteNumber(volatility) || volatility < 0) fail(label, `${at}.volatility must be a non-negative number`);
    if (!isFiniteNumber(drift)) fail(label, `${at}.drift must be a number`);
    if (!isFiniteNumber(spreadBps) || spreadBps < 0) fail(label, `${at}.spreadBps must be a non-negative number`);
    if (beta !== undefined && !isFiniteNumber(beta)) fail(label, `${at}.beta must be a number`);
    if (adv !== undefined && (!isFiniteNumber(adv) || adv < 100)) fail(label, `${at}.adv must be a number of shares of at least 100`);

    const spec: SymbolSpec = { symbol: upper, name, price, volatility, drift, spreadBps };
    if (beta !== undefined) spec.beta = beta;
    if (adv !== undefined) spec.adv = adv;
    return spec;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

// ---------------------------------------------------------------------------------------------
// Rendering the table

const plain = (markdown: string) => markdown.replaceAll('`', '');

function wrap(words: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function helpText(): string {
  const lines = [
    // The installed command first; from a clone, the commands that work at the repository's root.
    'Usage: ticktape [options]',
    '   or: npm start -- [options]              (from a clone of the repository)',
    '',
    'A stock-ticker feed simulator: a gap-free tick log in SQLite, served over SSE and JSON.',
    '',
    'Options (each also an environment variable; flags win, an empty variable counts as unset):',
    '',
  ];
  for (const name of NAMES) {
    const def = OPTIONS[name];
    lines.push(`  ${def.flag} ${def.arg}`.padEnd(26) + `${def.env}, default: ${plain(def.defaultText)}`);
    for (const line of wrap(plain(def.meaning), 72)) lines.push(`      ${line}`);
  }
  lines.push('  -h, --help'.padEnd(26) + 'print this help and exit');
  lines.push('');
  lines.push('Flags take their value as --port 8080 or --port=8080. Bad options exit with status 2.');
  return lines.join('\n') + '\n';
}

const cell = (markdown: string) => markdown.replaceAll('|', '\\|');

/** The options table of README.md; `npm run readme` writes it there. */
export function optionsMarkdownTable(): string {
  const rows = NAMES.map((name) => {
    const def = OPTIONS[name];
    return `| \`${def.flag}\` | \`${def.env}\` | ${cell(def.defaultText)} | ${cell(def.meaning)} |`;
  });
  return ['| flag | env | default | meaning |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

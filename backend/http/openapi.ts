// The OpenAPI 3.1 document of the HTTP API, served at GET /openapi.json and written to
// backend/http/openapi.json by `npm run openapi` (a test fails when that file differs from this).
// Facts the code already states are taken from it, not restated: the error codes, statuses, extra
// headers and example messages (errors.ts, error-examples.ts), the event schemas
// (stream/event-schemas.ts), the limits (api.ts, types.ts) and the static media types (static.ts).
// What only people can say (what a route is for) is written here once, as the README's API section
// is for readers; tests validate real answers of a running server against this document and
// compare its paths with the router's.
//
// Over ~350 lines because it is one declarative document, route after route; what can be derived
// (codes, schemas, limits) already is, and what remains is prose that has one place to live.
import { CONFLICT_KINDS } from '../cluster/conflicts.ts';
import { BUILTIN_UNIVERSE } from '../simulator/universe.ts';
import {
  componentRef,
  EVENT_DATA_SCHEMAS,
  SSE_EVENT_SCHEMA,
  EPOCH_PATTERN,
  MARKET_SESSIONS,
  MARKET_TIME_PATTERN,
  QUOTE_EXAMPLE,
  SSE_EVENTS,
  STATUS_EXAMPLE,
  TICK_EXAMPLE,
  type JsonSchema,
} from '../stream/event-schemas.ts';
import { EVENT_KINDS, QUOTES_MAX_HISTORY } from '../types.ts';
import { TICKS_DEFAULT_LIMIT, TICKS_MAX_LIMIT } from './api.ts';
import { RETRY_AFTER_S } from './connection-limits.ts';
import { ERROR_EXAMPLES, exampleErrors, type ErrorName } from './error-examples.ts';
import { ADMIN_PATH } from './security-headers.ts';
import { TYPES } from './static.ts';
import { BODY_TIMEOUT_MS, HEADERS_TIMEOUT_MS } from './timeouts.ts';

type Json = { [key: string]: unknown };

/** The contract's version: bump the major on a change that breaks an existing client. */
const API_VERSION = '1.0.0';
const MAX_ID = 2 ** 53;

const ref = (kind: 'parameters' | 'responses' | 'headers' | 'examples', name: string): Json => ({ $ref: `#/components/${kind}/${name}` });
const json = (schema: JsonSchema, examples?: Record<string, Json>): Json => ({ 'application/json': { schema, ...(examples ? { examples } : {}) } });

// ---- Errors: every code of the catalogue, with its status and example, from errors.ts ----

const CATALOGUE = exampleErrors();
const ERROR_BY_NAME = new Map((Object.keys(ERROR_EXAMPLES) as ErrorName[]).map((name, i) => [name, CATALOGUE[i]]));

/**
 * The error answers of an operation, one response per status, each naming the codes the route can
 * answer with (so a validator rejects a code the document does not list for that route).
 */
/** Each value once, in first-seen order (several catalogue entries share a code). */
function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function errorResponses(descriptions: Partial<Record<ErrorName, string>>): Record<string, Json> {
  const byStatus = new Map<number, ErrorName[]>();
  for (const name of Object.keys(descriptions) as ErrorName[]) {
    const status = ERROR_BY_NAME.get(name)!.status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), name]);
  }
  const responses: Record<string, Json> = {};
  for (const [status, names] of [...byStatus].sort(([a], [b]) => a - b)) {
    const errs = names.map((name) => ERROR_BY_NAME.get(name)!);
    const headers = Object.fromEntries(errs.flatMap((err) => Object.keys(err.headers)).map((header) => [header, ref('headers', header)]));
    responses[String(status)] = {
      description: names.map((name) => `\`${ERROR_BY_NAME.get(name)!.code}\`: ${descriptions[name]}`).join('\n\n'),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: json(
        { $ref: '#/components/schemas/Error', type: 'object', properties: { code: { enum: unique(errs.map((err) => err.code)) } } },
        Object.fromEntries(names.map((name) => [name, ref('examples', name)])),
      ),
    };
  }
  return responses;
}

const SYMBOL_ERRORS = {
  unknownSymbol: 'a symbol of `symbols` is not in the universe; the message names it.',
  badSymbols: '`symbols` has an empty name (`AAPL,`, `,`, an empty value).',
} as const;

// ---- Schemas of the JSON answers ----

const SYMBOL_SPEC: JsonSchema = {
  type: 'object',
  description: 'One instrument of the universe, in the `--config` shape.',
  required: ['symbol', 'name', 'price', 'volatility', 'drift', 'spreadBps'],
  properties: {
    symbol: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    price: { type: 'number', exclusiveMinimum: 0, description: 'The initial price (not the current one: see `/api/quotes`).' },
    volatility: { type: 'number', minimum: 0, description: 'Annualised volatility, e.g. 0.25 for 25 %.' },
    drift: { type: 'number', description: 'Annualised drift, e.g. 0.08.' },
    spreadBps: { type: 'number', minimum: 0, description: 'Full bid-ask spread in basis points of the price.' },
    beta: { type: 'number', description: 'Sensitivity to the common market factor; 1 when absent.' },
    adv: { type: 'number', minimum: 100, description: 'Average daily volume in shares: the expected volume of a regular session. Absent: the built-in figure for a built-in symbol, else about $1 bn of stock a day.' },
  },
};

const HEALTH: JsonSchema = {
  type: 'object',
  required: ['status', 'role', 'bus', 'redis', 'lastEventId', 'oldestEventId', 'clients', 'generating', 'epoch', 'conflict'],
  properties: {
    status: {
      enum: ['ok', 'degraded', 'unavailable', 'conflict'],
      description:
        '`ok` (200); `degraded` (503): the log answers reads but its newest append failed; `unavailable` (503): the log is unusable; `conflict` (503): the log works but the node found something of another history it must not serve or write (`conflict` says what). The first that applies, in the order `unavailable`, `degraded`, `conflict`.',
    },
    role: { enum: ['all', 'simulator', 'edge'] },
    bus: { enum: ['memory', 'redis'] },
    redis: { enum: ['up', 'down', 'off'], description: '`off`: no Redis configured.' },
    lastEventId: { type: ['integer', 'null'], minimum: 0, description: 'Newest log id (0 when empty); null when the log is unavailable.' },
    oldestEventId: { type: ['integer', 'null'], minimum: 0, description: 'Oldest retained log id (0 when empty); null when the log is unavailable.' },
    clients: { type: 'integer', minimum: 0, description: 'Open `/stream` connections.' },
    generating: { type: 'boolean', description: 'False while paused and on nodes that do not generate.' },
    epoch: { type: 'string', pattern: EPOCH_PATTERN, description: 'The history the log holds: 16 lower-case hex digits, what `/stream?epoch=` takes.' },
    conflict: {
      enum: [...CONFLICT_KINDS, null],
      description:
        'Null, or the open conflict with the cluster\'s history: `foreign-entry` (a stream entry this node cannot store), `generator` (another writer of this history), `history` (another history on the stream).',
    },
  },
};

const HEALTH_EXAMPLE = {
  status: 'ok', role: 'all', bus: 'memory', redis: 'off', lastEventId: 1042, oldestEventId: 1, clients: 3, generating: true, epoch: '9f2c4e01a7b3d586', conflict: null,
};

const SCHEMAS: Record<string, JsonSchema> = {
  ...EVENT_DATA_SCHEMAS,
  SseEvent: SSE_EVENT_SCHEMA,
  SymbolSpec: SYMBOL_SPEC,
  Symbols: {
    type: 'object',
    required: ['symbols'],
    properties: { symbols: { type: 'array', items: componentRef('SymbolSpec') } },
  },
  Quotes: {
    type: 'object',
    required: ['lastEventId', 'quotes'],
    properties: {
      lastEventId: { type: 'integer', minimum: 0, description: 'The newest log id the quotes (and history) are consistent with.' },
      quotes: {
        type: 'array',
        items: componentRef('Tick'),
        description:
          'The state of each requested symbol that has traded, in symbol order, as the `snapshot` of `/stream` gives it: its last trade, with the bid, ask and sizes of its current quote and `session` the market\'s current one.',
      },
      session: { enum: MARKET_SESSIONS, description: 'The market\'s current session: the newest event\'s. Absent while the log is empty.' },
      marketTime: {
        type: 'string',
        format: 'date-time',
        pattern: MARKET_TIME_PATTERN,
        description: 'The newest event\'s simulated exchange time (of any kind, a `status` included). Absent while the log is empty.',
      },
      history: {
        type: 'object',
        description: 'Only with `?history=N`: per quoted symbol, the prices of its last N trades, oldest first, the last being the price of its entry in `quotes`.',
        additionalProperties: { type: 'array', items: { type: 'number' }, maxItems: QUOTES_MAX_HISTORY },
      },
    },
  },
  TicksPage: {
    type: 'object',
    required: ['ticks', 'next'],
    properties: {
      ticks: { type: 'array', items: componentRef('Tick'), maxItems: TICKS_MAX_LIMIT, description: 'Trades only (`kind` `tick`), ascending ids, all greater than `after`.' },
      next: { type: ['integer', 'null'], minimum: 1, description: 'The `after` of the next page; null once caught up.' },
    },
  },
  MarketEvent: {
    description: 'One event of the log, of any kind; `kind` says which.',
    oneOf: [componentRef('Tick'), componentRef('Quote'), componentRef('Status')],
  },
  EventsPage: {
    type: 'object',
    required: ['events', 'next'],
    properties: {
      events: {
        type: 'array',
        items: componentRef('MarketEvent'),
        maxItems: TICKS_MAX_LIMIT,
        description: 'Ascending ids, all greater than `after`; contiguous when neither `symbols` nor `events` filters them.',
      },
      next: { type: ['integer', 'null'], minimum: 1, description: 'The `after` of the next page; null once caught up.' },
    },
  },
  Health: HEALTH,
  Generating: {
    type: 'object',
    required: ['generating'],
    properties: { generating: { type: 'boolean' } },
  },
  Shock: {
    type: 'object',
    required: ['symbol', 'pct'],
    properties: {
      symbol: { type: 'string', minLength: 1, description: 'A symbol of the universe, case-insensitive; the answer gives it upper-case.' },
      pct: { type: 'number', exclusiveMinimum: -100, maximum: 1000, description: 'Percent move applied at the next batch.' },
    },
  },
  Error: {
    type: 'object',
    description: 'Every error answer. `error` names what was wrong, in English; `code` is stable, for programs.',
    required: ['error', 'code'],
    properties: {
      error: { type: 'string', minLength: 1 },
      code: { enum: unique(CATALOGUE.map((err) => err.code)) },
    },
  },
  OpenApiDocument: {
    type: 'object',
    description: 'An OpenAPI 3.1 document: this one.',
    required: ['openapi', 'info', 'paths'],
    properties: { openapi: { type: 'string', pattern: '^3\\.1\\.' }, info: { type: 'object' }, paths: { type: 'object' } },
  },
};

// ---- Parameters and headers ----

const PARAMETERS: Record<string, Json> = {
  symbols: {
    name: 'symbols',
    in: 'query',
    description:
      'Only these symbols (case-insensitive, comma-separated). Absent: every symbol. An unknown one is a `400` naming it. `status` events have no symbol (they are market-wide) and pass every symbol filter.',
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    example: ['AAPL', 'MSFT'],
  },
  events: {
    name: 'events',
    in: 'query',
    description:
      `Only these event kinds (comma-separated, lower case as the stream's \`event:\` field spells them: ${EVENT_KINDS.map((kind) => `\`${kind}\``).join(', ')}). Absent: every kind. Combines with \`symbols\`: \`symbols=AAPL&events=tick,status\` is AAPL's trades and every \`status\`. An empty value or another kind is a \`400\` \`BAD_PARAMETER\` naming \`events\`.`,
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { enum: EVENT_KINDS }, minItems: 1 },
    example: ['tick', 'quote'],
  },
  after: { name: 'after', in: 'query', description: 'Answer ids greater than this.', schema: { type: 'integer', minimum: 0, maximum: MAX_ID, default: 0 }, example: 1000 },
  limit: {
    name: 'limit',
    in: 'query',
    description: `At most this many events; a larger whole number is clamped to ${TICKS_MAX_LIMIT}.`,
    schema: { type: 'integer', minimum: 1, default: TICKS_DEFAULT_LIMIT },
    example: 2,
  },
  lastEventId: {
    name: 'lastEventId',
    in: 'query',
    description: 'Resume point for a first connection (`EventSource` cannot set headers): replay every event with a greater id that passes the filters. The `Last-Event-ID` header wins over it.',
    schema: { type: 'integer', minimum: 0, maximum: MAX_ID },
    example: 1042,
  },
  'Last-Event-ID': {
    name: 'Last-Event-ID',
    in: 'header',
    description: 'Resume point a browser sends when it reconnects; wins over `lastEventId`.',
    schema: { type: 'integer', minimum: 0, maximum: MAX_ID },
    example: 1042,
  },
  heartbeat: {
    name: 'heartbeat',
    in: 'query',
    description: 'How heartbeats are sent: `comment` (default) a `: keepalive` comment line, which `EventSource` cannot see; `event` a `heartbeat` event (`Heartbeat` data, no `id:`), first right after `retry:`, so a client can notice a connection that stays open but goes silent. Anything else is a `400`.',
    schema: { type: 'string', enum: ['comment', 'event'], default: 'comment' },
    example: 'event',
  },
  epoch: {
    name: 'epoch',
    in: 'query',
    description:
      'The history the resume point belongs to (16 lower-case hex digits, from `/healthz` or a `history` event), or empty to learn it. Present, empty or not: a `history` event (`History` data, no `id:`) comes before any `snapshot`, `reset` or `tick` (after the first `heartbeat` with `heartbeat=event`). An epoch other than this node\'s: a `reset` `history` and a snapshot, whatever the resume point. Anything else than an epoch or nothing is a `400` `BAD_EPOCH`. Absent: the resume point is a plain id, as before.',
    // An epoch as isEpoch (log/epoch.ts) accepts it, or nothing.
    schema: { type: 'string', pattern: `^(${EPOCH_PATTERN.slice(1, -1)})?$` },
    example: '9f2c4e01a7b3d586',
  },
  'If-None-Match': {
    name: 'If-None-Match',
    in: 'header',
    description: 'An ETag from an earlier answer (or `*`): a match is a `304` without a body.',
    schema: { type: 'string' },
  },
};

const header = (description: string, schema: JsonSchema, required = true): Json => ({ description, required, schema });

const HEADERS: Record<string, Json> = {
  'Access-Control-Allow-Origin': header(
    'Who may read the answer from another origin (`--cors-origin`): `*` by default; with a list of origins, the request\'s `Origin` when it is one of them, and no header otherwise.',
    { type: 'string', minLength: 1 },
    false,
  ),
  Vary: header('`Origin` when `--cors-origin` is a list of origins: the answer depends on the request\'s origin.', { type: 'string' }, false),
  'X-Content-Type-Options': header('On every answer: browsers take the `Content-Type` as given.', { const: 'nosniff' }),
  'Content-Security-Policy': header(
    'The demo page\'s policy: scripts, styles and connections from this origin only; who may frame it is `--frame-ancestors` (default `*`).',
    { type: 'string', pattern: 'frame-ancestors ' },
  ),
  'Retry-After': header(`Seconds to wait before trying again (${RETRY_AFTER_S}).`, { type: 'string', pattern: '^[0-9]+$' }),
  Connection: header('`close`: the connection closes with the answer.', { const: 'close' }),
  ETag: header('Weak validator of the file (size and modification time).', { type: 'string', pattern: '^W/"[0-9a-f]+-[0-9a-f]+"$' }),
  'Cache-Control': header('How long caches may keep the answer.', { type: 'string' }),
  'Cross-Origin-Resource-Policy': header('Lets pages of any origin load the file.', { const: 'cross-origin' }),
  'X-Accel-Buffering': header('Tells nginx not to buffer the stream.', { const: 'no' }),
  Allow: header('On a `405`: the methods the path answers.', { type: 'string' }, false),
  'WWW-Authenticate': header('The scheme to authenticate with.', { type: 'string', pattern: '^Bearer ' }),
};

const STATIC_HEADERS = { ETag: ref('headers', 'ETag'), 'Cache-Control': ref('headers', 'Cache-Control'), 'Cross-Origin-Resource-Policy': ref('headers', 'Cross-Origin-Resource-Policy') };

// ---- Operations ----

const NOT_MODIFIED = { description: 'Not modified: `If-None-Match` matched the current ETag. No body.', headers: STATIC_HEADERS };

function staticFile(
  operationId: string,
  summary: string,
  description: string,
  mediaType: string,
  errorsOf: Partial<Record<ErrorName, string>>,
  extraHeaders: Json = {},
): Json {
  return {
    get: {
      operationId,
      summary,
      description,
      tags: ['frontend'],
      parameters: [ref('parameters', 'If-None-Match')],
      responses: {
        '200': { description: 'The file.', headers: { ...STATIC_HEADERS, ...extraHeaders }, content: { [mediaType]: { schema: { type: 'string' } } } },
        '304': NOT_MODIFIED,
        ...errorResponses(errorsOf),
      },
    },
  };
}

const ADMIN_ERRORS = {
  unauthorized: 'no `Authorization: Bearer …` header.',
  adminDisabled: 'the server has no admin token (`--admin-token`).',
  forbidden: 'the token is wrong.',
  notGenerating: 'this node does not generate (an edge; a standby for shocks).',
} as const;

function adminToggle(action: 'pause' | 'resume'): Json {
  const generating = action === 'resume';
  return {
    post: {
      operationId: `${action}Generating`,
      summary: action === 'pause' ? 'Stop generating events' : 'Generate events again',
      description: `${action === 'pause' ? 'Stops' : 'Restarts'} the generator of this node; idempotent. No body needed.`,
      tags: ['admin'],
      security: [{ adminToken: [] }],
      responses: {
        '200': { description: 'Whether the node now generates.', content: json(componentRef('Generating'), { [action]: { value: { generating } } }) },
        ...errorResponses(ADMIN_ERRORS),
      },
    },
  };
}

const STREAM_DESCRIPTION = `Server-Sent Events (WHATWG HTML §9.2): \`200\` with \`Content-Type: text/event-stream\`, \`Cache-Control: no-cache\` and \`X-Accel-Buffering: no\`, sent at once. Each event is \`id:\` (the decimal log id), \`event:\` and one \`data:\` line of JSON, then a blank line; \`components.schemas.SseEvent\` describes one parsed event and ${Object.entries(SSE_EVENTS).map(([event, schema]) => `\`${schema}\` the \`data\` of \`${event}\``).join(', ')}.

- The first line of the stream is \`retry: 3000\` (no blank line after it: it belongs to the first event's block).
- The market events are \`tick\` (a trade), \`quote\` (a change of a symbol's best bid and offer) and \`status\` (a market-wide session change), each with \`id:\` its log id: one sequence for all three, so an unfiltered stream's ids are contiguous and a filtered one's strictly increasing. \`events\` selects kinds, \`symbols\` symbols (\`status\` passes every symbol filter). A client that listens for \`tick\` alone sees exactly the trades; the other events still move its last event ID, which resumes correctly.
- No resume point: a \`snapshot\` (\`id:\` the newest log id, \`data:\` the state of each subscribed symbol that has traded, whatever \`events\` says), then live events.
- Resume point N with oldestId − 1 ≤ N ≤ newestId: every event with id > N matching the filters, in order, then live, with no gap and no duplicate.
- N older or newer than that: a \`reset\` (no \`id:\`), then a \`snapshot\`, then live.
- With \`epoch\` in the query (empty or an epoch): a \`history\` event (no \`id:\`, \`data:\` \`{"epoch":…}\`, the history this node serves) comes before any \`snapshot\`, \`reset\` or market event: right after \`retry:\`, or after the first \`heartbeat\` with \`heartbeat=event\`. With \`epoch=E\` and a resume point: when E is not this node's epoch, a \`reset\` \`history\` and a \`snapshot\`, whatever N is (ids of another history are not these). Without \`epoch\`, N is a plain id. Every \`reset\` carries the node's \`epoch\`.
- A node that replaces its log with the cluster's history (a follower starting over) ends each stream with a \`reset\` \`history\` whose \`id:\` field is empty: it clears the client's last event ID, so the reconnect carries no \`Last-Event-ID\` and gets a snapshot of the new history. No snapshot follows it on that stream.
- A comment line \`: keepalive\` every \`--heartbeat\` ms, with no blank line after it; with \`heartbeat=event\`, a \`heartbeat\` event instead (no \`id:\`), the first right after \`retry:\`.
- A client that stops reading is disconnected once 1 MiB of output waits for it; it resumes from the log on reconnect.
- A node serves at most \`--max-clients\` streams (default 10000), and at most \`--max-clients-per-ip\` (default 256) to one remote address: one more is refused with \`503\` or \`429\` and \`Retry-After\`.

Not served on a \`--role simulator\` node (\`404\`). \`HEAD\` answers the headers without a stream.`;

const STREAM_EXAMPLE = `retry: 3000
id: 1041
event: snapshot
data: [${JSON.stringify({ ...TICK_EXAMPLE, id: 1030, ts: 1763919999623, price: 189.4, bid: 189.4, ask: 189.42, size: 200, volume: 1234200, change: 1.4, changePct: 0.745, marketTime: '2026-03-02T10:13:56.650-05:00' })}]

: keepalive
id: 1042
event: tick
data: ${JSON.stringify(TICK_EXAMPLE)}

id: 1054
event: quote
data: ${JSON.stringify(QUOTE_EXAMPLE)}

`;

const METRICS_EXAMPLE = `# HELP ticktape_ticks_generated_total Ticks generated by this process.
# TYPE ticktape_ticks_generated_total counter
ticktape_ticks_generated_total 1042
`;

const STATIC_MEDIA_TYPES = [...new Set([...Object.values(TYPES), 'application/octet-stream'])];

const PATHS: Record<string, Json> = {
  '/': staticFile(
    'getDemoPage',
    'The demo page',
    'The live table of the whole universe, a replay panel, a symbol filter and the embed snippet. Every URL in it is relative, so it works under a reverse proxy\'s prefix. It carries a `Content-Security-Policy`; `--frame-ancestors` says which pages may show it in a frame.',
    'text/html',
    { frontendMissing: 'the frontend is not built.' },
    { 'Content-Security-Policy': ref('headers', 'Content-Security-Policy') },
  ),
  '/ticktape.js': staticFile('getComponentBundle', 'The web components as one ES module', 'Lit included; any origin may load it as a module script.', 'text/javascript', {
    frontendMissing: 'the frontend is not built.',
  }),
  '/assets/{file}': {
    get: {
      operationId: 'getAsset',
      summary: 'A file of the built frontend',
      description: 'The hashed files the demo page refers to; cached for good (`immutable`). Only files inside `assets/`.',
      tags: ['frontend'],
      parameters: [{ name: 'file', in: 'path', required: true, description: 'File name inside `assets/`.', schema: { type: 'string' }, example: 'index-4f2a9c1b.js' }, ref('parameters', 'If-None-Match')],
      responses: {
        '200': {
          description: 'The file, typed by its extension.',
          headers: STATIC_HEADERS,
          content: Object.fromEntries(STATIC_MEDIA_TYPES.map((type) => [type.replace(/;.*$/, ''), { schema: { type: 'string' } }])),
        },
        '304': NOT_MODIFIED,
        ...errorResponses({ notFound: 'no such file inside `assets/`.' }),
      },
    },
  },
  '/stream': {
    get: {
      operationId: 'streamTicks',
      summary: 'The live feed as Server-Sent Events, with replay',
      description: STREAM_DESCRIPTION,
      tags: ['stream'],
      parameters: [
        ref('parameters', 'symbols'),
        ref('parameters', 'events'),
        ref('parameters', 'lastEventId'),
        ref('parameters', 'heartbeat'),
        ref('parameters', 'epoch'),
        ref('parameters', 'Last-Event-ID'),
      ],
      responses: {
        '200': {
          description: 'The event stream; it stays open.',
          headers: { 'Cache-Control': ref('headers', 'Cache-Control'), 'X-Accel-Buffering': ref('headers', 'X-Accel-Buffering') },
          content: {
            'text/event-stream': {
              // contentSchema: the structure of the string once decoded as its contentMediaType.
              schema: {
                type: 'string',
                description: 'A sequence of events, each one `SseEvent` once parsed.',
                contentMediaType: 'text/event-stream',
                contentSchema: { type: 'array', items: componentRef('SseEvent') },
              },
              examples: { snapshotThenTick: { summary: 'A first connection', value: STREAM_EXAMPLE } },
            },
          },
        },
        ...errorResponses({
          ...SYMBOL_ERRORS,
          badLastEventId: '`Last-Event-ID` or `lastEventId` is not a non-negative integer up to 2^53 (an empty value too); the message says which.',
          badChoice: '`events` is empty or names a kind other than `tick`, `quote` and `status`, or `heartbeat` is neither `comment` nor `event`; the message names the parameter.',
          badEpoch: '`epoch` is neither empty nor 16 lower-case hex digits; the message quotes it.',
          notFound: 'this node is a `--role simulator`, which does not serve the stream.',
          tooManyClients: '`--max-clients` streams are open on this node; retry after `Retry-After` seconds, or on another node.',
          tooManyClientsFromAddress: '`--max-clients-per-ip` streams are open from this client\'s address; close one, or retry after `Retry-After` seconds.',
        }),
      },
    },
  },
  '/api/symbols': {
    get: {
      operationId: 'getSymbols',
      summary: 'The universe with its parameters',
      description: 'In the `--config` shape; `price` is the initial price. On an edge, the cluster\'s universe.',
      tags: ['api'],
      responses: {
        '200': { description: 'The universe.', content: json(componentRef('Symbols'), { builtin: { value: { symbols: BUILTIN_UNIVERSE.slice(0, 2) } } }) },
      },
    },
  },
  '/api/quotes': {
    get: {
      operationId: 'getQuotes',
      summary: 'The state of each symbol, and the market\'s session',
      description:
        'Per symbol that has traded, its last trade with its current quote and the market\'s session (the entries of `/stream`\'s `snapshot`); the market\'s current `session` and the newest event\'s `marketTime`; the newest log id they are consistent with; and with `history=N` each symbol\'s last N trade prices.',
      tags: ['api'],
      parameters: [
        ref('parameters', 'symbols'),
        {
          name: 'history',
          in: 'query',
          description: `Also answer \`history\`: per quoted symbol, the prices of its last N trades, oldest first (fewer when the log retains fewer). Absent: no \`history\` field.`,
          schema: { type: 'integer', minimum: 0, maximum: QUOTES_MAX_HISTORY },
          example: 3,
        },
      ],
      responses: {
        '200': {
          description: 'The quotes.',
          content: json(componentRef('Quotes'), {
            quotes: { value: { lastEventId: 1054, quotes: [{ ...TICK_EXAMPLE, askSize: QUOTE_EXAMPLE.askSize }], session: 'regular', marketTime: QUOTE_EXAMPLE.marketTime } },
            withHistory: {
              value: { lastEventId: 1054, quotes: [{ ...TICK_EXAMPLE, askSize: QUOTE_EXAMPLE.askSize }], session: 'regular', marketTime: QUOTE_EXAMPLE.marketTime, history: { AAPL: [189.4, 189.4, 189.42] } },
            },
            empty: { summary: 'An empty log', value: { lastEventId: 0, quotes: [] } },
          }),
        },
        ...errorResponses({
          ...SYMBOL_ERRORS,
          badInteger: `\`history\` is not a whole number from 0 to ${QUOTES_MAX_HISTORY}.`,
          logUnavailable: 'the event log is unusable.',
        }),
      },
    },
  },
  '/api/ticks': {
    get: {
      operationId: 'getTicks',
      summary: 'A page of the log\'s trades',
      description:
        'Trades only (`kind` `tick`, as before event kinds: a reader written for ticks pages through exactly the ticks), with ids greater than `after`, ascending; not contiguous, since quotes and status events have ids of the same sequence. An `after` older than the retained log starts at the oldest retained trade.',
      tags: ['api'],
      parameters: [ref('parameters', 'after'), ref('parameters', 'limit'), ref('parameters', 'symbols')],
      responses: {
        '200': { description: 'The page.', content: json(componentRef('TicksPage'), { page: { value: { ticks: [{ ...TICK_EXAMPLE, id: 1001 }, { ...TICK_EXAMPLE, id: 1004 }], next: 1004 } } }) },
        ...errorResponses({
          ...SYMBOL_ERRORS,
          badInteger: '`after` is not a non-negative integer up to 2^53, or `limit` not an integer ≥ 1.',
          logUnavailable: 'the event log is unusable.',
        }),
      },
    },
  },
  '/api/events': {
    get: {
      operationId: 'getEvents',
      summary: 'A page of the log: events of every kind',
      description:
        'Events of every kind (or those `events` names) with ids greater than `after`, ascending: contiguous when neither `symbols` nor `events` filters them. Paged as `/api/ticks`. An `after` older than the retained log starts at the oldest retained event.',
      tags: ['api'],
      parameters: [ref('parameters', 'after'), ref('parameters', 'limit'), ref('parameters', 'symbols'), ref('parameters', 'events')],
      responses: {
        '200': {
          description: 'The page.',
          content: json(componentRef('EventsPage'), {
            page: { value: { events: [STATUS_EXAMPLE, { ...QUOTE_EXAMPLE, id: 2, marketTime: STATUS_EXAMPLE.marketTime }], next: 2 } },
            trades: { summary: '`events=tick`', value: { events: [TICK_EXAMPLE], next: null } },
          }),
        },
        ...errorResponses({
          ...SYMBOL_ERRORS,
          badInteger: '`after` is not a non-negative integer up to 2^53, or `limit` not an integer ≥ 1.',
          badChoice: '`events` is empty or names a kind other than `tick`, `quote` and `status`.',
          logUnavailable: 'the event log is unusable.',
        }),
      },
    },
  },
  '/healthz': {
    get: {
      operationId: 'getHealth',
      summary: 'Health of this node',
      description: 'For load balancers: `200` while the log answers, its newest append succeeded and the node has no conflict with the cluster\'s history, else `503` with the same fields.',
      tags: ['operations'],
      responses: {
        '200': { description: 'Healthy.', content: json(componentRef('Health'), { ok: { value: HEALTH_EXAMPLE } }) },
        '503': {
          description: '`degraded`, `unavailable` or `conflict`.',
          content: json(componentRef('Health'), {
            degraded: { value: { ...HEALTH_EXAMPLE, status: 'degraded' } },
            unavailable: { value: { ...HEALTH_EXAMPLE, status: 'unavailable', lastEventId: null, oldestEventId: null } },
            conflict: { value: { ...HEALTH_EXAMPLE, status: 'conflict', bus: 'redis', redis: 'up', generating: false, conflict: 'history' } },
          }),
        },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      description: 'Prometheus text format 0.0.4; the README lists the metrics. Public unless the server has a `--metrics-token`: then only with `Authorization: Bearer <metrics token>`.',
      tags: ['operations'],
      // No credentials needed, or the metrics token when the server has one.
      security: [{}, { metricsToken: [] }],
      responses: {
        '200': { description: 'The exposition.', content: { 'text/plain': { schema: { type: 'string' }, example: METRICS_EXAMPLE } } },
        ...errorResponses({
          unauthorized: 'the server has a `--metrics-token` and the request no `Authorization: Bearer …` header; the message names the metrics token.',
          forbidden: 'the token is not the `--metrics-token`.',
        }),
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      tags: ['operations'],
      responses: {
        '200': { description: 'The OpenAPI document of this API.', content: json(componentRef('OpenApiDocument')) },
      },
    },
  },
  '/api/admin/pause': adminToggle('pause'),
  '/api/admin/resume': adminToggle('resume'),
  '/api/admin/shock': {
    post: {
      operationId: 'shockPrice',
      summary: 'Move a symbol\'s price at the next batch',
      description: 'A news shock of `pct` percent. On a `--role simulator` node, acts on that node (a standby answers `409`).',
      tags: ['admin'],
      security: [{ adminToken: [] }],
      requestBody: { required: true, content: json(componentRef('Shock'), { drop: { value: { symbol: 'AAPL', pct: -5 } } }) },
      responses: {
        '200': { description: 'The shock, as applied.', content: json(componentRef('Shock'), { drop: { value: { symbol: 'AAPL', pct: -5 } } }) },
        ...errorResponses({
          ...ADMIN_ERRORS,
          badBody: 'the body is empty, not JSON, not an object, or `symbol`/`pct` are missing or out of range.',
          unknownSymbol: '`symbol` is not in the universe.',
          unsupportedMediaType: 'the body is not `application/json`.',
          bodyTooLarge: 'the body is larger than 16 KiB.',
          requestTimeout: `the body did not all arrive within ${BODY_TIMEOUT_MS / 1000} s; the connection closes with the answer.`,
        }),
      },
    },
  },
};

/** The errors a request can meet whatever the route: the `default` response of every operation. */
const ANY_ROUTE_ERRORS: Json = (() => {
  const { '400': badRequest, '405': methodNotAllowed, '500': internal } = errorResponses({
    badRequest: 'Koa itself refused the request (a malformed one); its status, its message when Koa exposes it.',
    methodNotAllowed: 'a method this path has no operation for; `Allow` lists the ones it has.',
    internal: 'an unexpected failure; no detail on the wire.',
  });
  const all = [badRequest, methodNotAllowed, internal] as Array<{ description: string; headers?: Json; content: Record<string, Json> }>;
  const media = all.map((response) => response.content['application/json']);
  return {
    description: `Any other error, in the same shape: ${all.map((response) => response.description).join(' ')}`,
    headers: { Allow: ref('headers', 'Allow') },
    content: json(
      { $ref: '#/components/schemas/Error', type: 'object', properties: { code: { enum: unique(media.flatMap((m) => ((m.schema as Json).properties as { code: { enum: string[] } }).code.enum)) } } },
      Object.assign({}, ...media.map((m) => m.examples)),
    ),
  };
})();

const DESCRIPTION = `A stock-ticker feed simulator: simulated market events (trades, quotes and session changes, one id sequence) in a gap-free log, served live and replayable as Server-Sent Events, and as JSON.

- Every answer carries \`X-Content-Type-Options: nosniff\`.
- The read-only routes (every one but \`/api/admin/*\`) may be read from other origins, errors included: \`Access-Control-Allow-Origin: *\` by default; with \`--cors-origin\` a list of origins, the request's \`Origin\` echoed back when listed (no header otherwise) and \`Vary: Origin\`. A CORS preflight (\`OPTIONS\` with \`Access-Control-Request-Method\`) is a \`204\` on those paths. Admin routes send no CORS header at all, preflights included: they are for operators' tools, not for pages.
- Headers that take longer than ${HEADERS_TIMEOUT_MS / 1000} s to arrive get a \`408\` \`REQUEST_TIMEOUT\` on any path, with the connection closed.
- Every \`GET\` route also answers \`HEAD\`.
- An error is \`{"error","code"}\` (\`components.schemas.Error\`; every code is in \`components.examples\`). Besides the ones each operation lists: \`404\` \`NOT_FOUND\` for a path with no route, \`405\` \`METHOD_NOT_ALLOWED\` with \`Allow\` for a known path and another method, \`400\` \`BAD_REQUEST\` for a request Koa itself refuses, \`500\` \`INTERNAL\`.
- Objects may gain fields in later versions; clients ignore fields and SSE event types they do not know.

The README's "HTTP API" section is the guide for people.`;

/** The document. Deterministic: the same code gives the same bytes. */
export function openApiDocument(): Json {
  const doc: Json = structuredClone({
    openapi: '3.1.0',
    info: {
      title: 'ticktape',
      version: API_VERSION,
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '.', description: 'Where this document is served from (so it works under a reverse proxy\'s prefix).' }],
    tags: [
      { name: 'stream', description: 'The live feed, as Server-Sent Events.' },
      { name: 'api', description: 'The feed as JSON: universe, quotes, history.' },
      { name: 'admin', description: 'Pause, resume and shocks, with the admin token.' },
      { name: 'operations', description: 'Health, metrics and this document.' },
      { name: 'frontend', description: 'The demo page and the web components.' },
    ],
    security: [],
    paths: PATHS,
    components: {
      schemas: SCHEMAS,
      parameters: PARAMETERS,
      headers: HEADERS,
      // Keyed by catalogue entry, not code: several entries share a code (BAD_PARAMETER).
      examples: Object.fromEntries([...ERROR_BY_NAME].map(([name, err]) => [name, { summary: `${err.status} ${err.code}`, value: { error: err.message, code: err.code } }])),
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'The `--admin-token` / `TICKTAPE_ADMIN_TOKEN` of the server.' },
        metricsToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The `--metrics-token` / `TICKTAPE_METRICS_TOKEN` of the server. It applies only when the server has one; otherwise `/metrics` is public.',
        },
      },
    },
  });
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const operation of Object.values(item) as Json[]) {
      const responses = operation.responses as Record<string, Json>;
      responses.default = structuredClone(ANY_ROUTE_ERRORS);
      // security-headers.ts: nosniff on every answer; CORS on every one but the admin routes'.
      const cors = ADMIN_PATH.test(path) ? {} : { 'Access-Control-Allow-Origin': ref('headers', 'Access-Control-Allow-Origin'), Vary: ref('headers', 'Vary') };
      for (const response of Object.values(responses)) {
        response.headers = { ...cors, 'X-Content-Type-Options': ref('headers', 'X-Content-Type-Options'), ...(response.headers as Json | undefined) };
      }
    }
  }
  return doc;
}

/** The document as served and committed: two-space JSON with a final newline. */
export function openApiText(): string {
  return JSON.stringify(openApiDocument(), null, 2) + '\n';
}

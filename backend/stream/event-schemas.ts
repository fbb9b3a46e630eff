// JSON Schemas (2020-12) of the `data:` of every SSE event /stream sends, and of the market events
// they carry: the source of the OpenAPI document's components/schemas (backend/http/openapi.ts) and
// of the standalone files in backend/stream/schemas/ (`npm run openapi` writes them; a test compares).
//
// Open by design: no `additionalProperties: false` on anything a later issue may extend (the bars
// issue, halts in the scenarios issue): a client validating with these schemas keeps accepting
// fields and event kinds added later, as the contract promises ("new fields may be added to
// objects"; an unknown event type is ignored). The keys are listed in wire order (log/event-json.ts
// EVENT_KEYS), and every key of an event is required.
import type { ResetReason } from './sse.ts';
import type { MarketSession, QuoteEvent, StatusEvent, TradeTick } from '../types.ts';

export type JsonSchema = { [keyword: string]: unknown };

/** Where a schema is referenced from inside a document that holds them all (the OpenAPI components). */
export const componentRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** The contract's 2^53: the largest id a resume point may name. */
const MAX_ID = 2 ** 53;
const money = (description: string): JsonSchema => ({ type: 'number', description });
const shares = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });

/** Every session, in the order of a trading day (`closed` after the last one). */
export const MARKET_SESSIONS = ['pre-market', 'regular', 'after-hours', 'closed'] as const satisfies readonly MarketSession[];

/**
 * `2026-03-02T09:30:00.250-05:00`: what the log accepts (log/event-json.ts) and calendar.ts
 * formatMarketTime writes, New York time with milliseconds and the offset of the day (−05:00 EST,
 * −04:00 EDT).
 */
export const MARKET_TIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}[+-][0-9]{2}:[0-9]{2}$';

/** The fields every market event has, whatever its kind. */
const ID = { type: 'integer', minimum: 1, maximum: MAX_ID, description: 'Log sequence: positive, +1 per event across the whole log (one sequence for every kind), never reused. Also the SSE `id:` of its event.' };
const TS = { type: 'integer', minimum: 0, description: 'Milliseconds since the epoch: the wall clock of the generator when it made the batch (every event of a batch has the same `ts`).' };
const SYMBOL = { type: 'string', minLength: 1, description: 'Upper-case symbol of the universe (`GET /api/symbols`).' };
const MARKET_TIME = {
  type: 'string',
  format: 'date-time',
  pattern: MARKET_TIME_PATTERN,
  description: 'Simulated exchange time of the event: ISO 8601, New York local time with milliseconds and its offset (`-05:00` EST, `-04:00` EDT).',
};
const sessionSchema = (description: string): JsonSchema => ({ enum: MARKET_SESSIONS, description });
const kindSchema = (kind: string): JsonSchema => ({ const: kind, description: `The event kind, as the stream's \`event:\` field names it; always the last key.` });

/** Every field of `TradeTick`, in wire order: the type makes a field added there and not here a compile error. */
const TICK_PROPERTIES = {
  id: ID,
  ts: TS,
  symbol: SYMBOL,
  price: money('Trade price: at the bid or the ask on the cent grid, or (about 5 % of prints) at the midpoint, which can fall on the half cent.'),
  bid: money('Best bid when the trade printed (the quote it traded against).'),
  ask: money('Best offer when the trade printed; `ask − bid ≥ 0.01`, never locked or crossed.'),
  size: { type: 'integer', minimum: 1, description: 'Shares in this trade: mostly round lots (multiples of 100), sometimes an odd lot (1–99).' },
  volume: shares('Shares traded in this symbol since the trading day began, every trade counted, also those the tape does not show.'),
  open: money('First trade price of the trading day.'),
  high: money('Highest trade price of the trading day.'),
  low: money('Lowest trade price of the trading day.'),
  prevClose: money('Last trade price of the previous regular session.'),
  change: money('`price − prevClose`.'),
  changePct: { type: 'number', description: '`change` as a percentage of `prevClose`.' },
  bidSize: shares('Shares bid at `bid` when the trade printed (round lots).'),
  askSize: shares('Shares offered at `ask` when the trade printed (round lots).'),
  marketTime: MARKET_TIME,
  session: sessionSchema('The session the trade printed in.'),
  kind: kindSchema('tick'),
} satisfies Record<keyof TradeTick, JsonSchema>;

export const TICK_EXAMPLE: TradeTick = {
  id: 1042, ts: 1763920000123, symbol: 'AAPL', price: 189.42, bid: 189.4, ask: 189.42, size: 300, volume: 1234500,
  open: 188.1, high: 190, low: 187.9, prevClose: 188, change: 1.42, changePct: 0.755,
  bidSize: 800, askSize: 500, marketTime: '2026-03-02T10:14:03.250-05:00', session: 'regular', kind: 'tick',
};

/** A trade print: the `data:` of a `tick` event, an item of `/api/ticks` and `/api/events`. */
export const TICK_SCHEMA: JsonSchema = {
  title: 'Tick',
  description:
    'A trade print, with the quote it traded against and the day\'s statistics. Objects may gain fields: ignore the ones you do not know.',
  type: 'object',
  required: Object.keys(TICK_PROPERTIES),
  properties: TICK_PROPERTIES,
  examples: [TICK_EXAMPLE],
};

/** Every field of `QuoteEvent`, in wire order. */
const QUOTE_PROPERTIES = {
  id: ID,
  ts: TS,
  symbol: SYMBOL,
  bid: money('Best bid, on the cent grid.'),
  ask: money('Best offer, on the cent grid; `ask − bid ≥ 0.01`, never locked or crossed.'),
  bidSize: shares('Shares bid at `bid` (round lots: a multiple of 100).'),
  askSize: shares('Shares offered at `ask` (round lots: a multiple of 100).'),
  marketTime: MARKET_TIME,
  session: sessionSchema('The session the quote belongs to.'),
  kind: kindSchema('quote'),
} satisfies Record<keyof QuoteEvent, JsonSchema>;

export const QUOTE_EXAMPLE: QuoteEvent = {
  id: 1054, ts: 1763920000123, symbol: 'AAPL', bid: 189.4, ask: 189.42, bidSize: 800, askSize: 200,
  marketTime: '2026-03-02T10:14:10.450-05:00', session: 'regular', kind: 'quote',
};

/** A change of one symbol's best bid and offer: the `data:` of a `quote` event. */
export const QUOTE_SCHEMA: JsonSchema = {
  title: 'Quote',
  description: 'A change of one symbol\'s best bid and offer (price or size). Objects may gain fields: ignore the ones you do not know.',
  type: 'object',
  required: Object.keys(QUOTE_PROPERTIES),
  properties: QUOTE_PROPERTIES,
  examples: [QUOTE_EXAMPLE],
};

/** Every field of `StatusEvent`, in wire order. */
const STATUS_PROPERTIES = {
  id: ID,
  ts: TS,
  marketTime: { ...MARKET_TIME, description: 'When the session changed, in simulated exchange time (e.g. `…T09:30:00.000-05:00` at the open).' },
  session: sessionSchema('The session the market has just entered.'),
  kind: kindSchema('status'),
} satisfies Record<keyof StatusEvent, JsonSchema>;

export const STATUS_EXAMPLE: StatusEvent = { id: 1, ts: 1763919955623, marketTime: '2026-03-02T09:30:00.000-05:00', session: 'regular', kind: 'status' };

/** A market-wide session change: the `data:` of a `status` event. */
export const STATUS_SCHEMA: JsonSchema = {
  title: 'Status',
  description:
    'A market-wide session change (no `symbol`): the market opens a session, or closes for the day (`closed`). It passes every symbol filter. Objects may gain fields: ignore the ones you do not know.',
  type: 'object',
  required: Object.keys(STATUS_PROPERTIES),
  properties: STATUS_PROPERTIES,
  examples: [STATUS_EXAMPLE, { ...STATUS_EXAMPLE, id: 39017, ts: 1763920345623, marketTime: '2026-03-02T16:00:00.000-05:00', session: 'closed' }],
};

/** A snapshot entry for MSFT, whose quote moved since its last trade. */
const MSFT_STATE: TradeTick = {
  ...TICK_EXAMPLE, id: 1037, symbol: 'MSFT', price: 410.12, bid: 410.1, ask: 410.14, size: 100, volume: 845200,
  open: 409, high: 411.2, low: 408.7, prevClose: 409.5, change: 0.62, changePct: 0.151, bidSize: 300, askSize: 200,
  marketTime: '2026-03-02T10:14:00.250-05:00',
};

/** The `data:` of a `snapshot` event. */
export const SNAPSHOT_SCHEMA: JsonSchema = {
  title: 'Snapshot',
  description:
    'The state of each subscribed symbol that has traded, at the moment the stream starts, in the shape of a tick (so a client written for ticks reads it as one): the symbol\'s last trade (its `id`, `ts`, `price`, `size`, day statistics and `marketTime`), with `bid`, `ask`, `bidSize` and `askSize` of its current quote (its newest `quote` when newer than the trade) and `session` the market\'s current session (the newest event\'s). The event\'s `id:` is the newest log id, which a resume continues from.',
  type: 'array',
  items: componentRef('Tick'),
  examples: [[TICK_EXAMPLE, MSFT_STATE]],
};

const RESET_REASONS = ['expired', 'unknown', 'history'] as const satisfies readonly ResetReason[];

/** A history's epoch as `isEpoch` (backend/log/epoch.ts) accepts it. */
export const EPOCH_PATTERN = '^[0-9a-f]{16}$';
const EPOCH_EXAMPLE = '9f2c4e01a7b3d586';
const epochSchema = (description: string): JsonSchema => ({ type: 'string', pattern: EPOCH_PATTERN, description });

/** The `data:` of a `reset` event. */
export const RESET_SCHEMA: JsonSchema = {
  title: 'Reset',
  description:
    'The resume point cannot be honoured; a `snapshot` follows. The event has no `id:`, so the client\'s last event ID stays put until the snapshot\'s. One exception: a node that replaces its log with the cluster\'s history ends each stream with a `reset` `history` whose `id:` field is empty, which clears the client\'s last event ID (its reconnect carries no `Last-Event-ID` and gets a snapshot of the new history); no snapshot follows that one, the stream ends.',
  type: 'object',
  required: ['reason', 'oldestId', 'latestId', 'epoch'],
  properties: {
    reason: {
      enum: RESET_REASONS,
      description:
        '`expired`: the resume point is older than the oldest retained tick; `unknown`: it is newer than the newest; `history`: it belongs to another history (the stream\'s `epoch=` is not this node\'s), or this node has just started over on the cluster\'s history.',
    },
    oldestId: { type: 'integer', minimum: 0, description: 'Oldest id the log retains (0 when empty).' },
    latestId: { type: 'integer', minimum: 0, description: 'Newest id in the log (0 when empty).' },
    epoch: epochSchema('The history this node serves, which the `snapshot` after this event belongs to.'),
  },
  examples: [
    { reason: 'expired', oldestId: 5001, latestId: 1005000, epoch: EPOCH_EXAMPLE },
    { reason: 'history', oldestId: 1, latestId: 1042, epoch: EPOCH_EXAMPLE },
  ],
};

/** The `data:` of a `history` event (only on `/stream?epoch=…`). */
export const HISTORY_SCHEMA: JsonSchema = {
  title: 'History',
  description:
    'Sent to a client that asked with `epoch=` (empty or an epoch), before any `snapshot`, `reset` or `tick`: right after `retry:`, or after the first `heartbeat` with `heartbeat=event`. It says the history the node serves, so that the client can send it back with its resume point. No `id:`, so the client\'s last event ID is untouched. A node that changes history ends its streams, so one stream has one history.',
  type: 'object',
  required: ['epoch'],
  properties: {
    epoch: epochSchema('The epoch of the history this node serves (as `/healthz` shows it).'),
  },
  examples: [{ epoch: EPOCH_EXAMPLE }],
};

/** The `data:` of a `heartbeat` event (only on `/stream?heartbeat=event`). */
export const HEARTBEAT_SCHEMA: JsonSchema = {
  title: 'Heartbeat',
  description:
    'Sent to a client that asked with `heartbeat=event`: once right after `retry:`, then every `--heartbeat` ms. No `id:`, so the client\'s last event ID is untouched; a client that sees nothing at all for 2.5 periods can take the connection for dead.',
  type: 'object',
  required: ['periodMs'],
  properties: {
    periodMs: { type: 'integer', minimum: 1, description: 'The heartbeat period, in ms (`--heartbeat`).' },
  },
  examples: [{ periodMs: 15000 }],
};

/** Each SSE event type with the component name of its `data:` schema. */
export const SSE_EVENTS = {
  snapshot: 'Snapshot',
  tick: 'Tick',
  quote: 'Quote',
  status: 'Status',
  reset: 'Reset',
  heartbeat: 'Heartbeat',
  history: 'History',
} as const;

/** Events sent without an `id:` line, so they leave the client's last event ID alone (but the history-reset frame's empty one). */
const EVENTS_WITHOUT_ID: ReadonlySet<string> = new Set(['reset', 'heartbeat', 'history']);

/** The schemas above by component name. */
export const EVENT_DATA_SCHEMAS: Record<string, JsonSchema> = {
  Tick: TICK_SCHEMA,
  Quote: QUOTE_SCHEMA,
  Status: STATUS_SCHEMA,
  Snapshot: SNAPSHOT_SCHEMA,
  Reset: RESET_SCHEMA,
  Heartbeat: HEARTBEAT_SCHEMA,
  History: HISTORY_SCHEMA,
};

/**
 * One event as an SSE parser hands it over (WHATWG HTML §9.2.6: its type, its data and the last
 * event ID), with `data` described by `contentSchema`: the shape OpenAPI 3.2 gives a
 * `text/event-stream` response's `itemSchema`, kept here so moving to 3.2 is a one-line change.
 */
export const SSE_EVENT_SCHEMA: JsonSchema = {
  title: 'SseEvent',
  description:
    'One event of `GET /stream`, as a parser following WHATWG HTML §9.2.6 dispatches it. The market events are `tick`, `quote` and `status`, under one id sequence; a client ignores types it does not know (later issues add some), as `EventSource` does for types it has no listener for.',
  type: 'object',
  required: ['event', 'data'],
  properties: {
    event: { type: 'string', description: 'The `event:` field.' },
    id: {
      type: 'string',
      pattern: '^[0-9]*$',
      description:
        'The `id:` field: the decimal log id (of the event on `tick`, `quote` and `status`; the newest log id on `snapshot`). Absent on `reset`, `heartbeat` and `history`, except on the `reset` `history` that ends the stream of a node starting over on the cluster\'s history: there it is empty (an `id` line with no value), which sets the client\'s last event ID to the empty string.',
    },
    data: { type: 'string', description: 'The `data:` field: JSON text, on one line.' },
  },
  oneOf: Object.entries(SSE_EVENTS).map(([event, schema]) => ({
    title: `${event} event`,
    type: 'object',
    // Every event but `reset`, `heartbeat` and `history` carries the log id; those carry none, but
    // for the empty id of the history-reset frame (sse.ts, historyResetFrame).
    required: EVENTS_WITHOUT_ID.has(event) ? ['event', 'data'] : ['event', 'data', 'id'],
    properties: {
      event: { const: event },
      data: { contentMediaType: 'application/json', contentSchema: componentRef(schema) },
      ...(EVENTS_WITHOUT_ID.has(event) ? { id: event === 'reset' ? { type: 'string', const: '' } : false } : { id: { type: 'string', pattern: '^[0-9]+$' } }),
    },
  })),
};

/**
 * `schema` as a standalone JSON Schema document: its references to other components become
 * `$defs` of its own, so the file validates with any 2020-12 validator on its own.
 */
export function standaloneSchema(name: string): JsonSchema {
  const uses = new Set<string>();
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')) {
        const target = inner.slice('#/components/schemas/'.length);
        uses.add(target);
        return [key, `#/$defs/${target}`];
      }
      return [key, rewrite(inner)];
    }));
  };
  const root = rewrite(EVENT_DATA_SCHEMAS[name]) as JsonSchema;
  const defs = Object.fromEntries([...uses].filter((used) => used !== name).map((used) => [used, rewrite(EVENT_DATA_SCHEMAS[used])]));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...root,
    ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
  };
}

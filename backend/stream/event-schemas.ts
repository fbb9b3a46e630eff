// JSON Schemas (2020-12) of the `data:` of every SSE event /stream sends, and of the tick they
// carry: the source of the OpenAPI document's components/schemas (backend/http/openapi.ts) and of
// the standalone files in backend/stream/schemas/ (`npm run openapi` writes them; a test compares).
//
// Open by design: no `additionalProperties: false` on anything a later issue extends. Market model
// v2 adds fields to the tick (`marketTime`, `session`, `bidSize`, `askSize`, `kind`) and new event
// kinds (`quote`, `status`); a client validating with these schemas keeps accepting both, as the
// contract promises ("new fields may be added to objects"; an unknown event type is ignored).
import type { ResetReason } from './sse.ts';
import type { Tick } from '../types.ts';

export type JsonSchema = { [keyword: string]: unknown };

/** Where a schema is referenced from inside a document that holds them all (the OpenAPI components). */
export const componentRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** The contract's 2^53: the largest id a resume point may name. */
const MAX_ID = 2 ** 53;
const money = (description: string): JsonSchema => ({ type: 'number', description });

/** Every field of `Tick`: the type makes a field added there and not here a compile error. */
const TICK_PROPERTIES = {
  id: { type: 'integer', minimum: 1, maximum: MAX_ID, description: 'Log sequence: positive, +1 per event across the whole log, never reused. Also the SSE `id:` of its `tick` event.' },
  ts: { type: 'integer', minimum: 0, description: 'Milliseconds since the epoch (wall clock at generation).' },
  symbol: { type: 'string', minLength: 1, description: 'Upper-case symbol of the universe (`GET /api/symbols`).' },
  price: money('Trade price, rounded to the tick size (0.01).'),
  bid: money('Best bid when the trade printed.'),
  ask: money('Best offer when the trade printed.'),
  size: { type: 'integer', minimum: 0, description: 'Shares in this trade.' },
  volume: { type: 'integer', minimum: 0, description: 'Shares traded since the simulated session began.' },
  open: money('First price of the simulated session.'),
  high: money('Highest price of the simulated session.'),
  low: money('Lowest price of the simulated session.'),
  prevClose: money('Last price of the previous simulated session.'),
  change: money('`price − prevClose`.'),
  changePct: { type: 'number', description: '`change` as a percentage of `prevClose`.' },
} satisfies Record<keyof Tick, JsonSchema>;

export const TICK_EXAMPLE: Tick = {
  id: 1042, ts: 1763920000123, symbol: 'AAPL', price: 189.42, bid: 189.41, ask: 189.43, size: 300, volume: 1234500,
  open: 188.1, high: 190, low: 187.9, prevClose: 188, change: 1.42, changePct: 0.755,
};

/** One simulated trade: the `data:` of a `tick` event, an item of `snapshot`, `/api/quotes` and `/api/ticks`. */
export const TICK_SCHEMA: JsonSchema = {
  title: 'Tick',
  description:
    'One simulated trade. Objects may gain fields (market model v2 adds `marketTime`, `session`, `bidSize`, `askSize`, `kind`): ignore the ones you do not know.',
  type: 'object',
  required: Object.keys(TICK_PROPERTIES),
  properties: TICK_PROPERTIES,
  examples: [TICK_EXAMPLE],
};

/** The `data:` of a `snapshot` event. */
export const SNAPSHOT_SCHEMA: JsonSchema = {
  title: 'Snapshot',
  description:
    'The latest tick of each subscribed symbol that has one, at the moment the stream starts; the event\'s `id:` is the newest log id, which a resume continues from.',
  type: 'array',
  items: componentRef('Tick'),
  examples: [[TICK_EXAMPLE, { ...TICK_EXAMPLE, id: 1037, symbol: 'MSFT', price: 410.12, bid: 410.1, ask: 410.14, size: 100, volume: 845200, open: 409, high: 411.2, low: 408.7, prevClose: 409.5, change: 0.62, changePct: 0.151 }]],
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
  reset: 'Reset',
  heartbeat: 'Heartbeat',
  history: 'History',
} as const;

/** Events sent without an `id:` line, so they leave the client's last event ID alone (but the history-reset frame's empty one). */
const EVENTS_WITHOUT_ID: ReadonlySet<string> = new Set(['reset', 'heartbeat', 'history']);

/** The schemas above by component name. */
export const EVENT_DATA_SCHEMAS: Record<string, JsonSchema> = {
  Tick: TICK_SCHEMA,
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
    'One event of `GET /stream`, as a parser following WHATWG HTML §9.2.6 dispatches it. Later issues add event types (e.g. `quote`, `status`): a client ignores types it does not know, as `EventSource` does for types it has no listener for.',
  type: 'object',
  required: ['event', 'data'],
  properties: {
    event: { type: 'string', description: 'The `event:` field.' },
    id: {
      type: 'string',
      pattern: '^[0-9]*$',
      description:
        'The `id:` field: the decimal log id. Absent on `reset`, `heartbeat` and `history`, except on the `reset` `history` that ends the stream of a node starting over on the cluster\'s history: there it is empty (an `id` line with no value), which sets the client\'s last event ID to the empty string.',
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

// Real streamed events against their published schemas: the `data` of every snapshot, market event
// of each kind (tick, quote, status: live and replayed), reset (each reason), heartbeat and history
// validates against the committed schema file of its event type (backend/stream/schemas/), and each
// parsed event against the OpenAPI document's SseEvent (its type, its id or none). A field the
// server sends differently from the schema fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ValidateFunction } from 'ajv';
import { SSE_EVENTS } from '../../stream/event-schemas.ts';
import { historyResetFrame } from '../../stream/sse.ts';
import { getJson, waitUntil, waitForLastId } from '../helpers/http.ts';
import { OpenApiChecker, readEventSchema, readOpenApiDocument, strictAjv } from '../helpers/openapi.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, type SseEvent } from '../helpers/sse-client.ts';

const RETENTION = 300;
/** The market events of one stream, and what a stream must show of them to have shown every kind. */
const MARKET_KINDS = ['tick', 'quote', 'status'];
let server: TestServer;
const ajv = strictAjv();
const dataSchemas = new Map<string, ValidateFunction>(Object.keys(SSE_EVENTS).map((event) => [event, ajv.compile(readEventSchema(event))]));
const sseEvent = new OpenApiChecker(readOpenApiDocument()).schema('SseEvent');

test.before(async () => {
  // A trading day every ~35 batches (30-minute steps over 04:00–20:00), so a few seconds show every
  // session change; 6 events a batch leave room for a trade per symbol (a trade and the quote it
  // leaves, after the quote of the step's move).
  server = await startTestServer({
    interval: 20, speed: 90000, hours: 'extended', 'max-events-per-second': 300, symbols: 'AAPL,MSFT', seed: 1, retention: RETENTION,
  });
  await waitUntil(async () => (await getJson(`${server.url}/api/ticks?limit=1`)).body.ticks.length > 0, 'a first trade');
});
test.after(() => server.close());

/** Each event against SseEvent and its data against its type's schema file. */
function assertValid(events: SseEvent[]): void {
  for (const event of events) {
    const parsed = { event: event.event, data: event.data, ...(event.id === undefined ? {} : { id: event.id }) };
    assert.ok(sseEvent(parsed), `${JSON.stringify(parsed).slice(0, 200)}: ${ajv.errorsText(sseEvent.errors)}`);
    const validate = dataSchemas.get(event.event);
    assert.ok(validate, `event type ${event.event} has a schema`);
    assert.ok(validate!(JSON.parse(event.data)), `${event.event} ${event.data.slice(0, 200)}: ${ajv.errorsText(validate!.errors)}`);
  }
}

async function eventsOf(query: string, until: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const conn = await connectSse(`${server.url}/stream${query}`);
  try {
    assert.is(conn.status, 200);
    await conn.waitFor((_, index) => until(conn.events.slice(0, index + 1)), 10000, `enough events of /stream${query}`);
    return [...conn.events];
  } finally {
    conn.close();
  }
}

/** The `session` of each status event seen. */
const sessionsOf = (events: SseEvent[]) => new Set(events.filter((e) => e.event === 'status').map((e) => JSON.parse(e.data).session));

test('a first connection: the snapshot and live events of every kind, a status of every session, validate', async () => {
  const events = await eventsOf('', (seen) => seen.filter((e) => e.event === 'tick').length >= 5 && seen.some((e) => e.event === 'quote') && sessionsOf(seen).size === 4);
  assert.is(events[0].event, 'snapshot');
  assert.ok(JSON.parse(events[0].data).length > 0, 'a snapshot with entries in it');
  assert.equal([...sessionsOf(events)].sort(), ['after-hours', 'closed', 'pre-market', 'regular']);
  assertValid(events);
});

test('a filtered resume: replayed and live events of every kind validate, and are MSFT\'s or market-wide', async () => {
  const { body } = await getJson(`${server.url}/healthz`);
  const from = body.lastEventId - 5;
  const events = await eventsOf(`?symbols=msft&lastEventId=${from}`, (seen) => MARKET_KINDS.every((kind) => seen.some((e) => e.event === kind)));
  for (const event of events) {
    assert.ok(MARKET_KINDS.includes(event.event), `${event.event} is a market event`);
    if (event.event !== 'status') assert.is(JSON.parse(event.data).symbol, 'MSFT');
  }
  assertValid(events);
});

test('events=quote,status: only those kinds, and they validate', async () => {
  const events = await eventsOf('?events=quote,status', (seen) => seen.some((e) => e.event === 'quote') && seen.some((e) => e.event === 'status'));
  assert.is(events[0].event, 'snapshot');
  assert.ok(events.slice(1).every((e) => e.event === 'quote' || e.event === 'status'), 'no tick');
  assertValid(events);
});

test('a resume point newer than the log: reset "unknown", then the snapshot, validate', async () => {
  const events = await eventsOf('?lastEventId=9000000', (seen) => seen.some((e) => e.event === 'snapshot'));
  assert.equal(events.slice(0, 2).map((e) => e.event), ['reset', 'snapshot']);
  assert.is(JSON.parse(events[0].data).reason, 'unknown');
  assertValid(events);
});

test('a resume point retention has pruned: reset "expired", then the snapshot, validate', async () => {
  await waitUntil(async () => (await getJson(`${server.url}/healthz`)).body.oldestEventId > 2, 'retention to prune the log');
  const events = await eventsOf('?lastEventId=0', (seen) => seen.some((e) => e.event === 'snapshot'));
  assert.equal(events.slice(0, 2).map((e) => e.event), ['reset', 'snapshot']);
  assert.is(JSON.parse(events[0].data).reason, 'expired');
  assertValid(events);
});

test('heartbeat=event: the heartbeat (no id) and the snapshot and events after it validate', async () => {
  const events = await eventsOf('?heartbeat=event', (seen) => seen.filter((e) => e.event === 'tick').length >= 2);
  assert.is(events[0].event, 'heartbeat');
  assert.is(events[0].id, undefined);
  assertValid(events);
});

test('epoch= (empty): the history event comes first, without an id, with the node\'s epoch, and validates', async () => {
  const { body } = await getJson(`${server.url}/healthz`);
  const events = await eventsOf('?epoch=', (seen) => seen.some((e) => e.event === 'tick'));
  assert.equal(events.slice(0, 2).map((e) => e.event), ['history', 'snapshot']);
  assert.is(events[0].id, undefined);
  assert.equal(JSON.parse(events[0].data), { epoch: body.epoch });
  assertValid(events);
});

test('a resume point of another history (a different well-formed epoch): history, reset "history", then the snapshot, validate', async () => {
  const { body } = await getJson(`${server.url}/healthz`);
  const other = body.epoch === '0123456789abcdef' ? 'fedcba9876543210' : '0123456789abcdef';
  const events = await eventsOf(`?epoch=${other}&lastEventId=${body.lastEventId}`, (seen) => seen.some((e) => e.event === 'snapshot'));
  assert.equal(events.slice(0, 3).map((e) => e.event), ['history', 'reset', 'snapshot']);
  const reset = JSON.parse(events[1].data);
  assert.is(reset.reason, 'history');
  assert.is(reset.epoch, body.epoch);
  assert.is(events[1].id, undefined);
  assertValid(events);
});

test('the history-reset frame that ends a stream: reset "history" with an empty id validates as SseEvent', () => {
  // A follower starting over sends it (historyResetFrame); provoking one takes a cluster, so it is
  // checked here as the parser hands it over, against the same schemas.
  const frame = historyResetFrame(1, 1042, '9f2c4e01a7b3d586');
  // One block, parsed as §9.2.6 does: `id` alone is the id field with an empty value.
  const fields = new Map(frame.trimEnd().split('\n').map((line) => {
    const colon = line.indexOf(':');
    return colon === -1 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
  }));
  const parsed: SseEvent = { event: fields.get('event')!, data: fields.get('data')!, id: fields.get('id'), lastEventId: fields.get('id')! };
  assert.is(parsed.id, '');
  assert.is(JSON.parse(parsed.data).reason, 'history');
  assertValid([parsed]);
  assert.not.ok(sseEvent({ event: 'tick', data: parsed.data, id: '' }), 'an empty id on a tick is refused');
  assert.not.ok(sseEvent({ event: 'history', data: '{"epoch":"9f2c4e01a7b3d586"}', id: '' }), 'an id on a history event is refused');
});

test.run();

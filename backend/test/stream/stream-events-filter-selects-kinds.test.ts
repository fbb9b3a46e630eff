// /stream?events= (issue 8): each event is framed `event: <kind>`; without `events` a stream carries
// every kind, so its ids are contiguous; `events=` keeps the kinds listed, `symbols=` the symbols
// named plus every status event (market-wide); the two combine. The same selection holds over a
// replay from 0 running into live, over a resume from Last-Event-ID (from exactly the next selected
// id), and for live clients the hub groups by filter. A bad `events` is a 400 naming it, before any
// byte of a stream. The server generates a fast tape (a session every dozen batches) throughout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MarketEvent } from '../../types.ts';
import { assertError } from '../http/fixtures.ts';
import { contiguity, getJson, waitForLastId } from '../helpers/http.ts';
import { FAST_MARKET, eventsOf, selects, type KindFilter } from '../helpers/market-events.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, type SseConnection, type SseEvent } from '../helpers/sse-client.ts';

let server: TestServer;
const connections: SseConnection[] = [];

test.before(async () => {
  server = await startTestServer({ ...FAST_MARKET, symbols: 'AAPL,MSFT,TSLA', seed: 8 });
  // Several trading days, so a replay from 0 holds status events of both sessions.
  await waitForLastId(server.url, 1200, 30_000);
});
test.after(async () => {
  for (const conn of connections) conn.close();
  await server.close();
});

async function open(query: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const conn = await connectSse(`${server.url}/stream${query}`, headers);
  connections.push(conn);
  return conn;
}

/** The market events a connection received (no snapshot, reset or heartbeat), parsed. */
function marketEvents(conn: SseConnection): { frame: SseEvent; event: MarketEvent }[] {
  return conn.events
    .filter((e) => e.event === 'tick' || e.event === 'quote' || e.event === 'status')
    .map((frame) => ({ frame, event: JSON.parse(frame.data) as MarketEvent }));
}

/**
 * Waits until `conn` has received a selected event past `upTo` (so everything up to `upTo` has
 * arrived: events come in id order), then returns the ids it received up to `upTo`.
 */
async function idsUpTo(conn: SseConnection, upTo: number, what: string): Promise<number[]> {
  await conn.waitFor((e) => e.event !== 'snapshot' && e.id !== undefined && Number(e.id) > upTo, 30_000, `${what}: an event past ${upTo}`);
  return marketEvents(conn).map(({ event }) => event.id).filter((id) => id <= upTo);
}

function expectedIds(filter: KindFilter, afterId: number, upTo: number): number[] {
  return eventsOf(server.log, afterId).filter((e) => e.id <= upTo && selects(filter, e)).map((e) => e.id);
}

const CASES: { query: string; filter: KindFilter }[] = [
  { query: '', filter: {} },
  { query: 'events=tick', filter: { kinds: ['tick'] } },
  { query: 'events=quote,status', filter: { kinds: ['quote', 'status'] } },
  { query: 'events=status,tick,quote', filter: {} },
  { query: 'symbols=MSFT', filter: { symbols: ['MSFT'] } },
  { query: 'symbols=aapl&events=tick,status', filter: { symbols: ['AAPL'], kinds: ['tick', 'status'] } },
  { query: 'symbols=TSLA,msft&events=quote', filter: { symbols: ['TSLA', 'MSFT'], kinds: ['quote'] } },
];

test('a replay from 0 running into live: each filter gets exactly its events, in id order, framed by kind', async () => {
  const conns = await Promise.all(CASES.map(({ query }) => open(`?lastEventId=0${query ? `&${query}` : ''}`)));
  const headAtConnect = server.log.lastId();
  // Past the head at connect time by more than a trading day: the tail arrives live, status events included.
  const upTo = headAtConnect + 700;
  await waitForLastId(server.url, upTo + 1, 30_000);
  for (let i = 0; i < CASES.length; i++) {
    const { query, filter } = CASES[i];
    const conn = conns[i];
    assert.is(conn.status, 200, query);
    const got = await idsUpTo(conn, upTo, query || 'no filter');
    const expected = expectedIds(filter, 0, upTo);
    assert.ok(expected.length > 0, `${query}: the tape holds events it selects`);
    assert.equal(got, expected, `?${query}`);
    for (const { frame, event } of marketEvents(conn)) {
      assert.is(frame.event, event.kind, `${query}: id ${event.id} is framed as event: ${event.kind}`);
      assert.is(frame.id, String(event.id), `${query}: the SSE id is the event's id`);
    }
    assert.not.ok(conn.events.some((e) => e.event === 'snapshot' || e.event === 'reset'), `${query}: a replay from 0 has no snapshot or reset`);
  }
  // Unfiltered, ids run 1, 2, 3… over replay and live alike, every kind among them.
  const all = await idsUpTo(conns[0], upTo, 'no filter');
  assert.is(all[0], 1);
  assert.is(all.length, upTo);
  assert.is(contiguity(all), null);
  const kinds = new Set(marketEvents(conns[0]).map(({ event }) => event.kind));
  assert.equal([...kinds].sort(), ['quote', 'status', 'tick']);
  // Status events reached the filtered clients live too (after the head they connected at).
  const liveStatus = expectedIds({ kinds: ['status'] }, headAtConnect, upTo);
  assert.ok(liveStatus.length >= 1, 'a session changed while the clients were live');
  const aaplTicksAndStatus = await idsUpTo(conns[5], upTo, 'symbols=aapl&events=tick,status');
  for (const id of liveStatus) assert.ok(aaplTicksAndStatus.includes(id), `status ${id} passes the symbol filter`);
});

test('Last-Event-ID with a filter resumes at the first selected event after that id: no gap, no duplicate', async () => {
  const head = server.log.lastId();
  const events = eventsOf(server.log).filter((e) => e.id <= head);
  // Resume points of every kind, so the id resumed after may or may not be one the filter selects.
  const points = ['tick', 'quote', 'status'].map((kind) => events.filter((e) => e.kind === kind).at(-2)!.id);
  const filters: { query: string; filter: KindFilter }[] = [
    { query: 'events=tick', filter: { kinds: ['tick'] } },
    { query: 'events=status,quote&symbols=tsla', filter: { kinds: ['status', 'quote'], symbols: ['TSLA'] } },
  ];
  const upTo = head + 200;
  const runs = await Promise.all(
    filters.flatMap(({ query, filter }) =>
      points.map(async (point) => ({ query, filter, point, conn: await open(`?${query}`, { 'Last-Event-ID': String(point) }) })),
    ),
  );
  await waitForLastId(server.url, upTo + 1, 30_000);
  for (const { query, filter, point, conn } of runs) {
    const what = `?${query} after ${point}`;
    assert.is(conn.status, 200, what);
    const got = await idsUpTo(conn, upTo, what);
    const expected = expectedIds(filter, point, upTo);
    assert.is(got[0], expected[0], `${what}: the first event is the first selected one after ${point}`);
    assert.ok(got.every((id) => id > point), `${what}: nothing at or before the resume point`);
    assert.equal(got, expected, what);
  }
});

test('live clients with different filters (snapshot, then live) each get their own selection', async () => {
  const specs: { query: string; filter: KindFilter }[] = [
    { query: 'events=tick', filter: { kinds: ['tick'] } },
    { query: 'events=tick', filter: { kinds: ['tick'] } },
    { query: 'events=quote,status', filter: { kinds: ['quote', 'status'] } },
    { query: 'symbols=MSFT&events=tick', filter: { symbols: ['MSFT'], kinds: ['tick'] } },
    { query: 'events=status', filter: { kinds: ['status'] } },
    { query: '', filter: {} },
  ];
  const conns = await Promise.all(specs.map(({ query }) => open(`?${query}`)));
  await Promise.all(conns.map((conn) => conn.waitFor((e) => e.event === 'snapshot', 10_000, 'the snapshot')));
  const from = Math.max(...conns.map((conn) => Number(conn.events[0].id)));
  // Long enough for a few session changes, so the status-only client gets events too.
  const upTo = from + 900;
  await waitForLastId(server.url, upTo + 1, 30_000);
  const received: number[][] = [];
  for (let i = 0; i < specs.length; i++) {
    const { query, filter } = specs[i];
    const conn = conns[i];
    assert.is(conn.events[0].event, 'snapshot', `${query}: the snapshot comes first`);
    const snapshotId = Number(conn.events[0].id);
    const expected = expectedIds(filter, snapshotId, upTo);
    let got: number[];
    if (filter.kinds?.length === 1 && filter.kinds[0] === 'status') {
      // Status events are rare: wait for the last one expected rather than for one past upTo.
      const last = expected.at(-1);
      assert.ok(last !== undefined, 'a session changed while the clients were live');
      await conn.waitFor((e) => e.id === String(last), 10_000, `status ${last}`);
      got = marketEvents(conn).map(({ event }) => event.id).filter((id) => id <= upTo);
    } else {
      got = await idsUpTo(conn, upTo, query || 'no filter');
    }
    assert.ok(got.every((id) => id > snapshotId), `${query}: live events come after the snapshot's id`);
    assert.equal(got, expected, query || 'no filter');
    received.push(got);
  }
  // The two clients of one filter (one hub group) got the same events from the later snapshot on.
  const common = Math.max(Number(conns[0].events[0].id), Number(conns[1].events[0].id));
  assert.equal(received[0].filter((id) => id > common), received[1].filter((id) => id > common));
});

const BAD_EVENTS = ['foo', '', 'tick,', ',tick', 'Tick', 'TICK', 'tick,trade', 'snapshot', 'tick,,quote'];
for (const bad of BAD_EVENTS) {
  test(`events=${JSON.stringify(bad)} is a 400 BAD_PARAMETER naming events, before any byte of a stream`, async () => {
    for (const extra of ['', '&lastEventId=5', '&symbols=AAPL']) {
      // A connection each: the client would otherwise reuse one socket across these short answers.
      const conn = await open(`?events=${encodeURIComponent(bad)}${extra}`, { Connection: 'close' });
      await conn.ended;
      assert.is(conn.status, 400, `events=${bad}${extra}`);
      assert.match(String(conn.headers['content-type']), /^application\/json/);
      assert.is(conn.raw, '', 'nothing of a stream');
      assert.is(conn.events.length, 0);
      const body = JSON.parse(conn.body) as { code: string; error: string };
      assert.is(body.code, 'BAD_PARAMETER');
      assert.match(body.error, /^events: /);
    }
  });
}

test('a repeated events parameter is read as one list: an unknown kind in either is a 400', async () => {
  const conn = await open('?events=tick&events=nope', { Connection: 'close' });
  await conn.ended;
  assert.is(conn.status, 400);
  assert.match(JSON.parse(conn.body).error, /^events: .*nope/);
  // HEAD answers what GET would: the same 400.
  assertError(await getJson(`${server.url}/stream?events=nope`), 400, 'BAD_PARAMETER', /^events: /);
  const head = await fetch(`${server.url}/stream?events=nope`, { method: 'HEAD' });
  assert.is(head.status, 400);
});

test.run();

// Resume points: the header wins over the query parameter; malformed values are a 400 naming
// lastEventId with nothing streamed; out-of-range ones are a `reset` then a snapshot. Ids are
// those of market events of every kind (ticks, quotes, status), so an unfiltered stream's are contiguous.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { bodyOf, connectSse, MARKET_EVENT_NAMES, marketEventsOf } from '../helpers/sse-client.ts';
import { contiguity, waitForLastId } from '../helpers/http.ts';

let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 10, symbols: 'AAPL,MSFT', seed: 3 });
  await waitForLastId(server.url, 100);
});
test.after(() => server.close());

test('the Last-Event-ID header wins over ?lastEventId=', async () => {
  const conn = await connectSse(`${server.url}/stream?lastEventId=5`, { 'Last-Event-ID': '40' });
  await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 10);
  conn.close();
  assert.is(marketEventsOf(conn.events)[0].id, 41);
});

for (const bad of ['', ' 5', '5 ', 'abc', '-1', '1.5', '1e3', '0x10', ' 12a', '9007199254740993', '99999999999999999999']) {
  test(`lastEventId=${JSON.stringify(bad)} is a 400 naming lastEventId, nothing streamed`, async () => {
    const conn = await connectSse(`${server.url}/stream?lastEventId=${encodeURIComponent(bad)}`);
    assert.is(conn.status, 400);
    assert.match(String(conn.headers['content-type']), /application\/json/);
    const body = (await bodyOf(conn)) as { error: string; code: string };
    assert.is(body.code, 'BAD_LAST_EVENT_ID');
    assert.match(body.error, /lastEventId/);
  });
}

test('a malformed Last-Event-ID header is a 400 too, even with a valid query parameter', async () => {
  const conn = await connectSse(`${server.url}/stream?lastEventId=5`, { 'Last-Event-ID': 'nope' });
  assert.is(conn.status, 400);
  const body = (await bodyOf(conn)) as { error: string; code: string };
  assert.match(body.error, /lastEventId/);
});

test('an id newer than the newest is a reset "unknown", then a snapshot, then live', async () => {
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': String(2 ** 53) });
  await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 4);
  conn.close();
  const [reset, snapshot] = conn.events;
  assert.is(reset.event, 'reset');
  const info = JSON.parse(reset.data);
  assert.is(info.reason, 'unknown');
  assert.is(info.oldestId, 1);
  assert.ok(info.latestId >= 100);
  assert.is(snapshot.event, 'snapshot');
  const ids = marketEventsOf(conn.events).map((t) => t.id);
  assert.is(ids[0], Number(snapshot.id) + 1);
  assert.is(contiguity(ids), null);
});

test('0 on an unpruned log replays everything from id 1', async () => {
  const conn = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': '0' });
  await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 150);
  conn.close();
  const ids = marketEventsOf(conn.events).map((t) => t.id);
  assert.is(ids[0], 1);
  assert.is(contiguity(ids), null);
});

test('an unknown symbol is a 400 naming it', async () => {
  const conn = await connectSse(`${server.url}/stream?symbols=AAPL,NOPE`);
  assert.is(conn.status, 400);
  const body = (await bodyOf(conn)) as { error: string; code: string };
  assert.is(body.code, 'UNKNOWN_SYMBOL');
  assert.match(body.error, /NOPE/);
});

test('a malformed symbol list is a 400', async () => {
  for (const bad of ['', 'AAPL,', ',AAPL']) {
    const conn = await connectSse(`${server.url}/stream?symbols=${encodeURIComponent(bad)}`);
    assert.is(conn.status, 400, `symbols=${JSON.stringify(bad)}`);
    const body = (await bodyOf(conn)) as { error: string };
    assert.match(body.error, /symbols/);
  }
});

test.run();

// The feed's silence watchdog (src/feed/watchdog.ts, in shared-stream.ts): the stream asks for
// heartbeat events, learns the period from the first one, and when nothing at all has happened on
// the connection for 2.5 periods (a proxy swallowing an open stream, or a connect that hangs) it
// drops the source and resumes on a new one from the last id, with no gap and no duplicate. Ticks,
// heartbeats and the browser's own error-and-retry keep it quiet; without heartbeats (an older
// server) it never acts. (Unit tests: a fake EventSource and server; each `look()` is one run of
// the due timers, which for the watchdog is half a heartbeat period.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SharedStream } from '../src/feed/shared-stream.ts';
import { MIN_PERIOD_MS, SilenceWatchdog } from '../src/feed/watchdog.ts';
import { FakeLog, FakeServer, ids, logIds, recorder, settle } from './helpers/fake-feed.ts';

const PERIOD = 1000;

function setup() {
  const server = new FakeServer(new FakeLog(['AAPL', 'MSFT']));
  server.publish('AAPL', 'MSFT');
  const stream = new SharedStream(new URL('http://feed.test/stream'), server.env, {
    onEmpty: () => {},
    openStreamsTo: () => 0,
    slowConnectionMs: () => 10_000,
  });
  return { server, stream };
}

/** A live stream whose server has told the period; the subscriber has had the snapshot. */
async function liveWithHeartbeats() {
  const { server, stream } = setup();
  const r = recorder();
  const sub = stream.add({}, r.listener);
  await settle();
  const es = server.only;
  server.serve(es);
  es.heartbeat(PERIOD);
  return { server, stream, r, sub, es };
}

/** Half a heartbeat period passes: the due timers run (the watchdog's look among them). */
function look(server: FakeServer, times = 1): void {
  for (let i = 0; i < times; i++) server.runTimers();
}

test('the stream asks for heartbeat events; until one tells the period nothing is watched, however long the silence', async () => {
  const { server, stream } = setup();
  stream.add({}, recorder().listener);
  await settle();
  const es = server.only;
  assert.is(es.url.searchParams.get('heartbeat'), 'event');
  server.serve(es);
  assert.equal(stream.watchdog, { name: 'unarmed' });
  look(server, 20);
  assert.is(server.only, es, 'an older server that sends no heartbeat events: the stream is left alone');
  assert.is(stream.state.name, 'open');
});

test("a heartbeat arms it with the server's period, looking every half period; ticks and heartbeats keep it quiet", async () => {
  const { server, stream, es } = await liveWithHeartbeats();
  assert.equal(stream.watchdog, { name: 'watching', periodMs: PERIOD, silentLooks: 0 });
  assert.is(server.delays.at(-1), PERIOD / 2);
  for (let i = 0; i < 20; i++) {
    if (i % 2) server.publish('AAPL');
    else es.heartbeat(PERIOD);
    look(server, 2);
  }
  assert.is(server.only, es);
  assert.is(stream.watchdog.name, 'watching');
});

test('nothing for 2.5 periods: the source is dropped and a new one resumes from the last id, no gap, no duplicate', async () => {
  const { server, stream, r, sub, es } = await liveWithHeartbeats();
  server.publish('AAPL', 'MSFT'); // 3, 4
  // From here the connection swallows everything: the log moves on, nothing reaches the page.
  server.log.append('AAPL');
  server.log.append('MSFT');
  look(server); // the look that finds the ticks heard
  look(server, 4); // two periods of silence
  assert.is(server.only, es, 'two periods are not yet enough');
  assert.equal(stream.watchdog, { name: 'watching', periodMs: PERIOD, silentLooks: 4 });
  look(server); // 2.5 periods
  assert.ok(es.closed, 'the silent source is closed');
  assert.is(sub.status.state, 'reconnecting');
  assert.is(sub.status.message, 'No data for 2.5 s; reconnecting…');
  await settle();
  const again = server.only;
  assert.is(again.resumeFrom, 4, 'resumed from the last id delivered');
  assert.is(again.url.searchParams.get('heartbeat'), 'event');
  assert.equal(stream.watchdog, { name: 'watching', periodMs: PERIOD, silentLooks: 0 });
  server.serve(again);
  await settle();
  server.publish('AAPL');
  assert.equal(ids(r.log.ticks), logIds(server, null, 2));
  assert.is(sub.status.state, 'live');
});

test('the period outlives the source: a new connection that never opens is dropped after 2.5 periods too', async () => {
  const { server, es } = await liveWithHeartbeats();
  look(server, 6);
  assert.ok(es.closed);
  await settle();
  const hanging = server.only; // never answered: no open, no error
  look(server, 4);
  assert.not.ok(hanging.closed);
  look(server);
  assert.ok(hanging.closed, 'dropped after five silent looks from its start');
  await settle();
  const third = server.only;
  server.serve(third);
  assert.is(third.resumeFrom, 2);
});

test("the browser's own reconnect: errors it retries after keep the watchdog quiet, a reconnect that hangs does not", async () => {
  const { server, stream, r, sub, es } = await liveWithHeartbeats();
  for (let i = 0; i < 10; i++) {
    es.drop(); // a server that is down answers each of the browser's retries with an error
    look(server, 2);
  }
  assert.is(server.only, es);
  assert.is(stream.state.name, 'reconnecting');
  look(server, 6); // the browser's last attempt hangs: nothing at all happens
  assert.ok(es.closed);
  server.log.append('MSFT');
  await settle();
  const again = server.only;
  assert.is(again.resumeFrom, 2);
  server.serve(again);
  await settle();
  assert.equal(ids(r.log.ticks), [3]);
  assert.is(sub.status.state, 'live');
});

test('a heartbeat moves no cursor and delivers nothing; a new period re-tunes the watchdog; bad data does not arm it', async () => {
  const { server, stream, r, sub, es } = await liveWithHeartbeats();
  server.publish('AAPL');
  const cursor = sub.cursor;
  es.heartbeat(2 * PERIOD);
  assert.is(sub.cursor, cursor);
  assert.equal(ids(r.log.ticks), [3]);
  assert.equal(stream.watchdog, { name: 'watching', periodMs: 2 * PERIOD, silentLooks: 0 });
  assert.is(server.delays.at(-1), PERIOD);

  const fresh = setup();
  fresh.stream.add({}, recorder().listener);
  await settle();
  const other = fresh.server.only;
  fresh.server.serve(other);
  for (const data of [{}, { periodMs: -1 }, { periodMs: 'soon' }, { periodMs: 0 }, null]) other.emit('heartbeat', data);
  assert.equal(fresh.stream.watchdog, { name: 'unarmed' });
  other.heartbeat(1); // a server run with --heartbeat 1
  assert.equal(fresh.stream.watchdog, { name: 'watching', periodMs: MIN_PERIOD_MS, silentLooks: 0 });
});

test('the last subscriber leaving stops the watchdog and its timer', async () => {
  const { server, stream, sub } = await liveWithHeartbeats();
  sub.close();
  await settle();
  assert.is(stream.state.name, 'closed');
  assert.equal(stream.watchdog, { name: 'stopped', periodMs: PERIOD });
  assert.is(server.timers.size, 0, 'no timer left behind');
});

test('the watchdog alone: silent from 2.5 periods after the last thing heard, reporting how long', () => {
  const { server } = setup();
  const silences: number[] = [];
  const dog = new SilenceWatchdog(server.env, (ms) => silences.push(ms));
  dog.start();
  assert.equal(dog.state, { name: 'unarmed' });
  dog.heartbeat({ periodMs: 400 });
  look(server, 3);
  dog.heard();
  look(server, 5); // the look that finds it heard, then four silent ones
  assert.equal(silences, []);
  look(server);
  assert.equal(silences, [1000]);
  assert.equal(dog.state, { name: 'stopped', periodMs: 400 });
  look(server, 10);
  assert.equal(silences, [1000], 'once, until started again');
});

test.run();

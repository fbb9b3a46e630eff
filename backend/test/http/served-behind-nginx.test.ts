// Behind nginx with the README's configuration (`location /ticktape/`): every route answers under
// the prefix, the bare prefix is redirected to it, and SSE passes through unbuffered (the server's
// `X-Accel-Buffering: no`), so each event arrives while nothing follows it and the stream stays open.
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { getJson, postJson, contiguity } from '../helpers/http.ts';
import { nginxSuite, readmeNginxConfig, startNginx, type NginxHandle } from '../helpers/nginx.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, MARKET_EVENT_NAMES, marketEventsOf } from '../helpers/sse-client.ts';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';

const TITLE = 'served behind nginx';
const test = nginxSuite(TITLE, suite<{ server: TestServer; nginx: NginxHandle; prefix: string }>(TITLE));
const TOKEN = 's3cret';

test.before(async (state) => {
  await ensureFrontendBuilt();
  // One event a batch (20 a second at 50 ms a batch); no heartbeat, so no comment can push a held
  // event through.
  state.server = await startTestServer({
    interval: 50, symbols: 'AAPL', seed: 3, heartbeat: 1_000_000_000, 'admin-token': TOKEN, 'max-events-per-second': 20,
  });
  state.nginx = await startNginx({ server: readmeNginxConfig(state.server.url) });
  state.prefix = `${state.nginx.url}/ticktape`;
});
test.after(async (state) => {
  await state.nginx?.stop();
  await state.server?.close();
});

test('every route answers under the prefix', async ({ prefix }) => {
  const page = await fetch(`${prefix}/`);
  assert.is(page.status, 200);
  assert.match(String(page.headers.get('content-type')), /^text\/html/);
  await page.arrayBuffer();
  const bundle = await fetch(`${prefix}/ticktape.js`);
  assert.is(bundle.status, 200);
  assert.match(String(bundle.headers.get('content-type')), /^text\/javascript/);
  await bundle.arrayBuffer();
  assert.is((await getJson(`${prefix}/api/symbols`)).body.symbols[0].symbol, 'AAPL');
  assert.is((await getJson(`${prefix}/healthz`)).body.status, 'ok');
  const metrics = await fetch(`${prefix}/metrics`);
  assert.match(await metrics.text(), /ticktape_log_last_id/);
});

test('the prefix without its slash is redirected to it', async ({ nginx }) => {
  const res = await fetch(`${nginx.url}/ticktape`, { redirect: 'manual' });
  assert.is(res.status, 301);
  assert.match(String(res.headers.get('location')), /\/ticktape\/$/);
  await res.arrayBuffer();
});

test('each event arrives on its own while the stream stays open, then the stream carries on live', async ({ server, prefix }) => {
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const conn = await connectSse(`${prefix}/stream`);
  try {
    assert.is(conn.status, 200);
    assert.match(String(conn.headers['content-type']), /^text\/event-stream/);
    await conn.waitFor((e) => e.event === 'snapshot', 10_000, 'the snapshot');
    await conn.waitFor((e) => MARKET_EVENT_NAMES.has(e.event), 10_000, 'a live event');

    // Paused, the server writes nothing after its last event: a buffering proxy would hold that
    // event (a few hundred bytes, far below a buffer) until more data came, which never does.
    assert.is((await postJson(`${server.url}/api/admin/pause`, {}, auth)).status, 200);
    const last: number = (await getJson(`${server.url}/healthz`)).body.lastEventId;
    await conn.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) === last, 10_000, `event ${last}, the last before the pause`);

    assert.is((await postJson(`${server.url}/api/admin/resume`, {}, auth)).status, 200);
    await conn.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.id) > last, 10_000, `an event after ${last}, on the same stream`);
    const ids = marketEventsOf(conn.events).map((t) => t.id);
    assert.is(contiguity(ids), null);
  } finally {
    conn.close();
  }
});

test('Last-Event-ID passes through: a resume through nginx replays from the log', async ({ prefix }) => {
  const conn = await connectSse(`${prefix}/stream`, { 'Last-Event-ID': '0' });
  try {
    const replayed = await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 3);
    assert.equal(replayed.slice(0, 3).map((e) => Number(e.id)), [1, 2, 3]);
  } finally {
    conn.close();
  }
});

test.run();

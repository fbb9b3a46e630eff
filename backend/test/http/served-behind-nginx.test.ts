// Behind nginx with the README's configuration (`location /ticktape/`): every route answers under
// the prefix, the bare prefix is redirected to it, and SSE passes through unbuffered (the server's
// `X-Accel-Buffering: no`), so each tick arrives while nothing follows it and the stream stays open.
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { getJson, postJson, contiguity } from '../helpers/http.ts';
import { nginxSuite, readmeNginxConfig, startNginx, type NginxHandle } from '../helpers/nginx.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse, ticksOf } from '../helpers/sse-client.ts';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';

const TITLE = 'served behind nginx';
const test = nginxSuite(TITLE, suite<{ server: TestServer; nginx: NginxHandle; prefix: string }>(TITLE));
const TOKEN = 's3cret';

test.before(async (state) => {
  await ensureFrontendBuilt();
  // One symbol, so each batch is one tick; no heartbeat, so no comment can push a held tick through.
  state.server = await startTestServer({ interval: 50, symbols: 'AAPL', seed: 3, heartbeat: 1_000_000_000, 'admin-token': TOKEN });
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

test('each tick arrives on its own while the stream stays open, then the stream carries on live', async ({ server, prefix }) => {
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const conn = await connectSse(`${prefix}/stream`);
  try {
    assert.is(conn.status, 200);
    assert.match(String(conn.headers['content-type']), /^text\/event-stream/);
    await conn.waitFor((e) => e.event === 'snapshot', 10_000, 'the snapshot');
    await conn.waitFor((e) => e.event === 'tick', 10_000, 'a live tick');

    // Paused, the server writes nothing after its last tick: a buffering proxy would hold that
    // tick (a few hundred bytes, far below a buffer) until more data came, which never does.
    assert.is((await postJson(`${server.url}/api/admin/pause`, {}, auth)).status, 200);
    const last: number = (await getJson(`${server.url}/healthz`)).body.lastEventId;
    await conn.waitFor((e) => e.event === 'tick' && Number(e.id) === last, 10_000, `tick ${last}, the last before the pause`);

    assert.is((await postJson(`${server.url}/api/admin/resume`, {}, auth)).status, 200);
    await conn.waitFor((e) => e.event === 'tick' && Number(e.id) > last, 10_000, `a tick after ${last}, on the same stream`);
    const ids = ticksOf(conn.events).map((t) => t.id);
    assert.is(contiguity(ids), null);
  } finally {
    conn.close();
  }
});

test('Last-Event-ID passes through: a resume through nginx replays from the log', async ({ prefix }) => {
  const conn = await connectSse(`${prefix}/stream`, { 'Last-Event-ID': '0' });
  try {
    const replayed = await conn.waitForCount((e) => e.event === 'tick', 3);
    assert.equal(replayed.slice(0, 3).map((e) => Number(e.id)), [1, 2, 3]);
  } finally {
    conn.close();
  }
});

test.run();

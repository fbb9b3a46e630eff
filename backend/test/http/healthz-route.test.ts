// GET /healthz: exactly the contract's fields with their types; clients counts open /stream
// connections; generating follows admin pause/resume; oldestEventId follows retention; 503 once
// the log is unusable (closed underneath the server, or a corrupt page met by a read); 503
// "degraded" while appends keep failing, counted in /metrics.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinSymbol } from '../../simulator/universe.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { connectSse } from '../helpers/sse-client.ts';
import { getJson, postJson, waitForLastId, waitUntil } from '../helpers/http.ts';
import { assertError, parseMetrics } from './fixtures.ts';
import { buildLog } from '../helpers/log.ts';

const TOKEN = 's3cret';
const FIELDS = ['status', 'role', 'bus', 'redis', 'lastEventId', 'oldestEventId', 'clients', 'generating', 'epoch', 'conflict'];
let server: TestServer;

test.before(async () => {
  server = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 1, 'admin-token': TOKEN });
  await waitForLastId(server.url, 2);
});
test.after(() => server.close());

const health = async (s: TestServer = server) => getJson(`${s.url}/healthz`);
const admin = (action: string) => postJson(`${server.url}/api/admin/${action}`, {}, { Authorization: `Bearer ${TOKEN}` });

test('exactly the contract\'s fields, with their types, on a single in-process node', async () => {
  const res = await health();
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  const body = res.body;
  assert.equal(Object.keys(body).sort(), [...FIELDS].sort());
  assert.is(body.status, 'ok');
  assert.is(body.role, 'all');
  assert.is(body.bus, 'memory');
  assert.is(body.redis, 'off');
  assert.match(body.epoch, /^[0-9a-f]{16}$/, 'the history the log holds');
  assert.is(body.conflict, null);
  assert.ok(Number.isSafeInteger(body.lastEventId) && body.lastEventId >= 2, `lastEventId ${body.lastEventId}`);
  assert.is(body.oldestEventId, 1);
  assert.is(body.clients, 0);
  assert.is(body.generating, true);
});

test('lastEventId follows the log', async () => {
  const first = (await health()).body.lastEventId;
  await waitForLastId(server.url, first + 4);
  const { body } = await getJson(`${server.url}/api/quotes`);
  const later = (await health()).body.lastEventId;
  assert.ok(later >= body.lastEventId && body.lastEventId >= first + 4);
});

test('clients counts the open /stream connections', async () => {
  const a = await connectSse(`${server.url}/stream`);
  const b = await connectSse(`${server.url}/stream?symbols=AAPL`);
  await Promise.all([a, b].map((c) => c.waitFor((e) => e.event === 'snapshot')));
  assert.is((await health()).body.clients, 2);
  a.close();
  await waitUntil(async () => (await health()).body.clients === 1, 'clients to drop to 1');
  b.close();
  await waitUntil(async () => (await health()).body.clients === 0, 'clients to drop to 0');
  // A rejected stream request was never a client.
  const rejected = await connectSse(`${server.url}/stream?symbols=NOPE`);
  assert.is(rejected.status, 400);
  assert.is((await health()).body.clients, 0);
});

test('generating is false after an admin pause and true again after resume', async () => {
  assert.is((await admin('pause')).status, 200);
  assert.is((await health()).body.generating, false);
  assert.is((await admin('resume')).status, 200);
  assert.is((await health()).body.generating, true);
});

test('oldestEventId moves up as retention prunes the log', async () => {
  const pruned = await startTestServer({ interval: 10, symbols: 'AAPL,MSFT', seed: 1, retention: 20 });
  try {
    await waitForLastId(pruned.url, 40);
    const { body } = await health(pruned);
    assert.ok(body.oldestEventId > 1, `oldestEventId ${body.oldestEventId}`);
    assert.ok(body.lastEventId - body.oldestEventId + 1 <= 20 + 2, 'about retention events kept');
  } finally {
    await pruned.close();
  }
});

test('503 with status "unavailable" once the log is closed underneath the server; the API says so too', async () => {
  const victim = await startTestServer({ interval: 20, symbols: 'AAPL,MSFT', seed: 1 });
  try {
    await waitForLastId(victim.url, 2);
    victim.log.close();
    const res = await health(victim);
    assert.is(res.status, 503);
    assert.equal(Object.keys(res.body).sort(), [...FIELDS].sort());
    assert.is(res.body.status, 'unavailable');
    assertError(await getJson(`${victim.url}/api/quotes`), 503, 'LOG_UNAVAILABLE');
    assertError(await getJson(`${victim.url}/api/ticks`), 503, 'LOG_UNAVAILABLE');
  } finally {
    await victim.close();
  }
});

test('a corrupt page met by /api/ticks is a 503 JSON error, and /healthz turns 503', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'ticks.db');
  buildLog(db, [builtinSymbol('AAPL')!, builtinSymbol('MSFT')!, builtinSymbol('NVDA')!], 1000);
  // A leaf page from the middle of the ticks table: opening the log touches only the ends of the
  // table and its index, so the server starts healthy and meets the damage on a full read.
  const page = (() => {
    const raw = new Database(db);
    try {
      const leaves = raw.prepare("SELECT pageno FROM dbstat WHERE name = 'ticks' AND pagetype = 'leaf' ORDER BY pageno").pluck().all() as number[];
      return { number: leaves[Math.floor(leaves.length / 2)], size: raw.pragma('page_size', { simple: true }) as number };
    } finally {
      raw.close();
    }
  })();
  const victim = await startTestServer({ db, interval: 1_000_000, symbols: 'AAPL,MSFT,NVDA', seed: 1 });
  try {
    assert.is((await health(victim)).status, 200);
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, Buffer.alloc(page.size, 0xa5), 0, page.size, (page.number - 1) * page.size);
    fs.closeSync(fd);

    assertError(await getJson(`${victim.url}/api/ticks?after=0&limit=10000`), 503, 'LOG_UNAVAILABLE');
    const res = await health(victim);
    assert.is(res.status, 503);
    assert.is(res.body.status, 'unavailable');
  } finally {
    await victim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('503 with status "degraded" while appends keep failing, counted in /metrics; "ok" once one succeeds', async () => {
  const victim = await startTestServer({ interval: 10, symbols: 'AAPL,MSFT', seed: 1 });
  const appendErrors = async () => parseMetrics(await (await fetch(`${victim.url}/metrics`)).text()).get('ticktape_log_append_errors_total');
  const side = new Database(victim.db);
  try {
    await waitForLastId(victim.url, 4);
    assert.is(await appendErrors(), 0);
    // Another writer takes the id this log assigns next, so every batch fails on the UNIQUE
    // constraint: what a second process on the same file used to cause. Reading lastId and
    // inserting in one synchronous step leaves no room for a batch in between.
    const taken = victim.log.lastId() + 1;
    side.prepare('INSERT INTO ticks (id, symbol, ts, json) VALUES (?, ?, ?, ?)').run(taken, 'AAPL', 0, '{}');
    const degraded = await waitUntil(async () => {
      const res = await health(victim);
      return res.status === 503 && res;
    }, '/healthz to turn 503');
    assert.equal(Object.keys(degraded.body).sort(), [...FIELDS].sort());
    assert.is(degraded.body.status, 'degraded');
    assert.is(degraded.body.lastEventId, taken - 1, 'the log is still readable: its ids are reported');
    await waitUntil(async () => ((await appendErrors()) ?? 0) >= 2, 'the metric to count the failures');
    // The history is still served.
    assert.is((await getJson(`${victim.url}/api/ticks?after=0&limit=2`)).status, 200);

    side.prepare('DELETE FROM ticks WHERE id = ?').run(taken);
    const recovered = await waitUntil(async () => {
      const res = await health(victim);
      return res.status === 200 && res;
    }, '/healthz to recover');
    assert.is(recovered.body.status, 'ok');
    assert.ok(recovered.body.lastEventId >= taken);
    assert.ok(((await appendErrors()) ?? 0) >= 2, 'the count stays');
  } finally {
    side.close();
    await victim.close();
  }
});

test.run();

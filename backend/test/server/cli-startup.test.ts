// Starting the real entry point: `--port 0` prints the URL it chose and that URL serves; the
// database's directories are created; `:memory:` works; every option can come from the
// environment, and flags win over it; a port in use is one clear stderr line, suggesting --port 0
// or PORT=, and a non-zero exit.
// (Bad options and --help are covered by backend/test/cli/bad-options.test.ts.)
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { getJson, postJson, waitForLastId, waitUntil } from '../helpers/http.ts';
import { ROOT, exitOf, logLine, spawnTicktape, startChildServer, stopChild, type ChildServer, type TicktapeProcess } from '../helpers/process.ts';
import { tempDir } from '../helpers/server.ts';
import { connectSse, type SseConnection } from '../helpers/sse-client.ts';


const dir = tempDir('ticktape-cli-start-');
const processes: TicktapeProcess[] = [];
const connections: SseConnection[] = [];
let blocker: net.Server | undefined;

test.before(async () => {
  await ensureFrontendBuilt();
});

test.after(async () => {
  for (const conn of connections) conn.close();
  await Promise.all(processes.map((p) => stopChild(p)));
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[], env: Record<string, string> = {}): Promise<ChildServer> {
  const child = await startChildServer(args, { env });
  processes.push(child);
  return child;
}


/** A port that is certainly taken: we hold it. */
async function occupiedPort(): Promise<number> {
  blocker ??= await new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
  return (blocker.address() as net.AddressInfo).port;
}

async function symbolsOf(url: string): Promise<string[]> {
  const { body } = await getJson(`${url}/api/symbols`);
  return body.symbols.map((s: { symbol: string }) => s.symbol);
}

test('--port 0 --host 127.0.0.1 prints the chosen URL, which serves /healthz; --db directories are created', async () => {
  const db = path.join(dir, 'not', 'yet', 'there', 'ticks.db');
  const child = await start(['--port', '0', '--host', '127.0.0.1', '--db', db, '--symbols', 'AAPL', '--interval', '20']);
  const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)\n/m.exec(child.stdout);
  assert.ok(match, `no listening line in:\n${child.stdout}`);
  assert.is(child.url, `http://127.0.0.1:${match[1]}`);
  assert.ok(Number(match[1]) > 0, 'a real port, not 0');
  const { status, body } = await getJson(`${child.url}/healthz`);
  assert.is(status, 200);
  assert.is(body.status, 'ok');
  assert.is(body.role, 'all');
  assert.is(body.bus, 'memory');
  assert.ok(fs.statSync(db).isFile(), `${db} was not created`);
  assert.is(logLine(child.stdout, 'start')?.db, db);
  assert.is(child.stderr, '');
});

test('--db :memory: runs on a log that is never written to disk', async () => {
  const before = new Set(fs.readdirSync(ROOT));
  const child = await start(['--port', '0', '--db', ':memory:', '--symbols', 'AAPL,MSFT', '--interval', '10']);
  const last = await waitForLastId(child.url, 20);
  // Every event of every kind is in the log: ids 1, 2, 3… with no gap.
  const { body } = await getJson(`${child.url}/api/events?after=0&limit=20`);
  assert.equal(body.events.map((e: { id: number }) => e.id), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.ok(last >= 20);
  assert.equal(await stopChild(child), { code: 0, signal: null });
  const created = fs.readdirSync(ROOT).filter((name) => !before.has(name) && name.includes('memory'));
  assert.equal(created, [], 'no file named after :memory: in the working directory');
});

test('every option can come from the environment', async () => {
  const db = path.join(dir, 'env', 'ticks.db');
  const child = await start([], {
    PORT: '0',
    HOST: '127.0.0.1',
    TICKTAPE_DB: db,
    TICKTAPE_SYMBOLS: 'AAPL,QAA:50',
    TICKTAPE_INTERVAL_MS: '7',
    TICKTAPE_SPEED: '120',
    TICKTAPE_SEED: '99',
    TICKTAPE_RETENTION: '100',
    TICKTAPE_HEARTBEAT_MS: '50',
    TICKTAPE_ADMIN_TOKEN: 'env-token',
  });
  assert.match(child.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const startLine = logLine(child.stdout, 'start');
  assert.ok(startLine, child.stdout);
  assert.is(startLine.seed, '99');
  assert.is(startLine.seedSource, 'option');
  assert.is(startLine.interval, '7');
  assert.is(startLine.speed, '120');
  assert.is(startLine.db, db);
  assert.ok(fs.existsSync(db));
  const { body } = await getJson(`${child.url}/api/symbols`);
  assert.equal(body.symbols.map((s: { symbol: string; price: number }) => [s.symbol, s.price]).at(-1), ['QAA', 50]);
  assert.equal(await symbolsOf(child.url), ['AAPL', 'QAA']);

  // TICKTAPE_RETENTION: the log keeps exactly the newest 100.
  await waitForLastId(child.url, 160);
  const health = (await getJson(`${child.url}/healthz`)).body;
  assert.is(health.lastEventId - health.oldestEventId + 1, 100);

  // TICKTAPE_HEARTBEAT_MS: a keepalive comment within a few periods.
  const conn = await connectSse(`${child.url}/stream`);
  connections.push(conn);
  assert.is(await conn.waitForComment(5000), 'keepalive');
  conn.close();

  // TICKTAPE_ADMIN_TOKEN
  assert.is((await postJson(`${child.url}/api/admin/pause`, {}, { Authorization: 'Bearer wrong' })).status, 403);
  const paused = await postJson(`${child.url}/api/admin/pause`, {}, { Authorization: 'Bearer env-token' });
  assert.is(paused.status, 200);
  assert.is((await getJson(`${child.url}/healthz`)).body.generating, false);
});

test('flags win over environment variables', async () => {
  const envDb = path.join(dir, 'from-env', 'ticks.db');
  const flagDb = path.join(dir, 'from-flag', 'ticks.db');
  const child = await start(
    ['--port', '0', '--host', '127.0.0.1', '--db', flagDb, '--symbols', 'MSFT', '--interval', '11', '--speed', '30', '--seed', '2', '--admin-token', 'flag-token'],
    {
      PORT: String(await occupiedPort()),
      HOST: '0.0.0.0',
      TICKTAPE_DB: envDb,
      TICKTAPE_SYMBOLS: 'AAPL',
      TICKTAPE_INTERVAL_MS: '9',
      TICKTAPE_SPEED: '90',
      TICKTAPE_SEED: '1',
      TICKTAPE_ADMIN_TOKEN: 'env-token',
    },
  );
  assert.match(child.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.is.not(child.url, `http://127.0.0.1:${await occupiedPort()}`);
  const startLine = logLine(child.stdout, 'start')!;
  assert.equal(
    [startLine.seed, startLine.interval, startLine.speed, startLine.db],
    ['2', '11', '30', flagDb],
  );
  assert.ok(fs.existsSync(flagDb));
  assert.not.ok(fs.existsSync(path.dirname(envDb)), 'the environment\'s --db was not touched');
  assert.equal(await symbolsOf(child.url), ['MSFT']);
  assert.is((await postJson(`${child.url}/api/admin/pause`, {}, { Authorization: 'Bearer env-token' })).status, 403);
  assert.is((await postJson(`${child.url}/api/admin/pause`, {}, { Authorization: 'Bearer flag-token' })).status, 200);
});

test('a port already in use: one clear stderr line with a way out, no stack trace, a non-zero exit', async () => {
  const port = await occupiedPort();
  const proc = spawnTicktape(['--port', String(port), '--host', '127.0.0.1', '--db', path.join(dir, 'in-use.db')]);
  processes.push(proc);
  const exit = await exitOf(proc);
  assert.ok(exit.code !== 0 && exit.code !== null, `exit ${JSON.stringify(exit)}`);
  const lines = proc.stderr.split('\n').filter((line) => line !== '');
  assert.is(lines.length, 1, `stderr:\n${proc.stderr}`);
  assert.match(lines[0], /^ticktape: /);
  assert.match(lines[0], /in use/);
  assert.ok(lines[0].includes(String(port)), `the line names the port: ${lines[0]}`);
  // and says what to do about it
  assert.ok(lines[0].includes('--port 0') && lines[0].includes('PORT='), `the line suggests --port 0 or PORT=: ${lines[0]}`);
  assert.not.match(proc.stdout, /listening on/);
  // And the port is still ours: the failed start did not disturb the listener.
  await waitUntil(() => blocker!.listening, 'the blocker still listening', 1000);
});

test.run();

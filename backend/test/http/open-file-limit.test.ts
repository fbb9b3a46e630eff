// A connection flood past the process's open-file limit (`ulimit -n`): without care the kernel
// refuses accept() and libuv closes the connections silently, health checks included. The server
// keeps its sockets under the limit, logs the refusals once for the whole flood, counts them, and
// answers /healthz again as soon as the flood lets go.
import net from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getJson, waitUntil } from '../helpers/http.ts';
import { startChildServer, stopChild, type ChildServer } from '../helpers/process.ts';
import { tempDir } from '../helpers/server.ts';
import { parseMetrics } from './fixtures.ts';

const OPEN_FILES = 256;
const FLOOD = 600;
let child: ChildServer | undefined;
const flood: net.Socket[] = [];

test.after(async () => {
  for (const socket of flood) socket.destroy();
  await stopChild(child);
});

function connect(url: URL): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

const refusedLines = () => child!.stderr.split('\n').filter((line) => line.includes('event=http.connections_refused'));

test(`ulimit -n ${OPEN_FILES}: ${FLOOD} connections are refused with one log line, and /healthz recovers`, async () => {
  const db = path.join(tempDir(), 'ticks.db');
  child = await startChildServer(['--port', '0', '--db', db, '--symbols', 'AAPL', '--interval', '100'], {
    command: ['bash', '-c', `ulimit -n ${OPEN_FILES} && exec "$0" "$@"`, process.execPath, '--import', 'tsx', 'backend/main.ts'],
  });
  const url = new URL(child.url);
  assert.is((await getJson(`${child.url}/healthz`)).status, 200);

  for (let i = 0; i < FLOOD; i++) flood.push(await connect(url));
  await waitUntil(() => refusedLines().length > 0, 'the refusals to be logged', 20000);
  assert.match(refusedLines()[0], /reason=max_connections/);

  for (const socket of flood.splice(0)) socket.destroy();
  const health = await waitUntil(async () => {
    try {
      const res = await getJson(`${child!.url}/healthz`);
      return res.status === 200 ? res : undefined;
    } catch {
      return undefined;
    }
  }, '/healthz to answer after the flood', 20000);
  assert.is(health.body.status, 'ok');
  await waitUntil(() => child!.stdout.includes('event=http.connections_recovered'), 'the recovery to be logged', 20000);
  assert.is(refusedLines().length, 1, 'one line for the whole flood');

  const metrics = parseMetrics(await (await fetch(`${child.url}/metrics`)).text());
  assert.ok(metrics.get('ticktape_connections_refused_total{reason="max_connections"}')! >= FLOOD - OPEN_FILES, 'refusals counted');
});

test.run();

// A start that fails after the log is open (here: the port is taken) closes everything it opened,
// on the same stack of closers as close(): the database is free for the next server at once, and
// the failed one leaves nothing running that would generate into it.
import net from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitForLastId } from '../helpers/http.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
const blocker = net.createServer();

test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await new Promise((resolve) => blocker.close(resolve));
});

test('a server that cannot listen releases its database; the next one on it starts and continues', async () => {
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  const db = path.join(tempDir('ticktape-failed-start-'), 'ticks.db');

  const first = await startTestServer({ db, interval: 5, symbols: 'AAPL', seed: 3 });
  servers.push(first);
  await waitForLastId(first.url, 5);
  await first.close();

  let refused: unknown;
  await startTestServer({ db, port: taken, host: '127.0.0.1', interval: 5, symbols: 'AAPL' }).catch((err: unknown) => (refused = err));
  assert.match(String((refused as NodeJS.ErrnoException)?.code), 'EADDRINUSE');

  // Refused with LogLockedError if the failed start had kept its lock.
  const next = await startTestServer({ db, interval: 5, symbols: 'AAPL' });
  servers.push(next);
  assert.is(next.seed, 3, 'it continues the path the first server left');
  assert.is(next.seedSource, 'log');
  await waitForLastId(next.url, next.log.lastId() + 5);
});

test.run();

// On a log that already has ticks, generation continues the log's own path, so the seed a server
// reports is the one stored with the log's checkpoint, not a fresh random one; an explicit seed
// that differs cannot apply, gets one warning, and really is not used (the ticks are those of an
// uninterrupted run with the log's seed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitForLastId } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import type { Logger } from '../../logger.ts';
import type { MarketEvent } from '../../types.ts';
import { withoutTs } from './fixtures.ts';

const OPTIONS = { interval: 5, symbols: 'AAPL,MSFT' };
const servers: TestServer[] = [];

test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

interface Logged {
  event: string;
  fields: Record<string, unknown>;
  level: string;
}

async function start(options: Record<string, string | number | undefined>): Promise<{ server: TestServer; logged: Logged[] }> {
  const logged: Logged[] = [];
  const logger: Logger = (event, fields = {}, level = 'info') => logged.push({ event, fields, level });
  const server = await startTestServer({ ...OPTIONS, ...options }, { logger });
  servers.push(server);
  return { server, logged };
}

const warnings = (logged: Logged[]) => logged.filter((l) => l.level !== 'info');
const ticks = (server: TestServer, upTo: number) =>
  server.log.readAfter(0, null, upTo).map((t) => withoutTs(JSON.parse(t.json) as MarketEvent));

let db: string;
let lastOfFirstRun: number;

test('a new log runs with the given seed', async () => {
  const { server, logged } = await start({ seed: 7 });
  assert.equal([server.seed, server.seedSource], [7, 'option']);
  await waitForLastId(server.url, 20);
  await server.close();
  db = server.db;
  lastOfFirstRun = server.log.lastId();
  assert.equal(warnings(logged), []);
});

test('restarted without --seed, a server reports the log\'s seed, not a random one', async () => {
  const { server, logged } = await start({ db });
  assert.equal([server.seed, server.seedSource], [7, 'log']);
  assert.equal(warnings(logged), []);
  await server.close();
});

test('restarted with the same --seed: no warning', async () => {
  const { server, logged } = await start({ db, seed: 7 });
  assert.equal([server.seed, server.seedSource], [7, 'log']);
  assert.equal(warnings(logged), []);
  await server.close();
});

test('restarted with another --seed: one warning naming both seeds, and the log\'s path goes on', async () => {
  const { server, logged } = await start({ db, seed: 42 });
  assert.equal([server.seed, server.seedSource], [7, 'log']);
  const warned = warnings(logged);
  assert.is(warned.length, 1, JSON.stringify(warned));
  assert.is(warned[0].event, 'seed.ignored');
  assert.is(warned[0].level, 'warn');
  assert.is(warned[0].fields.seed, 42);
  assert.is(warned[0].fields.logSeed, 7);
  assert.is(warned[0].fields.db, db);
  const message = String(warned[0].fields.message);
  assert.ok(message.includes('seed 42') && message.includes('seed 7') && message.includes(db), message);
  assert.not.match(message, /\n/);

  const upTo = lastOfFirstRun + 40;
  await waitForLastId(server.url, upTo);
  const reference = (await start({ seed: 7 })).server;
  await waitForLastId(reference.url, upTo);
  assert.equal(ticks(server, upTo), ticks(reference, upTo), 'seed 42 was not used');
});

test.run();

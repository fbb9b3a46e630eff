// GET /api/symbols: the universe in the --config shape, with the configured (initial) prices even
// after the feed has moved, for the built-in universe, for --symbols and for a --config file.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts';
import { getJson, waitUntil } from '../helpers/http.ts';

const SPEC_FIELDS = ['symbol', 'name', 'price', 'volatility', 'drift', 'spreadBps', 'beta', 'adv'];

const servers: TestServer[] = [];
const dirs: string[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A --config file holding `symbols`, in a directory removed after the tests. */
function writeConfig(symbols: object[]): string {
  const dir = tempDir();
  dirs.push(dir);
  const file = path.join(dir, 'universe.json');
  fs.writeFileSync(file, JSON.stringify({ symbols }));
  return file;
}

async function start(options: Record<string, string | number>): Promise<TestServer> {
  // 40 events a 20 ms step: every symbol of the built-in universe may trade each step (the default
  // budget, 2 a step, prints no trades, and only trades move the quoted price).
  const server = await startTestServer({ interval: 20, seed: 1, 'max-events-per-second': 2000, ...options });
  servers.push(server);
  return server;
}

/** Waits until some symbol's latest price differs from its initial one, so "initial" is tested. */
async function waitForPricesToMove(server: TestServer, initial: Map<string, number>): Promise<void> {
  await waitUntil(async () => {
    const { body } = await getJson(`${server.url}/api/quotes`);
    return (body.quotes as Array<{ symbol: string; price: number }>).some((q) => q.price !== initial.get(q.symbol));
  }, 'a price to move away from its initial value');
}

async function symbolsOf(server: TestServer): Promise<any[]> {
  const res = await getJson(`${server.url}/api/symbols`);
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  assert.equal(Object.keys(res.body), ['symbols']);
  assert.ok(Array.isArray(res.body.symbols));
  for (const spec of res.body.symbols) {
    const keys = Object.keys(spec);
    assert.ok(keys.every((k) => SPEC_FIELDS.includes(k)), `only --config fields: ${keys}`);
    for (const field of ['symbol', 'name', 'price', 'volatility', 'drift', 'spreadBps']) assert.ok(keys.includes(field), `${field} in ${keys}`);
    assert.type(spec.symbol, 'string');
    assert.type(spec.name, 'string');
    for (const field of ['price', 'volatility', 'drift', 'spreadBps']) assert.type(spec[field], 'number');
    if ('beta' in spec) assert.type(spec.beta, 'number');
    if ('adv' in spec) assert.ok(Number.isFinite(spec.adv) && spec.adv >= 100, `adv ${spec.adv}`);
  }
  return res.body.symbols;
}

test('the built-in universe, with its parameters and initial prices even after ticks', async () => {
  const server = await start({});
  const before = await symbolsOf(server);
  assert.ok(before.length >= 10 && before.length <= 15, `about 12 symbols, got ${before.length}`);
  assert.equal(before, BUILTIN_UNIVERSE);
  assert.equal(before.find((s) => s.symbol === 'AAPL'), {
    symbol: 'AAPL', name: 'Apple Inc.', price: 189.5, volatility: 0.25, drift: 0.1, spreadBps: 1, beta: 1.2, adv: 55_000_000,
  });

  await waitForPricesToMove(server, new Map(before.map((s) => [s.symbol, s.price])));
  assert.equal(await symbolsOf(server), before, 'price is the configured initial price, not the latest');
});

test('--symbols AAPL:189.5,QAA:50 keeps AAPL\'s parameters and gives QAA the defaults, in the order given', async () => {
  const server = await start({ symbols: 'AAPL:189.5,QAA:50' });
  const aapl = BUILTIN_UNIVERSE.find((s) => s.symbol === 'AAPL')!;
  const expected = [
    { ...aapl, price: 189.5 },
    { symbol: 'QAA', name: 'QAA', price: 50, volatility: 0.3, drift: 0.08, spreadBps: 2, beta: 1 },
  ];
  assert.equal(await symbolsOf(server), expected);
  await waitForPricesToMove(server, new Map([['AAPL', 189.5], ['QAA', 50]]));
  assert.equal(await symbolsOf(server), expected);
});

test('--symbols with a price overrides only the initial price (names are case-insensitive)', async () => {
  const server = await start({ symbols: 'msft,AAPL:201.25' });
  const pick = (name: string) => BUILTIN_UNIVERSE.find((s) => s.symbol === name)!;
  assert.equal(await symbolsOf(server), [pick('MSFT'), { ...pick('AAPL'), price: 201.25 }]);
});

test('a --config file is reported as written (symbols upper-cased, beta only where given)', async () => {
  const universe = [
    { symbol: 'ACME', name: 'Acme Corp.', price: 12.34, volatility: 0.45, drift: -0.02, spreadBps: 7.5, beta: 0.4 },
    { symbol: 'zed', name: 'Zed Industries', price: 1500, volatility: 0, drift: 0.03, spreadBps: 0 },
  ];
  const file = writeConfig(universe);
  const server = await start({ config: file });
  const expected = [universe[0], { ...universe[1], symbol: 'ZED' }];
  assert.equal(await symbolsOf(server), expected);
  await waitForPricesToMove(server, new Map([['ACME', 12.34]]));
  assert.equal(await symbolsOf(server), expected);
});

test('--config with --symbols reports the chosen subset with the file\'s parameters', async () => {
  const universe = [
    { symbol: 'ONE', name: 'One', price: 10, volatility: 0.2, drift: 0.05, spreadBps: 3, beta: 1.5 },
    { symbol: 'TWO', name: 'Two', price: 20, volatility: 0.3, drift: 0.06, spreadBps: 4, beta: 0.5 },
  ];
  const file = writeConfig(universe);
  const server = await start({ config: file, symbols: 'TWO:25' });
  assert.equal(await symbolsOf(server), [{ ...universe[1], price: 25 }]);
});

test.run();

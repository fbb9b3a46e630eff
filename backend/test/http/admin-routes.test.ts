// POST /api/admin/pause, /resume, /shock: 403 when no token is configured; with one, 401 (with
// WWW-Authenticate) without credentials and 403 with wrong ones, before anything else is looked
// at; pause stops the feed and resume restarts it; a shock moves the symbol's price (its next
// quote's midpoint) by its percentage;
// every malformed shock is a JSON 4xx naming what was wrong.
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { marketStepSeconds } from '../../simulator/market.ts';
import { TRADING_DAYS_PER_YEAR } from '../../simulator/volatility.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import type { QuoteEvent, TradeTick } from '../../types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { getJson, postJson, waitForLastId, waitUntil, type JsonResponse } from '../helpers/http.ts';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';
import { assertError } from './fixtures.ts';

const TOKEN = 's3cret';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const INTERVAL = 20;
// One simulated step is INTERVAL × SPEED ms of trading time: at speed 1 a step is 20 ms, so a
// step's own move is a few thousandths of a cent and a shock stands out cleanly.
const SPEED = 1;
/** 10 events a step, room for both symbols to quote every step (the default budget is 2 at 20 ms). */
const MAX_EVENTS_PER_SECOND = 500;
const TRADING_SECONDS_PER_YEAR = TRADING_DAYS_PER_YEAR * 6.5 * 3600;
const ACTIONS = ['pause', 'resume', 'shock'];

let secured: TestServer;
let open: TestServer;

test.before(async () => {
  [secured, open] = await Promise.all([
    startTestServer({ interval: INTERVAL, speed: SPEED, symbols: 'AAPL,MSFT', seed: 1, 'admin-token': TOKEN, 'max-events-per-second': MAX_EVENTS_PER_SECOND }),
    startTestServer({ interval: INTERVAL, symbols: 'AAPL,MSFT', seed: 1 }),
  ]);
  await Promise.all([waitForLastId(open.url, 2), waitUntil(async () => (await getJson(`${secured.url}/api/quotes`)).body.quotes.length === 2, 'a trade of each symbol')]);
});
test.after(async () => {
  await Promise.all([secured.close(), open.close()]);
});

const post = (server: TestServer, action: string, body: unknown = {}, headers: Record<string, string> = AUTH) =>
  postJson(`${server.url}/api/admin/${action}`, body, headers);
/**
 * How far one step may move `symbol`'s quote midpoint from price `p` without a shock: the quote is
 * on the cent grid around the price (a cent of rounding and the spread, at most a few basis points
 * of it), and the step's own move is at most ten of its standard deviations (σ·√Δt, Δt = one 20 ms
 * step of trading time, about 0.0015 % for AAPL).
 */
function tolerance(symbol: string, p: number): number {
  const spec = BUILTIN_UNIVERSE.find((s) => s.symbol === symbol)!;
  return 0.01 + (p * spec.spreadBps) / 10_000 + p * 10 * spec.volatility * Math.sqrt(marketStepSeconds(INTERVAL, SPEED) / TRADING_SECONDS_PER_YEAR);
}

/** The midpoint of a quote: where the symbol's price stands. */
const mid = (quote: { bid: number; ask: number }) => (quote.bid + quote.ask) / 2;

/** The first quote of `symbol` after `afterId` (every step quotes each symbol's move). */
async function quoteAfter(afterId: number, symbol: string): Promise<QuoteEvent> {
  return waitUntil(async () => {
    const { events } = (await getJson(`${secured.url}/api/events?after=${afterId}&limit=1&symbols=${symbol}&events=quote`)).body;
    return events[0] as QuoteEvent | undefined;
  }, `the next ${symbol} quote`);
}

/** With the feed paused, run `send`, resume, and return AAPL's price (quote midpoint) before and at the next step. */
async function aaplAcrossOneStep(send: () => Promise<void>): Promise<[number, number]> {
  await post(secured, 'pause');
  const before = (await getJson(`${secured.url}/api/quotes?symbols=AAPL`)).body;
  await send();
  await post(secured, 'resume');
  const next = await quoteAfter(before.lastEventId, 'AAPL');
  return [mid(before.quotes[0]), mid(next)];
}

const lastId = async (server: TestServer): Promise<number> => (await getJson(`${server.url}/healthz`)).body.lastEventId;
const generating = async (server: TestServer): Promise<boolean> => (await getJson(`${server.url}/healthz`)).body.generating;

for (const action of ACTIONS) {
  test(`no token configured: ${action} is 403 without a header and with any bearer token`, async () => {
    const body = { symbol: 'AAPL', pct: -5 };
    assertError(await post(open, action, body, {}), 403, 'ADMIN_DISABLED', /admin/);
    assertError(await post(open, action, body, { Authorization: 'Bearer anything' }), 403, 'ADMIN_DISABLED', /admin-token/);
    assertError(await post(open, action, body, AUTH), 403, 'ADMIN_DISABLED');
  });

  test(`with a token: ${action} is 401 with WWW-Authenticate without credentials, 403 with wrong ones`, async () => {
    const body = { symbol: 'AAPL', pct: -5 };
    const missing: Array<Record<string, string>> = [
      {},
      { Authorization: '' },
      { Authorization: 'Bearer' },
      { Authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
    ];
    for (const headers of missing) {
      const res = await post(secured, action, body, headers);
      assertError(res, 401, 'UNAUTHORIZED', /Authorization: Bearer/);
      assert.match(String(res.headers.get('www-authenticate')), /^Bearer\b/);
    }
    for (const token of ['wrong', `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
      assertError(await post(secured, action, body, { Authorization: `Bearer ${token}` }), 403, 'FORBIDDEN', /token/);
    }
  });
}

test('the feed keeps generating after refused admin requests', async () => {
  for (const server of [open, secured]) {
    await post(server, 'pause', {}, {});
    await post(server, 'pause', {}, { Authorization: 'Bearer wrong' });
    assert.is(await generating(server), true);
    const before = await lastId(server);
    await waitForLastId(server.url, before + 4);
  }
});

test('credentials are checked before the body: a wrong token with a bad body is still 403', async () => {
  assertError(await post(secured, 'shock', 'not json', { Authorization: 'Bearer wrong' }), 403, 'FORBIDDEN');
  assertError(await post(secured, 'shock', { symbol: 'NOPE' }, {}), 401, 'UNAUTHORIZED');
});

test('pause stops the feed (lastEventId stops moving), resume restarts it; generating follows', async () => {
  const paused = await post(secured, 'pause');
  assert.is(paused.status, 200);
  assert.equal(paused.body, { generating: false });
  assert.is(await generating(secured), false);
  // Paused: over many intervals the newest id must not move. Polling, not sleeping: each poll is a
  // real request, and twenty intervals' worth of them would have seen several batches.
  const frozen = await lastId(secured);
  const deadline = Date.now() + 20 * INTERVAL;
  let polls = 0;
  while (Date.now() < deadline || polls < 5) {
    assert.is(await lastId(secured), frozen, 'no tick while paused');
    polls++;
    await new Promise((r) => setTimeout(r, INTERVAL / 2));
  }
  // Pausing twice is harmless.
  assert.equal((await post(secured, 'pause')).body, { generating: false });

  const resumed = await post(secured, 'resume');
  assert.is(resumed.status, 200);
  assert.equal(resumed.body, { generating: true });
  assert.is(await generating(secured), true);
  await waitForLastId(secured.url, frozen + 6);
  assert.equal((await post(secured, 'resume')).body, { generating: true }, 'resuming twice is harmless');
});

test('a shock of −5 % moves AAPL\'s next price by −5 % of the price before it; MSFT is untouched', async () => {
  // Paused, nothing moves between reading the price and the shock taking effect at the next step.
  await post(secured, 'pause');
  const before = (await getJson(`${secured.url}/api/quotes`)).body;
  // A symbol's state carries its current quote: its midpoint is the price before the shock.
  const price = (symbol: string) => mid(before.quotes.find((q: TradeTick) => q.symbol === symbol));

  const res = await post(secured, 'shock', { symbol: 'aapl', pct: -5 });
  assert.is(res.status, 200);
  assert.equal(res.body, { symbol: 'AAPL', pct: -5 });
  await post(secured, 'resume');
  const next = { AAPL: await quoteAfter(before.lastEventId, 'AAPL'), MSFT: await quoteAfter(before.lastEventId, 'MSFT') };
  const nextPrice = (symbol: 'AAPL' | 'MSFT') => mid(next[symbol]);

  const aapl = price('AAPL');
  const expected = aapl * 0.95;
  assert.ok(tolerance('AAPL', aapl) < aapl * 0.001, 'the tolerance is far smaller than the shock');
  assert.ok(Math.abs(nextPrice('AAPL') - expected) <= tolerance('AAPL', aapl), `AAPL ${aapl} → ${nextPrice('AAPL')}, expected about ${expected.toFixed(3)}`);
  assert.ok(Math.abs(nextPrice('MSFT') - price('MSFT')) <= tolerance('MSFT', price('MSFT')), `MSFT ${price('MSFT')} → ${nextPrice('MSFT')}`);

  // The shock applies once: the quote after it moves AAPL by no more than a step's worth.
  const after = await quoteAfter(next.AAPL.id, 'AAPL');
  assert.ok(Math.abs(mid(after) - nextPrice('AAPL')) <= tolerance('AAPL', aapl), `then ${mid(after)}`);
});

test('a positive shock moves the price up by its percentage', async () => {
  await post(secured, 'pause');
  const before = (await getJson(`${secured.url}/api/quotes?symbols=MSFT`)).body;
  const msft = mid(before.quotes[0]);
  assert.is((await post(secured, 'shock', { symbol: 'MSFT', pct: 10 })).status, 200);
  await post(secured, 'resume');
  const next = mid(await quoteAfter(before.lastEventId, 'MSFT'));
  assert.ok(Math.abs(next - msft * 1.1) <= tolerance('MSFT', msft * 1.1), `MSFT ${msft} → ${next}, expected about ${(msft * 1.1).toFixed(3)}`);
});

test('shock: an unknown symbol is a 400 naming it', async () => {
  assertError(await post(secured, 'shock', { symbol: 'NOPE', pct: -5 }), 400, 'UNKNOWN_SYMBOL', /NOPE/);
});

const BAD_SHOCKS: Array<[string, unknown, RegExp]> = [
  ['pct as a string', { symbol: 'AAPL', pct: '-5' }, /pct/],
  ['pct of −100', { symbol: 'AAPL', pct: -100 }, /pct/],
  ['pct below −100', { symbol: 'AAPL', pct: -150 }, /pct/],
  ['pct missing', { symbol: 'AAPL' }, /pct/],
  ['pct null', { symbol: 'AAPL', pct: null }, /pct/],
  ['symbol missing', { pct: -5 }, /symbol/],
  ['symbol not a string', { symbol: 42, pct: -5 }, /symbol/],
  ['an array', [{ symbol: 'AAPL', pct: -5 }], /JSON object/],
  ['null', null, /JSON object/],
  ['a number', 5, /JSON object/],
];
for (const [what, body, names] of BAD_SHOCKS) {
  test(`shock: ${what} is a 400 naming it`, async () => {
    assertError(await post(secured, 'shock', JSON.stringify(body)), 400, 'BAD_BODY', names);
  });
}

test('shock: a body that is not JSON (or is empty) is a 400', async () => {
  assertError(await post(secured, 'shock', '{"symbol": "AAPL", pct: -5'), 400, 'BAD_BODY', /JSON/);
  assertError(await post(secured, 'shock', ''), 400, 'BAD_BODY', /JSON/);
});

test('shock: a request with no body at all (no Content-Length, not chunked) is a 400, not a 415', async () => {
  // fetch always frames a body; curl -X POST without -d does not: speak HTTP/1.1 directly.
  const { port } = new URL(secured.url);
  const answer = await new Promise<string>((resolve, reject) => {
    let text = '';
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `POST /api/admin/shock HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH.Authorization}\r\n` +
          'Content-Type: application/json\r\nConnection: close\r\n\r\n',
      );
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text)).on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 400 /);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  assert.is(body.code, 'BAD_BODY');
  assert.match(body.error, /empty/);
});

test('shock: shocks that would compound past the representable price are a 400 naming pct', async () => {
  const own = await startTestServer({ interval: 1_000_000, symbols: 'AAPL', 'admin-token': TOKEN });
  try {
    let res: JsonResponse | undefined;
    for (let i = 0; i < 12 && (res === undefined || res.status === 200); i++) res = await post(own, 'shock', JSON.stringify({ symbol: 'AAPL', pct: 1000 }));
    assertError(res!, 400, 'BAD_BODY', /^pct: .*AAPL above/);
  } finally {
    await own.close();
  }
});

test('shock: a body that is not declared JSON is a 415', async () => {
  const body = JSON.stringify({ symbol: 'AAPL', pct: -5 });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const res = await getJson(`${secured.url}/api/admin/shock`, { method: 'POST', headers: { ...AUTH, 'Content-Type': type }, body });
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', /Content-Type: application\/json/);
  }
  // JSON with a charset, and +json types, are fine (a shock of 0 %, so later tests see no move).
  const noop = JSON.stringify({ symbol: 'AAPL', pct: 0 });
  for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
    const res = await getJson(`${secured.url}/api/admin/shock`, { method: 'POST', headers: { ...AUTH, 'Content-Type': type }, body: noop });
    assert.is(res.status, 200, type);
  }
});

test('shock: a body over the size limit is a 413, with or without Content-Length', async () => {
  const big = JSON.stringify({ symbol: 'AAPL', pct: -5, padding: 'x'.repeat(64 * 1024) });
  assertError(await post(secured, 'shock', big), 413, 'BODY_TOO_LARGE', /larger than \d+ bytes/);
  // A streamed (chunked) body has no Content-Length: the limit must hold all the same.
  const chunked = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(big));
      controller.close();
    },
  });
  const res: JsonResponse = await getJson(`${secured.url}/api/admin/shock`, {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: chunked,
    duplex: 'half',
  } as RequestInit);
  assertError(res, 413, 'BODY_TOO_LARGE');
  assert.is((await getJson(`${secured.url}/healthz`)).status, 200, 'the server is fine afterwards');
});

test('no refused shock is applied', async () => {
  const [before, next] = await aaplAcrossOneStep(async () => {
    const shock = { symbol: 'AAPL', pct: -50 };
    assert.is((await post(secured, 'shock', shock, { Authorization: 'Bearer wrong' })).status, 403);
    assert.is((await post(secured, 'shock', shock, {})).status, 401);
    assert.is((await post(secured, 'shock', { ...shock, padding: 'x'.repeat(64 * 1024) })).status, 413);
    const text = await getJson(`${secured.url}/api/admin/shock`, { method: 'POST', headers: { ...AUTH, 'Content-Type': 'text/plain' }, body: JSON.stringify(shock) });
    assert.is(text.status, 415);
    assert.is((await post(secured, 'shock', { ...shock, pct: '-50' })).status, 400);
  });
  assert.ok(Math.abs(next - before) <= tolerance('AAPL', before), `AAPL ${before} → ${next}: unmoved`);
});

test.run();

// An edge follows the feed and never generates: admin requests that pass the token check are a 409
// naming its role, so an operator learns to send them to the generating node.
const edge = redisSuite('admin on a --role edge node');

edge('pause, resume and shock are 409 NOT_A_GENERATOR on an edge, after the token check', async () => {
  const redis = await startRedis();
  let node: TestServer | undefined;
  try {
    node = await startTestServer({ role: 'edge', redis: redis.url, symbols: 'AAPL,MSFT', 'admin-token': TOKEN });
    for (const action of ACTIONS) {
      assertError(await post(node, action, { symbol: 'AAPL', pct: -5 }), 409, 'NOT_A_GENERATOR', /edge/);
      assertError(await post(node, action, { symbol: 'AAPL', pct: -5 }, {}), 401, 'UNAUTHORIZED');
    }
    assert.is(await generating(node), false);
  } finally {
    await node?.close();
    await redis.stop();
  }
});

edge.run();

// A `--role simulator` standby holds no simulated path: a shock is a 409 naming it a standby (the
// generator's own NotGeneratingError, mapped by the admin routes), while pause and resume are
// accepted, since a pause outlives leadership changes.
const standby = redisSuite('admin on a --role simulator standby');

standby('a shock sent to a standby is 409 NOT_A_GENERATOR naming it; pause and resume answer generating: false', async () => {
  const redis = await startRedis();
  const nodes: TestServer[] = [];
  try {
    const options = { role: 'simulator', redis: redis.url, symbols: 'AAPL,MSFT', interval: INTERVAL, 'admin-token': TOKEN };
    nodes.push(await startTestServer(options, { leaseTtlMs: 300 }));
    nodes.push(await startTestServer(options, { leaseTtlMs: 300 }));
    const leader = await waitUntil(async () => {
      const states = await Promise.all(nodes.map(generating));
      return states.filter(Boolean).length === 1 ? nodes[states.indexOf(true)] : undefined;
    }, 'exactly one simulator generating');
    const node = nodes.find((n) => n !== leader)!;
    assertError(await post(node, 'shock', { symbol: 'AAPL', pct: -5 }), 409, 'NOT_A_GENERATOR', /role simulator \(standby\)/);
    assert.equal((await post(node, 'pause')).body, { generating: false });
    assert.equal((await post(node, 'resume')).body, { generating: false });
    assert.is(await generating(leader), true, 'the leader is not affected');
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
    await redis.stop();
  }
});

standby.run();

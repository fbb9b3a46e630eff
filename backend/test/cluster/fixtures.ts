// Shared pieces for cluster tests: read the Redis stream directly (ioredis, not the bus under
// test), page a node's whole log (events of every kind) through /api/events, ask a node for its
// health, and stop what a test started.
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import type { Test } from 'uvu';
import { checkOneHistory } from '../../../scripts/lib/history-check.ts';
import { getJson, waitUntil } from '../helpers/http.ts';
import type { RedisHandle } from '../helpers/redis-server.ts';
import type { TestServer } from '../helpers/server.ts';
import type { SseConnection } from '../helpers/sse-client.ts';

export const STREAM_KEY = 'ticktape:ticks';

export interface StoredEvent {
  id: number;
  /** The event (tick, quote or status) as the node serves it, re-serialised (key order is the stored order). */
  json: string;
}

/** Every entry of the cluster stream, oldest first, as event id and stored JSON. */
export async function streamEvents(redisUrl: string): Promise<StoredEvent[]> {
  const raw = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await raw.connect();
  try {
    const ticks: StoredEvent[] = [];
    let after = '-';
    for (;;) {
      const page = await raw.xrange(STREAM_KEY, after, '+', 'COUNT', 5000);
      for (const [entryId, fields] of page) {
        ticks.push({ id: Number(entryId.split('-')[0]), json: fields[fields.indexOf('t') + 1] });
      }
      if (page.length < 5000) return ticks;
      after = `(${page[page.length - 1][0]}`;
    }
  } finally {
    raw.disconnect();
  }
}

/** A node's log (every kind) from `after` up to `upTo`, through the public API. */
export async function nodeEvents(baseUrl: string, upTo: number, after = 0): Promise<StoredEvent[]> {
  const ticks: StoredEvent[] = [];
  for (let cursor = after; cursor < upTo; ) {
    const { body } = await getJson(`${baseUrl}/api/events?after=${cursor}&limit=10000`);
    const page = (body.events as { id: number }[]).filter((tick) => tick.id <= upTo);
    ticks.push(...page.map((tick) => ({ id: tick.id, json: JSON.stringify(tick) })));
    if (page.length === 0 || body.next === null) break;
    cursor = page[page.length - 1].id;
  }
  return ticks;
}

export interface Health {
  status: string;
  role: string;
  redis: 'up' | 'down' | 'off';
  lastEventId: number;
  oldestEventId: number;
  generating: boolean;
}

export async function health(baseUrl: string): Promise<Health> {
  return (await getJson<Health>(`${baseUrl}/healthz`)).body;
}

export function waitForHealth(baseUrl: string, what: string, check: (h: Health) => boolean, timeoutMs = 15000): Promise<Health> {
  return waitUntil(async () => {
    const h = await health(baseUrl);
    return check(h) ? h : undefined;
  }, `${baseUrl} ${what}`, timeoutMs);
}

// Appended right after the stream's top in one script, whatever the generator is doing meanwhile.
const XADD_NEXT = `
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1][1]
local id = tonumber(string.match(top, '^(%d+)')) + 1
redis.call('XADD', KEYS[1], id .. '-0', 's', 'AAPL', 't', string.gsub(ARGV[1], 'NEXT', tostring(id)), 'e', ARGV[2])
return id
`;

/**
 * Appends an entry ticktape did not write (symbol AAPL, `t` the given text with `NEXT` replaced by
 * its id, the stream's own epoch) right after the stream's newest entry, as anyone with access to
 * Redis could; answers its id. The stream must hold at least one entry.
 */
export async function appendForeignEntry(redisUrl: string, text: string): Promise<number> {
  const raw = new Redis(redisUrl);
  try {
    // With the stream's own epoch, so only the entry's content can give it away.
    const epoch = (await raw.get(`${STREAM_KEY}:epoch`))!;
    return (await raw.eval(XADD_NEXT, 1, STREAM_KEY, text, epoch)) as number;
  } finally {
    raw.disconnect();
  }
}

/** The value of an unlabelled metric in Prometheus text. */
export async function metric(baseUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/**
 * Registers a `test.after` that stops, whatever happened, the SSE connections, then the servers,
 * then Redis; push what the test starts into the returned lists.
 */
export function stopAfter(test: Test, redis: () => RedisHandle | undefined): { servers: TestServer[]; connections: SseConnection[] } {
  const servers: TestServer[] = [];
  const connections: SseConnection[] = [];
  test.after(async () => {
    for (const conn of connections) conn.close();
    await Promise.all(servers.map((server) => server.close()));
    await redis()?.stop();
  });
  return { servers, connections };
}

export interface ClientCapture {
  /** The node the client was connected to, for the message. */
  node: string;
  conn: SseConnection;
}

/**
 * The promise of one history (issue 9), checked after a scenario (scripts/lib/history-check.ts):
 * every node's log agrees with every other under every id they share, and every tick a client
 * received agrees with the logs unless a later `reset` took it back. Returns the merged history.
 */
export async function assertOneHistory(nodeUrls: string[], clients: ClientCapture[]): Promise<Map<number, string>> {
  const check = await checkOneHistory(nodeUrls, clients.map(({ node, conn }) => ({ node, events: conn.events })));
  assert.equal(check.divergent.slice(0, 5), [], `${check.divergent.length} ids served in two versions without a reset`);
  return check.merged;
}

// The SSE clients people actually use, driven for real against a real server: `eventsource` v5 and
// v4 (spec-following parsers, the same algorithm as a browser's EventSource) and
// `@microsoft/fetch-event-source`, whose parser hands every blank line to `onmessage` as a message,
// even a block with no data (Azure/fetch-event-source#15): a `retry:` block or a `: keepalive`
// block of its own becomes an empty message. Each client reads with an ordinary handler that
// JSON-parses every message, as user code does, through a server restart on the same database:
// it must see one snapshot, then every market event (tick, quote, status) once, ids contiguous
// across the restart (so it resumed from its last id), and never a message its handler cannot
// parse. Heartbeats come faster than events, so plenty of them reach every client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventSource } from 'eventsource';
import { EventSource as EventSourceV4 } from 'eventsource-v4';
import { fetchEventSource } from '@microsoft/fetch-event-source';
import { contiguity, waitUntil } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSse } from '../helpers/sse-client.ts';

const OPTIONS = { interval: 40, symbols: 'AAPL,MSFT', seed: 6, heartbeat: 10 };
/** Reconnecting waits the stream's `retry: 3000`, and a loaded machine is slow: be generous. */
const RECONNECT_TIMEOUT_MS = 30_000;

/** What one client's handler saw. */
interface Reader {
  readonly name: string;
  readonly snapshots: number[];
  readonly resets: unknown[];
  /** Ids of the market events it got, of every kind, in order. */
  readonly eventIds: number[];
  /** The kinds among them. */
  readonly kinds: Set<string>;
  /** Errors thrown by the handler (a message it could not parse). */
  readonly errors: string[];
  /** The ordinary handler: JSON-parse the data, then act on it by event type. Throws on bad data. */
  handle(type: string, data: string, id: string): void;
  close(): void;
}

function reader(name: string): Reader {
  const r = {
    name,
    snapshots: [] as number[],
    resets: [] as unknown[],
    eventIds: [] as number[],
    kinds: new Set<string>(),
    errors: [] as string[],
    close: () => {},
    handle(type: string, data: string, id: string) {
      let value: any;
      try {
        value = JSON.parse(data);
      } catch (err) {
        r.errors.push(`${type} ${JSON.stringify(data)}: ${(err as Error).message}`);
        throw err;
      }
      if (type === 'snapshot') r.snapshots.push(Number(id));
      else if (type === 'reset') r.resets.push(value);
      else if (type === 'tick' || type === 'quote' || type === 'status') {
        if (value.kind !== type) r.errors.push(`a ${type} event carries kind ${value.kind}`);
        r.eventIds.push(value.id);
        r.kinds.add(type);
      }
      else r.errors.push(`unexpected ${type} event`);
    },
  };
  return r;
}

/** `eventsource` v5 or v4: named events, reconnects by itself with `Last-Event-ID`. */
function eventSourceReader(name: string, Client: typeof EventSource | typeof EventSourceV4, url: string): Reader {
  const r = reader(name);
  const es = new Client(url);
  const on = (type: string) => (e: MessageEvent) => {
    // A throwing EventTarget listener would end the test process; the reader has recorded it.
    try {
      r.handle(type, e.data, e.lastEventId);
    } catch {}
  };
  for (const type of ['snapshot', 'tick', 'quote', 'status', 'reset', 'message']) es.addEventListener(type, on(type));
  r.close = () => es.close();
  return r;
}

/**
 * `fetch-event-source` as its README writes it: throwing from `onclose` asks for a reconnect
 * (which sends the last id it saw), and `onerror` returning nothing retries after the stream's
 * `retry:`. A handler that throws also lands in `onerror`: the library drops the connection and
 * reconnects, which is what made it receive no ticks at all before the fix.
 */
function fetchEventSourceReader(url: string): Reader {
  const r = reader('@microsoft/fetch-event-source');
  const controller = new AbortController();
  void fetchEventSource(url, {
    signal: controller.signal,
    // Without it the library listens for `document` visibility changes, a browser-only concern.
    openWhenHidden: true,
    fetch: globalThis.fetch,
    onmessage: (ev) => r.handle(ev.event || 'message', ev.data, ev.id),
    onclose() {
      throw new Error('the server closed the stream; reconnect');
    },
    onerror() {
      // Retry after the stream's `retry:` (the library's own default behaviour).
    },
  });
  r.close = () => controller.abort();
  return r;
}

/**
 * fetch-event-source is written for browsers: it calls `window.setTimeout`/`window.clearTimeout`
 * to schedule a reconnect and `document.removeEventListener` when it stops, even with
 * `openWhenHidden`. Node has neither global, so lend it exactly those, for this test only.
 */
function lendBrowserGlobals(): () => void {
  const g = globalThis as Record<string, unknown>;
  g.window = { setTimeout, clearTimeout };
  g.document = { hidden: false, addEventListener() {}, removeEventListener() {} };
  return () => {
    delete g.window;
    delete g.document;
  };
}

const servers: TestServer[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test('eventsource v5, eventsource v4 and fetch-event-source get every event once, in order, across a server restart', async () => {
  const restoreGlobals = lendBrowserGlobals();
  const first = await startTestServer(OPTIONS);
  servers.push(first);
  const url = `${first.url}/stream`;
  const readers = [eventSourceReader('eventsource v5', EventSource, url), eventSourceReader('eventsource v4', EventSourceV4, url), fetchEventSourceReader(url)];
  const heartbeats = await connectSse(url);
  try {
    const noErrors = () => {
      for (const r of readers) if (r.errors.length > 0) throw new Error(`${r.name}'s handler failed: ${r.errors.slice(0, 3).join('; ')}`);
    };
    await waitUntil(() => {
      noErrors();
      return readers.every((r) => r.eventIds.length >= 10);
    }, 'every client to get 10 events', RECONNECT_TIMEOUT_MS);
    await waitUntil(() => heartbeats.comments.length >= 3, 'three heartbeats on a stream of the same server');
    assert.ok(heartbeats.comments.every((c) => c === 'keepalive'));
    heartbeats.close();

    await first.close();
    const lastBefore = first.log.lastId();
    const second = await startTestServer({ ...OPTIONS, port: first.port, db: first.db });
    servers.push(second);
    await waitUntil(() => {
      noErrors();
      return readers.every((r) => r.eventIds.some((id) => id > lastBefore + 10));
    }, 'every client to reconnect and get events from the restarted server', RECONNECT_TIMEOUT_MS);

    for (const r of readers) {
      assert.equal(r.errors, [], `${r.name}: every message parsed`);
      assert.is(r.snapshots.length, 1, `${r.name}: one snapshot, on the first connection only (the reconnect resumed)`);
      assert.equal(r.resets, [], `${r.name}: no reset`);
      assert.is(r.eventIds[0], r.snapshots[0] + 1, `${r.name}: events continue right after the snapshot`);
      assert.is(contiguity(r.eventIds), null, `${r.name}: ${contiguity(r.eventIds)}`);
      assert.ok(r.eventIds.includes(lastBefore) && r.eventIds.includes(lastBefore + 1), `${r.name}: across the restart at ${lastBefore}`);
      assert.ok(r.kinds.has('tick') && r.kinds.has('quote'), `${r.name}: trades and quotes, each under its own event name`);
    }
  } finally {
    for (const r of readers) r.close();
    heartbeats.close();
    restoreGlobals();
  }
});

test.run();

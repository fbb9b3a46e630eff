// A small SSE client for tests and `npm run chaos`, over a raw http request so tests can send any header, see the
// status and headers, stop reading, and drop the connection at will. The parser follows the
// WHATWG HTML "Interpreting an event stream" algorithm (§9.2.6).
import http from 'node:http';

export interface SseEvent {
  /** The event type; 'message' when no `event:` field was given. */
  event: string;
  data: string;
  /** The last event ID after this event (the stream's, not only this event's). */
  lastEventId: string;
  /** This event's own `id:` field, if it had one. */
  id?: string;
}

export interface SseConnection {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly events: SseEvent[];
  readonly comments: string[];
  /** The `retry:` value received, if any. */
  readonly retry: number | undefined;
  /** The body of a non-200 answer. */
  readonly body: string;
  /** Every byte of a 200 answer's body so far, as text: for tests of the exact framing. */
  readonly raw: string;
  /** Resolves with the first event (from the start) matching `match`, or rejects at the deadline. */
  waitFor(match: (e: SseEvent, index: number) => boolean, timeoutMs?: number, what?: string): Promise<SseEvent>;
  /** Resolves when at least `count` events matching `match` have arrived. */
  waitForCount(match: (e: SseEvent) => boolean, count: number, timeoutMs?: number): Promise<SseEvent[]>;
  waitForComment(timeoutMs?: number): Promise<string>;
  /** Resolves when the server ends or drops the connection. */
  readonly ended: Promise<void>;
  pause(): void;
  resume(): void;
  close(): void;
}

const LF = 0x0a;
const CR = 0x0d;

/** `localAddress`: the address to connect from (any 127.x.y.z reaches a server on loopback). */
export function connectSse(url: string, headers: Record<string, string> = {}, options: { localAddress?: string } = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers }, localAddress: options.localAddress }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const listeners = new Set<() => void>();
      let retry: number | undefined;
      let body = '';
      let raw = '';
      let buffer = '';
      // Per-event state of the algorithm: data buffer, event type buffer, last event ID buffer.
      let data = '';
      let type = '';
      let lastEventId = '';
      let ownId: string | undefined;
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      const notify = () => {
        for (const l of listeners) l();
      };

      const processLine = (line: string) => {
        if (line === '') {
          // Blank line: dispatch. An event with an empty data buffer is not dispatched.
          if (data !== '') {
            events.push({ event: type || 'message', data: data.endsWith('\n') ? data.slice(0, -1) : data, lastEventId, id: ownId });
          }
          data = '';
          type = '';
          ownId = undefined;
          return;
        }
        if (line.startsWith(':')) {
          comments.push(line.slice(1).trim());
          return;
        }
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') data += value + '\n';
        else if (field === 'event') type = value;
        else if (field === 'id' && !value.includes('\0')) {
          lastEventId = value;
          ownId = value;
        } else if (field === 'retry' && /^[0-9]+$/.test(value)) retry = Number(value);
      };

      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (res.statusCode !== 200) {
          body += chunk;
          return;
        }
        raw += chunk;
        buffer += chunk;
        // Lines end with CRLF, LF or CR.
        let start = 0;
        for (let i = 0; i < buffer.length; i++) {
          const c = buffer.charCodeAt(i);
          if (c === LF || c === CR) {
            if (c === CR && i + 1 === buffer.length) break; // a CR at the end may be half of CRLF
            processLine(buffer.slice(start, i));
            if (c === CR && buffer.charCodeAt(i + 1) === LF) i++;
            start = i + 1;
          }
        }
        buffer = buffer.slice(start);
        notify();
      });
      let done = false;
      const finish = () => {
        done = true;
        endResolve();
        notify();
      };
      res.on('end', finish);
      // A paused response never reaches 'end'; the socket closing is what says the server hung up.
      res.socket.on('close', finish);
      res.on('close', finish);
      res.on('error', finish);


      const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
        new Promise((resolveWait, rejectWait) => {
          const attempt = () => {
            const found = check();
            if (found !== undefined) {
              cleanup();
              resolveWait(found);
            } else if (done) {
              cleanup();
              rejectWait(new Error(`stream ended before ${what}; got ${events.length} events`));
            }
          };
          const timer = setTimeout(() => {
            cleanup();
            rejectWait(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${events.length} events`));
          }, timeoutMs);
          const cleanup = () => {
            clearTimeout(timer);
            listeners.delete(attempt);
          };
          listeners.add(attempt);
          attempt();
        });

      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        get retry() {
          return retry;
        },
        get body() {
          return body;
        },
        get raw() {
          return raw;
        },
        waitFor(match, timeoutMs = 10000, what = 'a matching event') {
          return waitUntil(() => events.find(match), timeoutMs, what);
        },
        waitForCount(match, count, timeoutMs = 10000) {
          return waitUntil(
            () => {
              const found = events.filter(match);
              return found.length >= count ? found : undefined;
            },
            timeoutMs,
            `${count} matching events`,
          );
        },
        waitForComment(timeoutMs = 10000) {
          return waitUntil(() => comments[0], timeoutMs, 'a comment');
        },
        ended,
        pause() {
          res.pause();
        },
        resume() {
          res.resume();
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
  });
}

/** Parse a connection's tick events. */
export function ticksOf(events: SseEvent[]): Array<{ id: number; symbol: string; [k: string]: unknown }> {
  return events.filter((e) => e.event === 'tick').map((e) => JSON.parse(e.data));
}

/** The kinds of market event a stream carries, each under its own `event:` name. */
export const MARKET_EVENT_NAMES: ReadonlySet<string> = new Set(['tick', 'quote', 'status']);

/** Parse a connection's market events (ticks, quotes and status events) in stream order: each has its `kind`. */
export function marketEventsOf(events: SseEvent[]): Array<{ id: number; kind: string; symbol?: string; [k: string]: unknown }> {
  return events.filter((e) => MARKET_EVENT_NAMES.has(e.event)).map((e) => JSON.parse(e.data));
}

/** Every complete block (the text up to each blank line) a connection has received so far: for framing tests. */
export function blocksOf(conn: SseConnection): string[] {
  const parts = conn.raw.split('\n\n');
  parts.pop(); // the block still being built
  return parts;
}

/** Read a non-SSE answer fully (for the 400 cases). */
export async function bodyOf(conn: SseConnection): Promise<unknown> {
  await conn.ended;
  return JSON.parse(conn.body);
}

// Stand-ins for the hub's clients: a real Writable in place of the ServerResponse, which gives the
// hub the same write() / writableLength / destroyed / writableEnded it reads off a socket. A
// response either reads at once or has stalled (a client that stopped reading): its writes then
// stay buffered, so writableLength grows exactly as on a full socket.
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { StreamClient } from '../../stream/hub.ts';
import type { LoggedEvent, MarketEventKind } from '../../types.ts';

export interface FakeClient extends StreamClient {
  /** Every chunk the hub wrote, as the very objects it passed (in write order). */
  readonly chunks: (Buffer | string)[];
  /** Everything written, as text. */
  text(): string;
}

export interface FakeClientOptions {
  /** Symbols (upper case), or null for every symbol. */
  filter?: readonly string[] | null;
  /** Event kinds (`?events=`), or null for every kind. */
  kinds?: readonly MarketEventKind[] | null;
  /** Never finish a write, like a socket whose peer stopped reading. */
  stalled?: boolean;
  /** Bytes past which write() asks the writer to wait (default 16 KiB, Node's default). */
  highWaterMark?: number;
}

export function fakeClient(options: FakeClientOptions = {}): FakeClient {
  const chunks: (Buffer | string)[] = [];
  const res = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    // Keep strings as given: the hub's replay writes strings, its broadcast Buffers.
    decodeStrings: false,
    write(_chunk, _encoding, callback) {
      if (!options.stalled) callback();
    },
  });
  // Record in write() itself: a stalled Writable never hands later chunks to its write().
  const write = res.write.bind(res) as (chunk: Buffer | string) => boolean;
  res.write = ((chunk: Buffer | string) => {
    if (!res.destroyed && !res.writableEnded) chunks.push(chunk);
    return write(chunk);
  }) as typeof res.write;
  // A destroyed or ended stand-in must not report its own teardown as an unhandled error.
  res.on('error', () => {});
  const symbols = options.filter === undefined || options.filter === null ? null : new Set(options.filter);
  const kinds = options.kinds === undefined || options.kinds === null ? null : new Set(options.kinds);
  // As stream-route.ts builds it: no filter at all when neither is given.
  const filter = symbols === null && kinds === null ? null : { symbols, kinds };
  return {
    res: res as unknown as ServerResponse,
    filter,
    chunks,
    text: () => chunks.map((c) => c.toString()).join(''),
  };
}

export function tick(id: number, symbol: string): LoggedEvent {
  return { id, kind: 'tick', symbol, json: JSON.stringify({ id, symbol, price: 100 + id / 100, kind: 'tick' }) };
}

export function quote(id: number, symbol: string): LoggedEvent {
  return { id, kind: 'quote', symbol, json: JSON.stringify({ id, symbol, bid: 100 + id / 100, kind: 'quote' }) };
}

/** A market-wide status event: logged under the symbol `''`. */
export function status(id: number, session = 'after-hours'): LoggedEvent {
  return { id, kind: 'status', symbol: '', json: JSON.stringify({ id, session, kind: 'status' }) };
}

/** The bytes of one market event (`event: tick`, `quote` or `status`), written out by hand from the SSE field syntax. */
export function eventBlock(e: LoggedEvent): string {
  return `id: ${e.id}\nevent: ${e.kind}\ndata: ${e.json}\n\n`;
}

/** The bytes of one `tick` event. */
export function tickEvent(t: LoggedEvent): string {
  return `id: ${t.id}\nevent: tick\ndata: ${t.json}\n\n`;
}

// The hub fans committed batches out to live SSE clients. Clients are grouped by their filter
// (symbols and event kinds), so a batch is framed once per distinct filter and the same bytes are written to every
// client in the group: per-client work on the hot path is one write and one length check.
// Heartbeats are no part of the groups: each client gets the heartbeat it asked for, in its own write.
import type { ServerResponse } from 'node:http';
import type { EventFilter, LoggedEvent } from '../types.ts';
import { eventFrames, heartbeatFrame, KEEPALIVE_LINE, type HeartbeatKind } from './sse.ts';

/** Unsent output past which a client that stopped reading is cut off (it resumes from the log). */
const DEFAULT_MAX_CLIENT_BUFFER = 1024 * 1024;

export interface HubOptions {
  heartbeatMs: number;
  maxClientBufferBytes?: number;
}

export interface HubStats {
  clients: number;
  /** Market events written to clients, counted once per client. */
  delivered: number;
  /** Market events written while replaying from the log. */
  replayed: number;
  slowDisconnects: number;
}

export interface StreamClient {
  readonly res: ServerResponse;
  /** The symbols and kinds it asked for (`?symbols=`, `?events=`); null for every event. */
  readonly filter: EventFilter | null;
  /** The heartbeat it asked for (`?heartbeat=`); absent means `comment`. */
  readonly heartbeat?: HeartbeatKind;
}

interface FilterGroup {
  /** Whether an event passes the group's filter; null when every event does. */
  passes: ((event: LoggedEvent) => boolean) | null;
  clients: Set<StreamClient>;
}

export interface Hub {
  /** The heartbeat period, which `heartbeat` events tell their clients. */
  readonly heartbeatMs: number;
  /** Count a connected client (it gets heartbeats, and is ended on close) before it goes live. */
  attach(client: StreamClient): void;
  /** Start sending live batches. Call in the same synchronous step as the client's last log read. */
  goLive(client: StreamClient): void;
  detach(client: StreamClient): void;
  /** Write a committed batch to every live client it concerns; returns how many it was written to. */
  broadcast(batch: readonly LoggedEvent[]): number;
  /**
   * Write replayed bytes; false when the socket wants draining. No cap here: the replay waits for
   * 'drain' between pages, so its output is bounded by one page.
   */
  writeReplay(client: StreamClient, chunk: string, events: number): boolean;
  stats(): HubStats;
  /**
   * End every stream but keep serving new ones: the log under them was replaced (a follower
   * started over), so each client must reconnect and resume against the new log.
   */
  endAll(): void;
  /**
   * endAll() after writing `frame` (a history reset, see sse.ts historyResetFrame) to each stream:
   * the log under them now holds another history, which their ids must not be resumed against.
   */
  resetAll(frame: string): void;
  /** End every stream (shutdown). */
  close(): void;
}

function filterKey(filter: EventFilter | null): string {
  const symbols = filter?.symbols ? [...filter.symbols].sort().join(',') : '*';
  const kinds = filter?.kinds ? [...filter.kinds].sort().join(',') : '*';
  return `${symbols}|${kinds}`;
}

/** The test of `filter`; status events are market-wide and pass every symbol filter. */
function eventTest(filter: EventFilter | null): ((event: LoggedEvent) => boolean) | null {
  const symbols = filter?.symbols ?? null;
  const kinds = filter?.kinds ?? null;
  if (symbols === null && kinds === null) return null;
  if (kinds === null) return (event) => event.kind === 'status' || symbols!.has(event.symbol);
  if (symbols === null) return (event) => kinds.has(event.kind);
  return (event) => kinds.has(event.kind) && (event.kind === 'status' || symbols.has(event.symbol));
}

const KEEPALIVE_BYTES = Buffer.from(KEEPALIVE_LINE);
export function createHub(options: HubOptions): Hub {
  const maxBuffer = options.maxClientBufferBytes ?? DEFAULT_MAX_CLIENT_BUFFER;
  const attached = new Set<StreamClient>();
  const groups = new Map<string, FilterGroup>();
  const counters = { delivered: 0, replayed: 0, slowDisconnects: 0 };

  const heartbeatEventBytes = Buffer.from(heartbeatFrame(options.heartbeatMs));

  const heartbeat = setInterval(() => {
    for (const client of attached) write(client, client.heartbeat === 'event' ? heartbeatEventBytes : KEEPALIVE_BYTES);
  }, options.heartbeatMs);
  heartbeat.unref();

  /** Writes and enforces the buffer cap. Returns false if the client was cut off or must drain. */
  function write(client: StreamClient, chunk: Buffer): boolean {
    const { res } = client;
    if (res.destroyed || res.writableEnded) return false;
    const flushed = res.write(chunk);
    if (res.writableLength > maxBuffer) {
      counters.slowDisconnects++;
      detach(client);
      res.destroy();
      return false;
    }
    return flushed;
  }

  function detach(client: StreamClient): void {
    attached.delete(client);
    const key = filterKey(client.filter);
    const group = groups.get(key);
    if (group && group.clients.delete(client) && group.clients.size === 0) groups.delete(key);
  }

  function endAll(lastFrame?: string): void {
    // Writes after end() are refused (writableEnded), so a replay in progress sends nothing more.
    for (const client of attached) client.res.end(lastFrame);
    attached.clear();
    groups.clear();
  }

  return {
    heartbeatMs: options.heartbeatMs,
    attach(client) {
      attached.add(client);
    },
    goLive(client) {
      if (!attached.has(client)) return;
      const key = filterKey(client.filter);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { passes: eventTest(client.filter), clients: new Set() }));
      group.clients.add(client);
    },
    detach,
    broadcast(batch) {
      let written = 0;
      for (const group of groups.values()) {
        const { passes } = group;
        const events = passes === null ? batch : batch.filter(passes);
        if (events.length === 0) continue;
        // Encode to UTF-8 once; a string would be re-encoded by every client's write.
        const chunk = Buffer.from(eventFrames(events));
        for (const client of group.clients) {
          if (write(client, chunk) || !client.res.destroyed) {
            counters.delivered += events.length;
            written++;
          }
        }
      }
      return written;
    },
    writeReplay(client, chunk, events) {
      if (client.res.destroyed || client.res.writableEnded) return false;
      counters.replayed += events;
      counters.delivered += events;
      return client.res.write(chunk);
    },
    stats() {
      return { clients: attached.size, ...counters };
    },
    endAll: () => endAll(),
    resetAll: (frame) => endAll(frame),
    close() {
      clearInterval(heartbeat);
      endAll();
    },
  };
}

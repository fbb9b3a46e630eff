// Server-Sent Events framing, after the WHATWG HTML "Server-sent events" section (§9.2).
// A stream is UTF-8 lines; a blank line dispatches the event being built (§9.2.6). We only ever emit
// `id`, `event`, `data`, `retry` fields and comment lines, and our data is JSON text, which
// JSON.stringify never spreads over several lines, so one `data:` line per event suffices.
//
// Every blank line we send ends a block that has a `data:` line. The spec has a client ignore a
// block without data (§9.2.6, "dispatch the event", step 2: an empty data buffer dispatches
// nothing), but not every client follows it: @microsoft/fetch-event-source hands every blank line
// to `onmessage` as a message (Azure/fetch-event-source#15), so a `retry:` block or a comment block
// of its own reaches user code as an empty message that `JSON.parse` throws on. So neither
// `retry:` nor the heartbeat comment is followed by a blank line: each is a line inside the next
// event's block. A field or comment line takes effect where it stands, whatever follows it
// (§9.2.6: `retry` sets the reconnection time at once; a line starting with ':' is ignored).
import type { LoggedEvent } from '../types.ts';

/** Reconnection delay we ask EventSource to use (the `retry` field, in ms). */
const RETRY_MS = 3000;

/** The spec's end of line: we emit LF only, which every conforming parser accepts. */
const LF = '\n';

/**
 * Sent first on every stream, right after the headers: sets the client's reconnection time. No
 * blank line after it, so it belongs to the first event's block, whatever that event is
 * (snapshot, reset, replayed or live tick).
 */
export const RETRY_LINE = `retry: ${RETRY_MS}${LF}`;

/**
 * Heartbeat: a comment line, which parsers ignore but proxies see as traffic (§9.2.7 suggests one
 * every 15 s or so). No blank line after it, so it ends no block: it sits inside the next event's.
 * Written only between whole frames, so it always starts a line.
 */
export const KEEPALIVE_LINE = `: keepalive${LF}`;

/**
 * How a client wants its heartbeat (`/stream?heartbeat=`): `comment`, the `: keepalive` line above
 * (the default), or `event`, a `heartbeat` event (`heartbeatFrame`) that an EventSource can observe,
 * so a client can tell a silent connection (a proxy that swallows the stream) from a quiet feed.
 */
export const HEARTBEAT_KINDS = ['comment', 'event'] as const;
export type HeartbeatKind = (typeof HEARTBEAT_KINDS)[number];

/**
 * One event. `id` sets the stream's last event ID, which the browser sends back as the
 * `Last-Event-ID` header when it reconnects; null leaves it unchanged.
 */
function eventFrame(event: string, id: number | null, data: string): string {
  const idLine = id === null ? '' : `id: ${id}${LF}`;
  return `${idLine}event: ${event}${LF}data: ${data}${LF}${LF}`;
}

/**
 * A run of market events, each named by its kind (`event: tick`, `quote`, `status`): the bytes for
 * one batch, built once and written to many clients. A client that listens for `tick` alone gets
 * exactly the ticks it always got; the others still move its last event ID along.
 */
export function eventFrames(events: readonly LoggedEvent[]): string {
  let out = '';
  for (const event of events) out += `id: ${event.id}${LF}event: ${event.kind}${LF}data: ${event.json}${LF}${LF}`;
  return out;
}

/**
 * `snapshot`: the state of each subscribed symbol that has traded (see log/symbol-state.ts), as a
 * JSON array of its entries' texts, stamped with the newest log id.
 */
export function snapshotFrame(lastId: number, states: readonly string[]): string {
  return eventFrame('snapshot', lastId, `[${states.join(',')}]`);
}

export type ResetReason = 'expired' | 'unknown' | 'history';

/**
 * `reset`: the resume point cannot be honoured; a snapshot follows. No id, so the client's stays
 * put until the snapshot's. `epoch`: the history the node holds, so a client can learn it.
 */
export function resetFrame(reason: ResetReason, oldestId: number, latestId: number, epoch: string): string {
  return eventFrame('reset', null, JSON.stringify({ reason, oldestId, latestId, epoch }));
}

/**
 * The last frame of a stream whose node has just replaced its log with another history (a follower
 * that started over): `reset` with reason `history` and an empty `id:` field, which sets the
 * client's last event ID to the empty string (§9.2.6, "If the field name is id"), so that the
 * reconnect carries no `Last-Event-ID` (§9.2.3) and gets a snapshot of the new history instead of
 * a replay that would continue old ids with new ticks. The stream ends right after it.
 */
export function historyResetFrame(oldestId: number, latestId: number, epoch: string): string {
  return `id${LF}event: reset${LF}data: ${JSON.stringify({ reason: 'history', oldestId, latestId, epoch })}${LF}${LF}`;
}

/**
 * `history`: the epoch of the history the node serves (see README, "History identity"), sent first
 * to a client that asked with `?epoch=` (a node that changes history ends its streams). No id.
 */
export function historyFrame(epoch: string): string {
  return eventFrame('history', null, JSON.stringify({ epoch }));
}

/**
 * `heartbeat`: the observable heartbeat, carrying the period so the client knows how long a silence
 * means a dead connection. An event block with data, so its blank line breaks no framing rule; no
 * `id:` line, so the client's last event ID (its resume point) stays that of the last tick.
 */
export function heartbeatFrame(periodMs: number): string {
  return eventFrame('heartbeat', null, JSON.stringify({ periodMs }));
}

/** The largest resume point we accept (the contract's 2^53). */
const MAX_EVENT_ID = 2 ** 53;

/**
 * A `Last-Event-ID` value or `lastEventId` parameter: undefined when absent, a number when it is
 * a non-negative integer up to 2^53, null when malformed (including empty).
 */
export function parseEventId(raw: string | undefined): number | undefined | null {
  if (raw === undefined) return undefined;
  // Digits only: rejects '', ' 5', '-1', '1e3', '0x10', '1.0', which Number() would accept.
  // (Node already strips the optional whitespace around a header value.)
  if (!isEventIdText(raw)) return null;
  return Number(raw);
}

/** Digits only, and at most 2^53 compared exactly (Number() would round 2^53 + 1 down to 2^53). */
export function isEventIdText(text: string): boolean {
  return /^[0-9]{1,16}$/.test(text) && BigInt(text) <= BigInt(MAX_EVENT_ID);
}

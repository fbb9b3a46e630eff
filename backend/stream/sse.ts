// Server-Sent Events framing, after the WHATWG HTML "Server-sent events" section (§9.2).
// A stream is UTF-8 lines; a blank line dispatches the event being built. We only ever emit
// `id`, `event`, `data`, `retry` fields and comment lines, and our data is JSON text, which
// JSON.stringify never spreads over several lines, so one `data:` line per event suffices.
import type { LoggedTick } from '../types.ts';

/** Reconnection delay we ask EventSource to use (the `retry` field, in ms). */
export const RETRY_MS = 3000;

/** The spec's end of line: we emit LF only, which every conforming parser accepts. */
const LF = '\n';

/** Sent first on every stream: sets the client's reconnection time. */
export const RETRY_FRAME = `retry: ${RETRY_MS}${LF}${LF}`;

/** Heartbeat: a line starting with ':' is a comment that parsers ignore, but proxies see traffic. */
export const KEEPALIVE_FRAME = `: keepalive${LF}${LF}`;

/**
 * One event. `id` sets the stream's last event ID, which the browser sends back as the
 * `Last-Event-ID` header when it reconnects; null leaves it unchanged.
 */
export function eventFrame(event: string, id: number | null, data: string): string {
  const idLine = id === null ? '' : `id: ${id}${LF}`;
  return `${idLine}event: ${event}${LF}data: ${data}${LF}${LF}`;
}

/** A run of `tick` events: the bytes for one batch, built once and written to many clients. */
export function tickFrames(ticks: readonly LoggedTick[]): string {
  let out = '';
  for (const tick of ticks) out += `id: ${tick.id}${LF}event: tick${LF}data: ${tick.json}${LF}${LF}`;
  return out;
}

/** `snapshot`: the latest tick per subscribed symbol, stamped with the newest log id. */
export function snapshotFrame(lastId: number, latest: readonly LoggedTick[]): string {
  return eventFrame('snapshot', lastId, `[${latest.map((t) => t.json).join(',')}]`);
}

export type ResetReason = 'expired' | 'unknown';

/** `reset`: the resume point cannot be honoured; a snapshot follows. No id, so the client's stays put until the snapshot's. */
export function resetFrame(reason: ResetReason, oldestId: number, latestId: number): string {
  return eventFrame('reset', null, JSON.stringify({ reason, oldestId, latestId }));
}

/** The largest resume point we accept (the contract's 2^53). */
export const MAX_EVENT_ID = 2 ** 53;

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

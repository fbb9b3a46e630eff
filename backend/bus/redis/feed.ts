// The cluster feed as it lies in Redis: one Stream (`ticktape:ticks` unless told otherwise) with
// one entry per tick, whose entry id is `${tick.id}-0` and whose fields are `s` (the symbol), `t`
// (the tick's JSON, byte for byte) and `e` (the epoch of the history it belongs to). Beside it the
// key `${stream}:epoch` names the history the stream holds: written with the first entry, checked
// by every append, so no writer can put entries of another history on top (a missing key means
// Redis has forgotten the stream). XADD only accepts ids above the stream's top, so the stream's
// own ordering rule guards the log's ids. Entries are written by the append script (scripts.ts)
// and read here and by the follower, which checks each one (parseEntry) before it can reach a log.
import type { Redis } from 'ioredis';
import { isEpoch } from '../../log/epoch.ts';
import { parseStoredEvent, type StoredEventHead } from '../../log/event-json.ts';
import type { LoggedEvent } from '../../types.ts';

export const DEFAULT_FEED_KEY = 'ticktape:ticks';

/** Ticks per append script call and per XREAD. */
export const FEED_PAGE = 1000;

/** The key beside the stream that names its history. */
export function epochKeyOf(streamKey: string): string {
  return `${streamKey}:epoch`;
}

/** The tick id of an entry id (`1042-0` → 1042). */
function entryTickId(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf('-')));
}

/**
 * new ForeignEntryError(entryId, why)
 *
 * An entry of the stream that is not an event ticktape wrote: not an event's JSON in our one
 * serialisation (log/event-json.ts), an id that differs from the entry's, no epoch. Nothing of it
 * may reach a log.
 */
export class ForeignEntryError extends Error {
  override name = 'ForeignEntryError';
  constructor(
    readonly entryId: string,
    readonly why: string,
  ) {
    super(`stream entry ${entryId} is not a ticktape event: ${why}`);
  }
}

/**
 * An event back from an entry's id and its flat field list (`['s', symbol, 't', json, 'e', epoch]`),
 * checked: the JSON must be exactly what the log would have written for an event of its kind
 * (parseStoredEvent), with the entry's id and the entry's symbol (`''` for a status event); the
 * epoch must be one. Throws ForeignEntryError otherwise.
 */
export function parseEntry(entryId: string, fields: string[]): LoggedEvent {
  let symbol: string | undefined;
  let json: string | undefined;
  let epoch: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 's') symbol = fields[i + 1];
    else if (fields[i] === 't') json = fields[i + 1];
    else if (fields[i] === 'e') epoch = fields[i + 1];
  }
  const id = entryTickId(entryId);
  const foreign = (why: string) => new ForeignEntryError(entryId, why);
  if (!/^[1-9][0-9]{0,15}-0$/.test(entryId) || !Number.isSafeInteger(id)) throw foreign('its id is not `N-0`');
  if (!isEpoch(epoch)) throw foreign('no epoch (`e`)');
  if (json === undefined || symbol === undefined) throw foreign('no `t` or `s` field');
  let head: StoredEventHead;
  try {
    head = parseStoredEvent(json);
  } catch (error) {
    throw foreign(`\`t\`: ${(error as Error).message}`);
  }
  if (head.id !== id) throw foreign(`\`t\` carries id ${head.id}`);
  if (head.symbol !== symbol) throw foreign('`t` carries another symbol than `s`');
  return { id, kind: head.kind, symbol, json, epoch };
}

export interface FeedHeadState {
  /** Newest tick id in the stream, 0 when it is empty or missing. */
  lastId: number;
  /** The history the stream holds; null when Redis has forgotten it (no epoch key). */
  epoch: string | null;
}

/** The id of the newest tick in the feed, null when the stream is empty or missing; rejects when Redis cannot be asked. */
export async function newestFeedId(conn: Redis, key: string): Promise<number | null> {
  const newest = await conn.xrevrange(key, '+', '-', 'COUNT', 1);
  return newest.length > 0 ? entryTickId(newest[0][0]) : null;
}

/** Where the feed ends and which history it holds, in one round trip; rejects when Redis cannot be asked. */
export async function feedHeadState(conn: Redis, key: string): Promise<FeedHeadState> {
  const [[newestErr, newest], [epochErr, epoch]] = (await conn.multi().xrevrange(key, '+', '-', 'COUNT', 1).get(epochKeyOf(key)).exec())! as [
    [Error | null, [string, string[]][]],
    [Error | null, string | null],
  ];
  if (newestErr || epochErr) throw newestErr ?? epochErr;
  return { lastId: newest.length > 0 ? entryTickId(newest[0][0]) : 0, epoch: epoch };
}

// The cluster feed as it lies in Redis: one Stream (`ticktape:ticks` unless told otherwise) with
// one entry per tick, whose entry id is `${tick.id}-0` and whose fields are `s` (the symbol) and
// `t` (the tick's JSON, byte for byte). XADD only accepts ids above the stream's top, so the
// stream's own ordering rule guards the log's ids. Entries are written by the append script
// (scripts.ts) and read here and by the follower.
import type { Redis } from 'ioredis';
import type { LoggedTick } from '../../types.ts';

export const DEFAULT_FEED_KEY = 'ticktape:ticks';

/** Ticks per append script call and per XREAD. */
export const FEED_PAGE = 1000;

/** The tick id of an entry id (`1042-0` → 1042). */
function entryTickId(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf('-')));
}

/** A tick back from an entry's id and its flat field list (`['s', symbol, 't', json]`). */
export function parseEntry(entryId: string, fields: string[]): LoggedTick {
  let symbol = '';
  let json = '';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 's') symbol = fields[i + 1];
    else if (fields[i] === 't') json = fields[i + 1];
  }
  return { id: entryTickId(entryId), symbol, json };
}

/** The id of the newest tick in the feed, null when the stream is empty or missing; rejects when Redis cannot be asked. */
export async function newestFeedId(conn: Redis, key: string): Promise<number | null> {
  const newest = await conn.xrevrange(key, '+', '-', 'COUNT', 1);
  return newest.length > 0 ? entryTickId(newest[0][0]) : null;
}

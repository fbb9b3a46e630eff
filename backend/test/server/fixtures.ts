// Shared by the server process tests: reading a server's log back, over HTTP or from its file.
import Database from 'better-sqlite3';
import { getJson } from '../helpers/http.ts';
import type { MarketEvent } from '../../types.ts';

/** An event without its wall-clock stamp: what the seed and the log's path determine. */
export type PathEvent = Omit<MarketEvent, 'ts'>;

export function withoutTs({ ts: _ts, ...rest }: MarketEvent): PathEvent {
  return rest;
}

/** The first `count` events of every kind of a server's log (ids 1…), through `GET /api/events` paging. */
export async function firstEvents(baseUrl: string, count: number): Promise<MarketEvent[]> {
  return eventsBetween(baseUrl, 0, count);
}

/** Events of every kind with `after` < id ≤ `upTo`, in order, paging through `GET /api/events`. */
export async function eventsBetween(baseUrl: string, after: number, upTo: number): Promise<MarketEvent[]> {
  const events: MarketEvent[] = [];
  let cursor = after;
  while (cursor < upTo) {
    const { status, body } = await getJson(`${baseUrl}/api/events?after=${cursor}&limit=${Math.min(10000, upTo - cursor)}`);
    if (status !== 200) throw new Error(`GET /api/events?after=${cursor}: ${status} ${JSON.stringify(body)}`);
    const page = body.events as MarketEvent[];
    if (page.length === 0) throw new Error(`the log ends at ${cursor}, before ${upTo}`);
    events.push(...page.filter((t) => t.id <= upTo));
    cursor = page[page.length - 1].id;
  }
  return events;
}

export interface LogFileSummary {
  count: number;
  minId: number;
  maxId: number;
  /** The stored JSON of each event, by id. */
  json: Map<number, string>;
}

/**
 * What a (stopped or killed) process left in its SQLite file, read directly with better-sqlite3
 * and read-only, so that a restart on the same file still has to do its own WAL recovery.
 */
export function readLogFile(file: string): LogFileSummary {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT COUNT(*) AS count, MIN(id) AS minId, MAX(id) AS maxId FROM ticks').get() as {
      count: number;
      minId: number | null;
      maxId: number | null;
    };
    const rows = db.prepare('SELECT id, json FROM ticks ORDER BY id').all() as { id: number; json: string }[];
    return { count: row.count, minId: row.minId ?? 0, maxId: row.maxId ?? 0, json: new Map(rows.map((r) => [r.id, r.json])) };
  } finally {
    db.close();
  }
}

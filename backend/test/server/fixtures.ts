// Shared by the server process tests: reading a server's log back, over HTTP or from its file.
import Database from 'better-sqlite3';
import { getJson } from '../helpers/http.ts';
import type { Tick } from '../../types.ts';

/** A tick without its wall-clock stamp: what the seed and the log's path determine. */
export type PathTick = Omit<Tick, 'ts'>;

export function withoutTs({ ts: _ts, ...rest }: Tick): PathTick {
  return rest;
}

/** The first `count` ticks of a server's log (ids 1…), through `GET /api/ticks` paging. */
export async function firstTicks(baseUrl: string, count: number): Promise<Tick[]> {
  return ticksBetween(baseUrl, 0, count);
}

/** Ticks with `after` < id ≤ `upTo`, in order, paging through `GET /api/ticks`. */
export async function ticksBetween(baseUrl: string, after: number, upTo: number): Promise<Tick[]> {
  const ticks: Tick[] = [];
  let cursor = after;
  while (cursor < upTo) {
    const { status, body } = await getJson(`${baseUrl}/api/ticks?after=${cursor}&limit=${Math.min(10000, upTo - cursor)}`);
    if (status !== 200) throw new Error(`GET /api/ticks?after=${cursor}: ${status} ${JSON.stringify(body)}`);
    const page = body.ticks as Tick[];
    if (page.length === 0) throw new Error(`the log ends at ${cursor}, before ${upTo}`);
    ticks.push(...page.filter((t) => t.id <= upTo));
    cursor = page[page.length - 1].id;
  }
  return ticks;
}

export interface LogFileSummary {
  count: number;
  minId: number;
  maxId: number;
  /** The stored JSON of each tick, by id. */
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

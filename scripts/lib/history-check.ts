// The promise of one history (issue 9) as a measurement, for the cluster tests and `npm run
// chaos`: every node's log (through /api/events: events of every kind) against every other under
// every id they share, and every market event (tick, quote, status) a client received against the
// logs, except events a later `reset` in the same stream took back (a node that started over on the
// cluster's history tells its clients so). Each event must also be one in the log's serialisation
// of its kind (log/event-json.ts); one that is not counts as divergent.
import { parseStoredEvent } from '../../backend/log/event-json.ts';

/** The SSE event names of market events: one id sequence across them. */
const MARKET_EVENTS: ReadonlySet<string> = new Set(['tick', 'quote', 'status']);

export interface Capture {
  /** Which node the client was connected to, for messages. */
  node: string;
  /** The client's events in arrival order (the test SSE client's `events`). */
  events: readonly { event: string; data: string }[];
}

export interface HistoryCheck {
  /** Ids compared across nodes, plus market events (of every kind) compared in client captures. */
  ticksChecked: number;
  /** One line per id served in two versions without a reset, or not as an event of its kind (must be none). */
  divergent: string[];
  /** Holes inside an unfiltered client's feed: between a snapshot or event and the next event (must be 0). */
  gaps: number;
  /** Resets the clients received. */
  resets: number;
  /** The merged history: id → JSON. */
  merged: Map<number, string>;
}

interface Health {
  lastEventId: number;
  oldestEventId: number;
}

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/** Why `text` is not an event in the log's serialisation of its kind, or null when it is one. */
function malformed(text: string): string | null {
  try {
    parseStoredEvent(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A node's whole retained log, every kind, paged through /api/events (re-serialised: the stored key order). */
async function nodeLog(url: string): Promise<Map<number, string>> {
  const h = await json<Health>(`${url}/healthz`);
  const log = new Map<number, string>();
  for (let after = Math.max(0, h.oldestEventId - 1); after < h.lastEventId; ) {
    const page = await json<{ events: { id: number }[]; next: number | null }>(`${url}/api/events?after=${after}&limit=10000`);
    for (const event of page.events) if (event.id <= h.lastEventId) log.set(event.id, JSON.stringify(event));
    if (page.events.length === 0 || page.next === null) break;
    after = page.events[page.events.length - 1].id;
  }
  return log;
}

export async function checkOneHistory(nodeUrls: string[], captures: Capture[], unfiltered = true): Promise<HistoryCheck> {
  const merged = new Map<number, string>();
  const owner = new Map<number, string>();
  const divergent: string[] = [];
  let ticksChecked = 0;
  for (const url of nodeUrls) {
    for (const [id, event] of await nodeLog(url)) {
      ticksChecked++;
      const seen = merged.get(id);
      if (seen !== undefined && seen !== event) divergent.push(`id ${id}: ${url} holds ${event}, ${owner.get(id)} holds ${seen}`);
      const problem = malformed(event);
      if (problem !== null) divergent.push(`id ${id}: ${url} holds ${event}, not an event (${problem})`);
      merged.set(id, event);
      owner.set(id, url);
    }
  }
  let gaps = 0;
  let resets = 0;
  for (const { node, events } of captures) {
    const lastReset = events.map((e) => e.event).lastIndexOf('reset');
    let previous: number | null = null;
    events.forEach((e, index) => {
      if (e.event === 'reset') {
        resets++;
        previous = null;
      } else if (e.event === 'snapshot') {
        previous = null;
      } else if (MARKET_EVENTS.has(e.event)) {
        const event = JSON.parse(e.data) as { id: number; kind?: string };
        if (unfiltered && previous !== null && event.id !== previous + 1) gaps++;
        previous = event.id;
        if (index < lastReset) return;
        ticksChecked++;
        const problem = event.kind === e.event ? malformed(e.data) : `sent as \`event: ${e.event}\` with kind ${String(event.kind)}`;
        if (problem !== null) divergent.push(`a client of ${node} received id ${event.id} as ${e.data}: not an event (${problem})`);
        const held = merged.get(event.id);
        if (held !== undefined && held !== JSON.stringify(event)) {
          divergent.push(`a client of ${node} received id ${event.id} as ${e.data}, the logs hold ${held}, and no reset followed`);
        }
      }
    });
  }
  return { ticksChecked, divergent, gaps, resets, merged };
}

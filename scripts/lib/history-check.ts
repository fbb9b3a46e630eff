// The promise of one history (issue 9) as a measurement, for the cluster tests and `npm run
// chaos`: every node's log (through /api/ticks) against every other under every id they share,
// and every tick a client received against the logs, except ticks a later `reset` in the same
// stream took back (a node that started over on the cluster's history tells its clients so).

export interface Capture {
  /** Which node the client was connected to, for messages. */
  node: string;
  /** The client's events in arrival order (the test SSE client's `events`). */
  events: readonly { event: string; data: string }[];
}

export interface HistoryCheck {
  /** Ids compared across nodes, plus ticks compared in client captures. */
  ticksChecked: number;
  /** One line per id served in two versions without a reset (must be none). */
  divergent: string[];
  /** Holes inside an unfiltered client's feed: between a snapshot or tick and the next tick (must be 0). */
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

/** A node's whole retained log, paged through /api/ticks (re-serialised: the stored key order). */
async function nodeLog(url: string): Promise<Map<number, string>> {
  const h = await json<Health>(`${url}/healthz`);
  const log = new Map<number, string>();
  for (let after = Math.max(0, h.oldestEventId - 1); after < h.lastEventId; ) {
    const page = await json<{ ticks: { id: number }[]; next: number | null }>(`${url}/api/ticks?after=${after}&limit=10000`);
    for (const tick of page.ticks) if (tick.id <= h.lastEventId) log.set(tick.id, JSON.stringify(tick));
    if (page.ticks.length === 0 || page.next === null) break;
    after = page.ticks[page.ticks.length - 1].id;
  }
  return log;
}

export async function checkOneHistory(nodeUrls: string[], captures: Capture[], unfiltered = true): Promise<HistoryCheck> {
  const merged = new Map<number, string>();
  const owner = new Map<number, string>();
  const divergent: string[] = [];
  let ticksChecked = 0;
  for (const url of nodeUrls) {
    for (const [id, tick] of await nodeLog(url)) {
      ticksChecked++;
      const seen = merged.get(id);
      if (seen !== undefined && seen !== tick) divergent.push(`id ${id}: ${url} holds ${tick}, ${owner.get(id)} holds ${seen}`);
      merged.set(id, tick);
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
      } else if (e.event === 'tick') {
        const tick = JSON.parse(e.data) as { id: number };
        if (unfiltered && previous !== null && tick.id !== previous + 1) gaps++;
        previous = tick.id;
        if (index < lastReset) return;
        ticksChecked++;
        const held = merged.get(tick.id);
        if (held !== undefined && held !== JSON.stringify(tick)) {
          divergent.push(`a client of ${node} received id ${tick.id} as ${e.data}, the logs hold ${held}, and no reset followed`);
        }
      }
    });
  }
  return { ticksChecked, divergent, gaps, resets, merged };
}

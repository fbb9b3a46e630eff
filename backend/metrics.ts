// Prometheus metrics, one registry per server (two servers in one process must not share
// counters). Values are read from each module's own counters at scrape time, so the hot paths
// (per tick, per client) only bump plain numbers; the two metrics observed as things happen are
// per batch (write latency) and per HTTP request, never per client.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Bus } from './bus/bus.ts';
import type { Conflicts } from './cluster/conflicts.ts';
import type { EventLog } from './log/event-log.ts';
import type { Hub } from './stream/hub.ts';
import type { LoggedEvent, MarketEventKind } from './types.ts';

export interface MetricsSources {
  log: EventLog;
  hub: Hub;
  bus: Bus;
  /** Events generated and committed by this process, per kind. */
  generated: () => Readonly<Record<MarketEventKind, number>>;
  generating: () => boolean;
  /** Observed as batches are broadcast, so made before the registry (see writeLatencyMetric). */
  writeLatency: WriteLatency;
  /** Absent: no conflict is ever reported (the metrics read 0). */
  conflicts?: Conflicts;
  /** Connections refused by the limits, by reason (http/connection-limits.ts). */
  refused?: () => Record<string, number>;
}

export function createMetrics(sources: MetricsSources): Registry {
  const registry = new Registry();
  // Under prom-client's own names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, …),
  // the ones standard Node.js dashboards query: no prefix.
  collectDefaultMetrics({ register: registry });
  const { log, hub, bus } = sources;
  const registers = [registry];

  // A counter whose value lives elsewhere: set it to the source's running total on each scrape.
  const mirrored = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });

  // Ticks keep their own counter, as before event kinds: a dashboard of trades reads on unchanged.
  mirrored('ticktape_ticks_generated_total', 'Ticks (trade prints) this process generated and committed.', () => sources.generated().tick);
  new Counter({
    name: 'ticktape_events_generated_total',
    help: 'Market events this process generated and committed, by kind (tick, quote, status).',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(sources.generated())) this.inc({ kind }, count);
    },
  });
  gauge('ticktape_generating', '1 while this process generates ticks (not paused, holding the role).', () => (sources.generating() ? 1 : 0));
  mirrored('ticktape_events_delivered_total', 'Market events (ticks, quotes, status) written to SSE clients, once per client.', () => hub.stats().delivered);
  mirrored('ticktape_replayed_events_total', 'Market events replayed from the log to resuming clients.', () => hub.stats().replayed);
  mirrored('ticktape_slow_client_disconnects_total', 'SSE clients cut off because their unsent output passed the cap.', () => hub.stats().slowDisconnects);
  gauge('ticktape_stream_clients', 'Connected SSE clients.', () => hub.stats().clients);
  gauge('ticktape_bus_up', '1 while the bus can replicate (always 1 for the in-process bus), 0 while Redis is down.', () =>
    bus.state() === 'down' ? 0 : 1,
  );
  mirrored('ticktape_bus_published_total', 'Ticks confirmed replicated through the bus.', () => bus.stats().published);
  mirrored('ticktape_bus_publish_errors_total', 'Failed attempts to replicate a batch (retried; nothing is dropped).', () => bus.stats().publishErrors);
  gauge('ticktape_log_events', 'Events retained in the log.', () => safe(() => log.stats().count));
  gauge('ticktape_log_oldest_id', 'Oldest retained event id.', () => safe(() => log.oldestId()));
  gauge('ticktape_log_last_id', 'Newest event id.', () => safe(() => log.lastId()));
  gauge('ticktape_log_bytes', 'Size of the SQLite database and WAL files.', () => safe(() => log.stats().bytes));
  gauge('ticktape_log_healthy', '1 while the log answers, 0 after a storage error.', () => (log.healthy() ? 1 : 0));
  mirrored('ticktape_log_append_errors_total', 'Appends to the log that failed and were rolled back (a failing node is degraded in /healthz).', () => log.appendErrors().total);
  const conflicts = sources.conflicts;
  gauge('ticktape_history_conflict', '1 while this node has an open conflict with the cluster\'s history (see /healthz `conflict`), else 0.', () =>
    conflicts?.current() ? 1 : 0,
  );
  mirrored('ticktape_history_conflicts_total', 'Conflicts with the cluster\'s history found (a foreign stream entry, another generator, another history), each episode once.', () =>
    conflicts?.total() ?? 0,
  );
  const refused = sources.refused;
  if (refused) {
    new Counter({
      name: 'ticktape_connections_refused_total',
      help: 'Connections refused by the limits: max_clients (503), max_clients_per_ip (429), max_connections (socket closed unanswered), accept_error.',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        this.reset();
        for (const [reason, count] of Object.entries(refused())) this.inc({ reason }, count);
      },
    });
  }
  registry.registerMetric(sources.writeLatency.histogram);
  return registry;
}

/** A scrape must not fail because the log did: report NaN for what cannot be read. */
function safe(read: () => number): number {
  try {
    return read();
  } catch {
    return Number.NaN;
  }
}

/**
 * Upper bounds, in seconds, of the write-latency buckets: a node that generates writes within a
 * millisecond or two of the commit; an edge adds the hop through Redis (milliseconds); seconds mean
 * an overloaded node or a follower catching up.
 */
export const WRITE_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface WriteLatency {
  observe(batch: readonly LoggedEvent[]): void;
  /** Registered by createMetrics. */
  readonly histogram: Histogram;
}

/**
 * `ticktape_tick_write_latency_seconds`: from a batch's `ts` (stamped on the generator as it
 * commits and publishes the batch) to the moment this node has written it to its live SSE clients.
 * `observe` once per batch that reached at least one client. A follower's batch may span several
 * generator batches: its first (oldest) tick is measured. `now` is the clock `ts` came from; a
 * generator's clock ahead of this node's counts as 0, not negative.
 */
export function writeLatencyMetric(now: () => number): WriteLatency {
  const histogram = new Histogram({
    name: 'ticktape_tick_write_latency_seconds',
    help: "Seconds from a tick's ts (commit and publish on the generator) to its batch's write to this node's SSE clients; one observation per batch.",
    buckets: WRITE_LATENCY_BUCKETS,
    registers: [],
  });
  return {
    histogram,
    observe(batch) {
      if (batch.length === 0) return;
      const { ts } = JSON.parse(batch[0].json) as { ts: number };
      histogram.observe(Math.max(0, now() - ts) / 1000);
    },
  };
}

/** Counts one answered HTTP request: `route` is the matched route pattern, never the raw path. */
export type RequestCounter = (route: string, method: string, status: number) => void;

/** `ticktape_http_requests_total{route,method,status}`. */
export function requestCounterMetric(registry: Registry): RequestCounter {
  const counter = new Counter({
    name: 'ticktape_http_requests_total',
    help: 'HTTP requests answered, by route pattern (or "unmatched"), method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  return (route, method, status) => counter.inc({ route, method, status });
}

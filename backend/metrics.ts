// Prometheus metrics, one registry per server (two servers in one process must not share
// counters). Values are read from each module's own counters at scrape time, so the hot paths
// (per tick, per client) only bump plain numbers.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Bus } from './bus/bus.ts';
import type { EventLog } from './log/types.ts';
import type { Hub } from './stream/hub.ts';

export interface MetricsSources {
  log: EventLog;
  hub: Hub;
  bus: Bus;
  generated: () => number;
  generating: () => boolean;
}

export function createMetrics(sources: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ticktape_process_' });
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

  mirrored('ticktape_ticks_generated_total', 'Ticks this process generated and committed.', sources.generated);
  gauge('ticktape_generating', '1 while this process generates ticks (not paused, holding the role).', () => (sources.generating() ? 1 : 0));
  mirrored('ticktape_events_delivered_total', 'Tick events written to SSE clients (once per client).', () => hub.stats().delivered);
  mirrored('ticktape_replayed_events_total', 'Tick events replayed from the log to resuming clients.', () => hub.stats().replayed);
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

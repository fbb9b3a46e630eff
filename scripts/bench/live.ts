// One live-feed measurement shared by the fan-out and latency benchmarks: a server child generating
// every `interval` ms (the 12 built-in symbols), SSE clients on loopback, a warm-up, then a fixed
// window over which we read the server's log head, the CPU of every process, and what the clients
// received. Counting clients live in this process; latency probes in a child of their own, half
// connected before the counting clients and half after, so they see both ends of the fan-out order.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { processCpuSeconds, spawnBenchProcess } from './processes.ts';
import { startServerChild, type ServerChild } from './server-child.ts';
import { openCounter, type SseCounter } from './sse-counter.ts';
import { machineBusySeconds, sleep } from './report.ts';

/** Connections opened at once: stays under the listen backlog (511) so no SYN is retried. */
const CONNECT_WAVE = 100;
const READY_TIMEOUT_MS = 30_000;
const WARMUP_MS = 1000;
/**
 * The event bound at which a batch averages 12 events (a budget of 18: a rotating window of 6
 * symbols, each a quote, a trade and a quote when its quote moved and it traded), as model 1 made
 * one tick per built-in symbol: the fan-out writes once per client and batch, so per-event figures
 * only compare with the ones taken before event kinds (README, "Benchmarks") at equal batch sizes.
 */
const EVENTS_PER_SECOND = (intervalMs: number) => Math.round((18 * 1000) / intervalMs);

export interface LiveOptions {
  /** Every SSE client, probes included. */
  clients: number;
  intervalMs: number;
  windowMs: number;
  /** How many of the clients are latency probes (in their own process). */
  probes: number;
}

export interface LiveResult {
  clients: number;
  seconds: number;
  /** Ticks committed to the log in the window. */
  generated: number;
  /** Tick events received by all clients in the window (no heartbeat; the snapshot came before). */
  delivered: number;
  /** Bytes received by the counting clients. */
  bytes: number;
  serverCpuSeconds: number;
  /** This process (the counting clients) plus the probe process. */
  clientCpuSeconds: number;
  /** CPU seconds the whole machine spent (all processes). */
  machineCpuSeconds: number;
  /** Counting clients whose stream ended during the run (e.g. cut off as too slow). */
  dropped: number;
  slowDisconnects: number;
  /** ms from tick.ts to receipt, per probe in connection order (the first half before the counting clients). */
  latencies: number[][];
  serverRss: number;
}

export async function measureLive(options: LiveOptions): Promise<LiveResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticktape-bench-live-'));
  let server: ServerChild | null = null;
  let probes: ProbeChild | null = null;
  const counters: SseCounter[] = [];
  try {
    server = await startServerChild({ db: path.join(dir, 'ticks.db'), interval: options.intervalMs, seed: 1, heartbeat: 600_000, 'max-clients-per-ip': 0, 'max-events-per-second': EVENTS_PER_SECOND(options.intervalMs) });
    // Connect while generation is paused: a saturating fan-out starves accept (a wave of 100
    // connections took seconds with 900 clients live), which would only lengthen the run.
    await server.admin('pause');
    const url = `${server.url}/stream`;
    if (options.probes > 0) {
      probes = startProbeChild(url);
      await probes.send(`connect ${Math.ceil(options.probes / 2)}`);
    }
    const counting = options.clients - options.probes;
    for (let first = 0; first < counting; first += CONNECT_WAVE) {
      const wave = Array.from({ length: Math.min(CONNECT_WAVE, counting - first) }, () => openCounter(url));
      counters.push(...(await Promise.all(wave)));
    }
    // The snapshot (its block opens with the retry line) received: the client is live.
    await Promise.all(counters.map((c) => c.waitFrames(1, READY_TIMEOUT_MS)));
    if (probes && options.probes > 1) await probes.send(`connect ${Math.floor(options.probes / 2)}`);
    await server.admin('resume');
    await sleep(WARMUP_MS);

    const before = await sample(server, probes, counters);
    await probes?.send('start');
    await sleep(options.windowMs);
    const after = await sample(server, probes, counters);
    const latencies = probes ? (JSON.parse(await probes.send('stop')) as { latencies: number[][] }).latencies : [];

    return {
      clients: options.clients,
      seconds: (after.at - before.at) / 1000,
      generated: after.lastId - before.lastId,
      delivered: after.frames - before.frames + latencies.reduce((sum, l) => sum + l.length, 0),
      bytes: after.bytes - before.bytes,
      serverCpuSeconds: after.serverCpu - before.serverCpu,
      clientCpuSeconds: after.clientCpu - before.clientCpu,
      machineCpuSeconds: after.machineCpu - before.machineCpu,
      dropped: counters.filter((c) => c.closed).length,
      slowDisconnects: await server.metric('ticktape_slow_client_disconnects_total'),
      latencies,
      serverRss: server.memory().rss,
    };
  } finally {
    for (const c of counters) c.close();
    probes?.kill();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU used by processes other than the server and the clients, in % of one core. */
export function otherCpuPercent(r: LiveResult): number {
  return (100 * Math.max(0, r.machineCpuSeconds - r.serverCpuSeconds - r.clientCpuSeconds)) / r.seconds;
}

async function sample(server: ServerChild, probes: ProbeChild | null, counters: SseCounter[]) {
  const { lastEventId } = await server.json<{ lastEventId: number }>('/healthz');
  const cpu = process.cpuUsage();
  let frames = 0;
  let bytes = 0;
  for (const c of counters) {
    frames += c.frames;
    bytes += c.bytes;
  }
  return {
    at: performance.now(),
    lastId: lastEventId,
    frames,
    bytes,
    serverCpu: server.cpuSeconds(),
    clientCpu: (cpu.user + cpu.system) / 1e6 + (probes?.cpuSeconds() ?? 0),
    machineCpu: machineBusySeconds(),
  };
}

interface ProbeChild {
  /** Send a command line to scripts/bench/probe-process.ts and resolve with its answer line. */
  send(command: string): Promise<string>;
  cpuSeconds(): number;
  kill(): void;
}

function startProbeChild(url: string): ProbeChild {
  const child: ChildProcess = spawnBenchProcess('probe-process.ts', [url]);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async send(command) {
      child.stdin!.write(command + '\n');
      const answer = await Promise.race([
        lines.next(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`probe process: no answer to ${command}\n${stderr}`)), READY_TIMEOUT_MS).unref()),
      ]);
      if (answer.done) throw new Error(`probe process exited during ${command}\n${stderr}`);
      return answer.value;
    },
    cpuSeconds: () => (child.exitCode === null ? processCpuSeconds(child.pid!) : 0),
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

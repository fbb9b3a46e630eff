// Latency probes in a process of their own, so what they measure is the server and the network,
// not the time this benchmark's other clients spend in a shared event loop. Driven by lines on
// stdin, answering on stdout:
//   connect N   open N more probe connections to URL, wait for their snapshots   -> "connected"
//   start       record receipt time − ts for every tick from now on               -> "started"
//   stop        stop recording; one JSON line: latencies per probe, in connection order, then exit
//
// usage: node --import tsx scripts/bench/probe-process.ts URL
import readline from 'node:readline';
import { openCounter, type SseCounter } from './sse-counter.ts';

const url = process.argv[2];
const probes: SseCounter[] = [];

for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'connect') {
    const opened = await Promise.all(Array.from({ length: Number(arg) }, () => openCounter(url, { probe: true })));
    // The snapshot (its block opens with the retry line): live.
    await Promise.all(opened.map((probe) => probe.waitFrames(1, 30_000)));
    probes.push(...opened);
    process.stdout.write('connected\n');
  } else if (command === 'start') {
    for (const probe of probes) probe.recording = true;
    process.stdout.write('started\n');
  } else if (command === 'stop') {
    for (const probe of probes) probe.recording = false;
    for (const probe of probes) probe.close();
    const latencies = probes.map((probe) => probe.latencies.map((ms) => Math.round(ms * 100) / 100));
    // stdout to a pipe is asynchronous: exit only once the line is out.
    process.stdout.write(JSON.stringify({ latencies }) + '\n', () => process.exit(0));
  }
}

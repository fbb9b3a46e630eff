// `npm run chaos -- --minutes N`: the failure scenarios of issue 9 in rotation, each with real
// ticktape processes, a real redis-server and SSE clients attached, checked after every run for
// the promise of one history (scripts/lib/history-check.ts). Prints one row per scenario: runs,
// events checked (every kind), divergent ids served without a reset (must be 0), gaps (must be 0), resets the
// clients got, and the highest RSS of any node. Exits 1 if any run broke the promise or failed.
//
//   npm run chaos -- --minutes 20      rotation until 20 minutes have passed (each scenario once at least)
//   npm run chaos -- --runs 1          each scenario once (CI's short version)
//
// The limits scenarios add a column: requests refused with 503/429 (connection flood).
import fs from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';
import { waitUntil } from './lib/http.ts';
import { startChildServer, stopChild, type ChildServer } from './lib/process.ts';
import { connectSse, MARKET_EVENT_NAMES, type SseConnection } from './lib/sse-client.ts';
import { startTestServer, tempDir } from './lib/server.ts';
import { startRedis, type RedisHandle } from './lib/redis-server.ts';
import { checkOneHistory, type Capture } from './lib/history-check.ts';
import { flushWhileLeaderStopped, hold, killLeaderDuringWriteStall } from './lib/faults.ts';
import { machineLine, table, int, mib } from './bench/report.ts';

const SYMBOLS = 'AAPL,MSFT,NVDA,TSLA';
const STREAM_KEY = 'ticktape:ticks';

interface Scene {
  redis: RedisHandle;
  children: ChildServer[];
  /** Every client feed checked against the logs at the end. */
  captures: Capture[];
  /** Run at the end of the run, whatever happened: close connections, stop in-process servers. */
  cleanup: (() => unknown)[];
  /** The nodes whose logs must agree at the end. */
  nodes: () => string[];
  /** Highest VmHWM seen (bytes). */
  maxRss: number;
  /** Requests the node refused with 503 or 429 (connection flood). */
  refused: number;
}

/** The length of a fault (how long a process stays stopped): part of the scenario, not a wait. */

const health = async (url: string) => (await (await fetch(`${url}/healthz`)).json()) as { lastEventId: number; generating: boolean; status: string };

function rssOf(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function node(scene: Scene, args: string[]): Promise<ChildServer> {
  const child = await startChildServer(['--port', '0', '--redis', scene.redis.url, '--symbols', SYMBOLS, ...args]);
  scene.children.push(child);
  return child;
}

async function client(scene: Scene, url: string, name: string, localAddress?: string): Promise<SseConnection> {
  const conn = await connectSse(`${url}/stream?lastEventId=0`, {}, { localAddress });
  scene.captures.push({ node: name, events: conn.events });
  scene.cleanup.push(() => conn.close());
  return conn;
}

const simulator = (scene: Scene) => node(scene, ['--role', 'simulator', '--interval', '20', '--db', `${tempDir('ticktape-chaos-')}/t.db`]);
const edge = (scene: Scene) => node(scene, ['--role', 'edge', '--db', `${tempDir('ticktape-chaos-')}/t.db`]);

async function oneGenerator(nodes: ChildServer[]): Promise<ChildServer> {
  return waitUntil(async () => {
    const states = await Promise.all(nodes.map(async (n) => (await health(n.url)).generating));
    return states.filter(Boolean).length === 1 ? nodes[states.indexOf(true)] : undefined;
  }, 'one generator', 30_000);
}

async function allAt(urls: string[], id: number): Promise<void> {
  for (const url of urls) await waitUntil(async () => (await health(url)).lastEventId >= id || undefined, `${url} at ${id}`, 30_000);
}

const SCENARIOS: Record<string, (scene: Scene) => Promise<void>> = {
  // FLUSHALL while the standby lags and the leader is stopped: the standby finds the stream first.
  'flushall, lagging standby': (scene) =>
    laggingStandby(scene, (leader, standby) => flushWhileLeaderStopped(scene.redis.url, leader, standby)),

  // Redis restarted empty while the standby lags (SIGSTOP 2 s, restart 1 s in).
  'redis restart empty, lagging standby': (scene) =>
    laggingStandby(scene, async (_leader, standby) => {
      await scene.redis.restart();
      await hold(1000);
      standby.kill('SIGCONT');
    }),

  // The leader is killed while Redis stalls writes, then restarted on its log.
  async 'leader kill -9 during write stall'(scene) {
    const dbs = [`${tempDir('ticktape-chaos-')}/a.db`, `${tempDir('ticktape-chaos-')}/b.db`];
    const args = (db: string) => ['--role', 'simulator', '--interval', '20', '--db', db];
    const sims = [await node(scene, args(dbs[0])), await node(scene, args(dbs[1]))];
    const e = await edge(scene);
    await client(scene, e.url, 'edge');
    const leader = await oneGenerator(sims);
    const standby = sims.find((n) => n !== leader)!;
    await allAt([leader.url], 100);
    await killLeaderDuringWriteStall(scene.redis.url, leader, () => {
      scene.maxRss = Math.max(scene.maxRss, rssOf(leader.pid));
    });
    const restarted = await node(scene, args(dbs[sims.indexOf(leader)]));
    scene.nodes = () => [restarted, standby, e].map((n) => n.url);
    await allAt(scene.nodes(), (await health(standby.url)).lastEventId);
  },

  // Two `--role all` nodes on one stream; the second starts while Redis is frozen, with clients.
  async 'two all generators'(scene) {
    const first = await node(scene, ['--interval', '20', '--db', `${tempDir('ticktape-chaos-')}/a.db`]);
    await client(scene, first.url, 'first');
    await allAt([first.url], 30);
    process.kill(scene.redis.pid, 'SIGSTOP');
    let second: ChildServer;
    try {
      second = await node(scene, ['--interval', '20', '--db', `${tempDir('ticktape-chaos-')}/b.db`]);
      const conn = await client(scene, second.url, 'second');
      await conn.waitForCount((e) => MARKET_EVENT_NAMES.has(e.event), 10);
    } finally {
      process.kill(scene.redis.pid, 'SIGCONT');
    }
    scene.nodes = () => [first.url, second.url];
    await waitUntil(async () => (await health(second.url)).status === 'conflict' || undefined, 'the conflict', 30_000);
    await allAt([second.url], (await health(first.url)).lastEventId);
  },

  // A smuggled entry (SSE framing in a tick's JSON) right after the stream's top.
  async 'foreign stream entry'(scene) {
    const all = await node(scene, ['--interval', '20', '--db', `${tempDir('ticktape-chaos-')}/a.db`]);
    const e = await edge(scene);
    scene.nodes = () => [all.url, e.url];
    await client(scene, e.url, 'edge');
    await allAt([e.url], 30);
    const raw = new Redis(scene.redis.url);
    try {
      const epoch = (await raw.get(`${STREAM_KEY}:epoch`))!;
      await raw.eval(
        `local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1][1]
         local id = tonumber(string.match(top, '^(%d+)')) + 1
         redis.call('XADD', KEYS[1], id .. '-0', 's', 'AAPL', 't', '{"id":' .. id .. '}\\n\\nevent: reset\\ndata: {}\\n\\nid: 999999\\nevent: tick\\ndata: {}', 'e', ARGV[1])
         return id`,
        1,
        STREAM_KEY,
        epoch,
      );
    } finally {
      raw.disconnect();
    }
    await waitUntil(async () => (await health(e.url)).status === 'conflict' || undefined, 'the edge to report it', 30_000);
  },

  // kill -9 of the generator, three times, restarted on its log each time; clients on an edge.
  async 'all kill -9 loop'(scene) {
    await kill9Loop(scene, []);
  },
  async 'all kill -9 loop, --retention 2000'(scene) {
    await kill9Loop(scene, ['--retention', '2000']);
  },

  'connection flood': connectionFlood,
  'slow readers': slowReaders,
};

const FLOOD = { maxClients: 40, maxClientsPerIp: 5, addresses: 20, ssePerAddress: 8, rawPerAddress: 4 };

/** A raw socket that sends a `/stream` request and reads no further than the status line. */
function rawStream(url: string, localAddress: string): Promise<{ status: number; socket: net.Socket }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port), localAddress }, () => {
      socket.write(`GET /stream HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    let head = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      head += chunk;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) {
        socket.removeAllListeners('data');
        socket.pause(); // a stream it was admitted to is held open and never read: part of the flood
        resolve({ status: Number(match[1]), socket });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`raw socket from ${localAddress} closed before a status line`)));
  });
}

/**
 * A node with small limits and four clients attached (each from its own address), then a flood
 * of SSE requests and raw `/stream` sockets from 20 other 127.0.0.x addresses, held open, past
 * both limits; `/healthz` must answer while they are held, and every refusal be a 503 or 429.
 */
async function connectionFlood(scene: Scene): Promise<void> {
  const n = await node(scene, ['--interval', '10', '--db', `${tempDir('ticktape-chaos-')}/a.db`, '--max-clients', String(FLOOD.maxClients), '--max-clients-per-ip', String(FLOOD.maxClientsPerIp)]);
  scene.nodes = () => [n.url];
  const attached = [];
  for (let i = 0; i < 4; i++) attached.push(await client(scene, n.url, `client ${i}`, `127.0.0.${2 + i}`));
  await allAt([n.url], 50);
  const statuses: number[] = [];
  // In waves of five addresses (60 requests at once): admitted streams plus one wave in flight stay
  // under the socket cap (--max-clients + 64), past which the node can only drop a connection
  // unanswered; a refused request's socket is closed at once, as a client that gave up would.
  for (let wave = 0; wave < FLOOD.addresses / 5; wave++) {
    const attempts: Promise<unknown>[] = [];
    for (let a = wave * 5; a < wave * 5 + 5; a++) {
      const localAddress = `127.0.0.${10 + a}`;
      for (let i = 0; i < FLOOD.ssePerAddress; i++) {
        attempts.push(
          // Connection: close, so the agent never reuses a refused request's socket for the next one.
          connectSse(`${n.url}/stream`, { Connection: 'close' }, { localAddress }).then((conn) => {
            if (conn.status === 200) {
              conn.pause(); // admitted: held open and never read
              scene.cleanup.push(() => conn.close());
            } else conn.close();
            statuses.push(conn.status);
          }),
        );
      }
      for (let i = 0; i < FLOOD.rawPerAddress; i++) {
        attempts.push(
          rawStream(n.url, localAddress).then(({ status, socket }) => {
            if (status === 200) scene.cleanup.push(() => socket.destroy());
            else socket.destroy();
            statuses.push(status);
          }),
        );
      }
    }
    // While the wave is in flight, and the streams are at their limit: health checks still answer.
    const [h] = await Promise.all([health(n.url), ...attempts]);
    if (h.status !== 'ok') throw new Error(`/healthz during the flood: ${JSON.stringify(h)}`);
    scene.maxRss = Math.max(scene.maxRss, rssOf(n.pid));
  }
  const unexpected = statuses.filter((s) => s !== 200 && s !== 503 && s !== 429);
  if (unexpected.length > 0) throw new Error(`flood answers other than 200/503/429: ${unexpected.join(', ')}`);
  scene.refused += statuses.filter((s) => s === 503 || s === 429).length;
  if (statuses.filter((s) => s === 200).length + attached.length > FLOOD.maxClients) throw new Error('more streams admitted than --max-clients');
  if (!statuses.includes(503) || !statuses.includes(429)) throw new Error(`the flood did not meet both limits: ${statuses.join(',')}`);
  // The attached clients keep receiving while the flood is held.
  const target = (await health(n.url)).lastEventId + 100;
  for (const conn of attached) await conn.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.lastEventId) >= target, 30_000, `event ${target}`);
}

/** The per-client buffer cap of the in-process node (small, so kernel buffers fill quickly; the mechanism is the one at 1 MiB). */
const SLOW_CAP_BYTES = 64 * 1024;

/**
 * Clients that stop reading while events flow every 2 ms are cut off at the cap; two reading
 * clients keep every event; each cut-off client resumes with its last id and gets exactly the log
 * (its capture is the two connections' events end to end, checked for gaps like any other).
 * The node runs in this process (the cap is a server option, not a flag): its RSS is this process's.
 */
async function slowReaders(scene: Scene): Promise<void> {
  // 9000 events/s at 2 ms: about 12 events a batch, enough bytes to fill a stalled client's buffer quickly.
  const server = await startTestServer(
    { interval: 2, 'max-events-per-second': 9000, symbols: SYMBOLS, redis: scene.redis.url },
    { maxClientBufferBytes: SLOW_CAP_BYTES },
  );
  scene.cleanup.push(() => server.close());
  scene.nodes = () => [server.url];
  for (let i = 0; i < 2; i++) await client(scene, server.url, `reader ${i}`);
  const stalled: SseConnection[] = [];
  for (let i = 0; i < 3; i++) {
    const conn = await connectSse(`${server.url}/stream?lastEventId=0`);
    scene.cleanup.push(() => conn.close());
    conn.pause();
    stalled.push(conn);
  }
  const slowDisconnects = async () => Number(/^ticktape_slow_client_disconnects_total (\d+)/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
  await waitUntil(async () => (await slowDisconnects()) >= stalled.length || undefined, 'the stalled clients to be cut off', 60_000);
  scene.maxRss = Math.max(scene.maxRss, process.memoryUsage.rss());
  for (const conn of stalled) {
    conn.resume();
    await conn.ended;
    const last = conn.events.at(-1)?.lastEventId ?? '0';
    const resumed = await connectSse(`${server.url}/stream`, { 'Last-Event-ID': last });
    scene.cleanup.push(() => resumed.close());
    const target = (await health(server.url)).lastEventId;
    await resumed.waitFor((e) => MARKET_EVENT_NAMES.has(e.event) && Number(e.lastEventId) >= target, 30_000, `event ${target}`);
    if (resumed.events.some((e) => e.event === 'reset')) throw new Error(`a cut-off client resuming at ${last} got a reset`);
    scene.captures.push({ node: 'a cut-off client, resumed', events: [...conn.events, ...resumed.events] });
  }
  scene.maxRss = Math.max(scene.maxRss, process.memoryUsage.rss());
}

/**
 * Two simulators and an edge with a client; the standby is stopped (it lags), and 1 s later
 * `fault` runs (it resumes the standby); then the cluster must settle on one generator.
 */
async function laggingStandby(scene: Scene, fault: (leader: ChildServer, standby: ChildServer) => Promise<void>): Promise<void> {
  const sims = [await simulator(scene), await simulator(scene)];
  const e = await edge(scene);
  scene.nodes = () => [...sims, e].map((n) => n.url);
  await client(scene, e.url, 'edge');
  const leader = await oneGenerator(sims);
  const standby = sims.find((n) => n !== leader)!;
  await allAt([leader.url], 100);
  standby.kill('SIGSTOP');
  await hold(1000);
  await fault(leader, standby);
  await oneGenerator(sims);
  await allAt(scene.nodes(), (await health(leader.url)).lastEventId + 200);
}

async function kill9Loop(scene: Scene, extra: string[]): Promise<void> {
  const db = `${tempDir('ticktape-chaos-')}/all.db`;
  const args = ['--interval', '5', '--db', db, ...extra];
  let all = await node(scene, args);
  const e = await edge(scene);
  await client(scene, e.url, 'edge');
  for (let i = 0; i < 3; i++) {
    await allAt([all.url], (await health(all.url)).lastEventId + 300);
    scene.maxRss = Math.max(scene.maxRss, rssOf(all.pid));
    all.kill('SIGKILL');
    await all.exited;
    all = await node(scene, args);
  }
  const generator = all;
  scene.nodes = () => [generator.url, e.url];
  await allAt(scene.nodes(), (await health(generator.url)).lastEventId + 100);
}

interface Row {
  runs: number;
  failed: number;
  ticks: number;
  divergent: number;
  gaps: number;
  resets: number;
  maxRss: number;
  refused: number;
}

function parseArgs(argv: string[]): { minutes: number; runs: number | null; only: string[] } {
  let minutes = 0;
  let runs: number | null = null;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--minutes') minutes = Number(argv[++i]);
    else if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] === '--only') only.push(argv[++i]);
    else {
      console.error(`chaos: unknown argument ${argv[i]}; use --minutes N, --runs N, --only SCENARIO`);
      process.exit(2);
    }
  }
  if (!(minutes >= 0) || (runs !== null && !(runs >= 1))) {
    console.error('chaos: --minutes must be a number >= 0 and --runs an integer >= 1');
    process.exit(2);
  }
  if (runs === null && minutes === 0) runs = 1;
  return { minutes, runs, only };
}

async function runOnce(name: string, row: Row): Promise<void> {
  const redis = await startRedis();
  const scene: Scene = { redis, children: [], captures: [], cleanup: [], nodes: () => [], maxRss: 0, refused: 0 };
  try {
    await SCENARIOS[name](scene);
    const check = await checkOneHistory(scene.nodes(), scene.captures);
    row.ticks += check.ticksChecked;
    row.divergent += check.divergent.length;
    row.gaps += check.gaps;
    row.resets += check.resets;
    for (const line of check.divergent.slice(0, 3)) console.error(`  ${name}: ${line}`);
  } catch (err) {
    row.failed++;
    console.error(`  ${name}: run failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  } finally {
    for (const child of scene.children) {
      child.kill('SIGCONT');
      scene.maxRss = Math.max(scene.maxRss, rssOf(child.pid));
    }
    for (const step of scene.cleanup) await step();
    await Promise.all(scene.children.map((child) => stopChild(child)));
    await redis.stop();
    row.runs++;
    row.maxRss = Math.max(row.maxRss, scene.maxRss);
    row.refused += scene.refused;
  }
}

const { minutes, runs, only } = parseArgs(process.argv.slice(2));
const names = only.length > 0 ? only : Object.keys(SCENARIOS);
for (const name of names) {
  if (!(name in SCENARIOS)) {
    console.error(`chaos: unknown scenario ${name}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
}
console.log(machineLine());
const rows = new Map(names.map((name) => [name, { runs: 0, failed: 0, ticks: 0, divergent: 0, gaps: 0, resets: 0, maxRss: 0, refused: 0 } as Row]));
const deadline = Date.now() + minutes * 60_000;
for (let round = 0; runs !== null ? round < runs : round === 0 || Date.now() < deadline; round++) {
  for (const name of names) {
    if (runs === null && round > 0 && Date.now() >= deadline) break;
    await runOnce(name, rows.get(name)!);
    console.log(`  ${name}: run ${rows.get(name)!.runs} done`);
  }
}
table(
  ['scenario', 'runs', 'failed runs', 'events checked', 'divergent ids (no reset)', 'gaps', 'client resets', 'refused 503/429', 'max RSS MiB'],
  [...rows].map(([name, r]) => [name, int(r.runs), int(r.failed), int(r.ticks), int(r.divergent), int(r.gaps), int(r.resets), int(r.refused), mib(r.maxRss)]),
);
const broken = [...rows.values()].some((r) => r.failed > 0 || r.divergent > 0 || r.gaps > 0);
process.exit(broken ? 1 : 0);

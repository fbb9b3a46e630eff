// Rendering smoothness under a fast feed (a measurement, not a test: no speed assertions anywhere).
// Starts a server with 100 symbols, opens the demo page in headless Chromium and reports the gaps
// between animation frames and the long tasks over 5 s, after a 2 s warm-up.
//
//   node --import tsx scripts/bench/smoothness-process.ts [INTERVAL_MS]   (npm run bench -- smoothness runs it)
//
// Every batch holds one tick per symbol, so the default 100 ms is 100 × 10 = 1,000 ticks/s.
import { KEEP_NAMES_SHIM, launchBrowser } from '../lib/chromium.ts';
import { startTestServer } from '../lib/server.ts';

const interval = Number(process.argv[2] ?? 100);
const letters = 'ABCDEFGHIJ';
const symbols = Array.from({ length: 100 }, (_, i) => `Q${letters[Math.floor(i / 10)]}${letters[i % 10]}:${50 + i}`);

const server = await startTestServer({ interval, symbols: symbols.join(','), seed: 1 });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(KEEP_NAMES_SHIM);
  await page.goto(server.url + '/');
  await page.waitForFunction(() => (document.querySelector('#live-table') as any)?.state === 'live');
  await page.waitForTimeout(2000); // warm-up: first render, JIT
  const lastId = async () => ((await (await fetch(server.url + '/healthz')).json()) as { lastEventId: number }).lastEventId;
  const before = await lastId();
  const result = await page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve) => {
        const gaps: number[] = [];
        let longTasks = 0;
        let longTaskMs = 0;
        let ticks = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            longTasks++;
            longTaskMs += e.duration;
          }
        }).observe({ entryTypes: ['longtask'] });
        document.addEventListener('ticker-tick', () => ticks++);
        const start = performance.now();
        let last = start;
        const frame = (t: number) => {
          gaps.push(t - last);
          last = t;
          if (t - start < 5000) return void requestAnimationFrame(frame);
          gaps.sort((a, b) => a - b);
          const at = (q: number) => Math.round(gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * q))] * 10) / 10;
          resolve({ frames: gaps.length, p50: at(0.5), p99: at(0.99), max: at(1), longTasks, longTaskMs, ticksPerSecond: ticks / 5 });
        };
        requestAnimationFrame(frame);
      }),
  );
  const serverRate = Math.round((await lastId()) - before) / 5;
  console.log({ symbols: 100, interval, serverTicksPerSecond: serverRate, ...result });
} finally {
  await browser.close();
  await server.close();
}

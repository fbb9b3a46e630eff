// `npm run screenshot`: starts a server with a fresh log, opens the demo page in headless
// Chromium, lets the tables fill (a replay from the start of the log included) and writes
// frontend/screenshot.png for the README.
//
//   npm run screenshot [-- --light]        dark by default
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from './lib/server.ts';
import { ensureFrontendBuilt } from '../frontend/build.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchBrowser } from './lib/chromium.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'frontend', 'screenshot.png');
const scheme = process.argv.includes('--light') ? 'light' : 'dark';

if (!chromiumAvailable()) {
  process.stderr.write(`screenshot: ${CHROMIUM_PATH} not found (apt-get install chromium)\n`);
  process.exit(1);
}

await ensureFrontendBuilt();
const server = await startTestServer({ interval: 100, seed: 7, speed: 600 });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
  await page.goto(server.url + '/');
  // Enough history for the sparklines to say something.
  await page.waitForFunction(
    () => {
      const rows = document.querySelector('#live-table')?.shadowRoot?.querySelectorAll('tbody tr[data-symbol] polyline');
      return !!rows && rows.length >= 10 && [...rows].every((p) => (p.getAttribute('points') ?? '').split(' ').length >= 30);
    },
    undefined,
    { timeout: 60_000, polling: 500 },
  );
  await page.fill('#replay-id', '0');
  await page.click('#replay-start');
  await page.waitForFunction(() => (document.querySelector('#replay-table') as any)?.state === 'live', undefined, { timeout: 30_000 });
  await page.evaluate(() => {
    getSelection()?.removeAllRanges();
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)} (${scheme})\n`);
} finally {
  await browser.close();
  await server.close();
}

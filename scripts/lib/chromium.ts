// Debian's Chromium, headless, through playwright-core: for the browser tests (frontend/test/helpers/
// browser.ts re-exports these beside `browserSuite`), the smoothness benchmark and the screenshot.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TICKTAPE_CHROMIUM ?? '/usr/bin/chromium';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * An init script for every page that runs functions sent from here (evaluate, waitForFunction):
 * tsx compiles with esbuild's keepNames, which wraps named inner functions in `__name(…)`, a helper
 * the page does not have.
 */
export const KEEP_NAMES_SHIM = { content: 'globalThis.__name ??= (fn) => fn;' };

export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: LAUNCH_ARGS });
}

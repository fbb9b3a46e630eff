// Browser tests run Debian's Chromium (scripts/lib/chromium.ts) against a real ticktape server.
// Without Chromium they are registered as skipped, with a loud notice, unless
// TICKTAPE_REQUIRE_BROWSER=1 (CI), in which case the file fails saying what is missing.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { suite, type Test } from 'uvu';
import { CHROMIUM_PATH, chromiumAvailable, KEEP_NAMES_SHIM, launchBrowser } from '../../../scripts/lib/chromium.ts';
import { ensureFrontendBuilt } from '../../build.ts';

export { CHROMIUM_PATH, chromiumAvailable, launchBrowser } from '../../../scripts/lib/chromium.ts';

const REQUIRED = process.env.TICKTAPE_REQUIRE_BROWSER === '1';

export interface BrowserContextState {
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

type Handler<S> = (state: S) => void | Promise<void>;

/**
 * A uvu suite for browser tests. Builds the frontend if stale and launches Chromium once before
 * the first test, closes it after the last (also when tests fail). Each test gets a fresh context
 * and page in `state`. `cleanup(fn)` registers work for the suite's end (stopping servers).
 */
export function browserSuite<S extends object = {}>(title: string) {
  const available = chromiumAvailable();
  const test = suite<S & BrowserContextState>(title);
  const cleanups: (() => unknown)[] = [];
  let skipped = 0;
  let browser: Browser | null = null;

  if (!available && REQUIRED) {
    test('Chromium is available', () => {
      throw new Error(`TICKTAPE_REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} was not found (apt-get install chromium)`);
    });
  }

  if (available) {
    test.before(async () => {
      await ensureFrontendBuilt();
      browser = await launchBrowser();
    });
    test.before.each(async (state) => {
      const context = await browser!.newContext();
      await context.addInitScript(KEEP_NAMES_SHIM);
      const page = await context.newPage();
      page.on('pageerror', (err) => process.stderr.write(`[page error] ${err.message}\n`));
      Object.assign(state, { browser: browser!, context, page });
    });
    test.after.each(async (state) => {
      await state.context?.close().catch(() => {});
    });
  }
  test.after(async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch((err) => process.stderr.write(`cleanup: ${err}\n`));
    await browser?.close().catch(() => {});
  });

  const register = (name: string, handler: Handler<S & BrowserContextState>) => {
    if (available) test(name, handler);
    else {
      skipped++;
      test.skip(name, handler);
    }
  };

  return Object.assign(register, {
    /** Suite setup (servers); not run when the tests are skipped. */
    before: (fn: Handler<S & BrowserContextState>) => {
      if (available) test.before(fn);
    },
    cleanup: (fn: () => unknown) => cleanups.push(fn),
    run: () => {
      if (skipped) {
        process.stderr.write(
          `\n${'!'.repeat(78)}\nSKIPPED: ${CHROMIUM_PATH} not found; ${skipped} browser tests skipped in "${title}".\n` +
            `Install Chromium (apt-get install chromium) or set TICKTAPE_REQUIRE_BROWSER=1 to fail instead.\n${'!'.repeat(78)}\n\n`,
        );
      }
      test.run();
    },
    /** The underlying uvu suite. */
    suite: test as Test<S & BrowserContextState>,
  });
}

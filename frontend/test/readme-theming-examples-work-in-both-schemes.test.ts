// Every theming example in the READMEs (the ```css blocks marked `<!-- theming-example: NAME -->`)
// is applied to a page with a live table and looked at in Chromium with the system in light and in
// dark mode: the table's background and text are the example's, the header matches the table,
// rows are not tinted, text stays readable, and a flash is a subtle tint of the table's own
// background (no light flash on a dark table, no white header strip).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from '../../backend/test/helpers/server.ts';
import { browserSuite } from './helpers/browser.ts';
import { contrast, format, isDark, over, toRgba, type Rgba } from './helpers/colour.ts';
import { embedPage, startPageServer, type PageServer } from './helpers/page-server.ts';
import { TickerTableHarness } from './helpers/ticker-table-harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const READMES = ['README.md', 'frontend/README.md'];
const MARKED = /<!-- theming-example: (.+?) -->\s*\n```css\n([\s\S]*?)```/g;

const examples = READMES.flatMap((file) => {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const marked = [...text.matchAll(MARKED)].map((m) => ({ name: `${file}: ${m[1]}`, css: m[2] }));
  const cssBlocks = [...text.matchAll(/```css\n([\s\S]*?)```/g)].filter((m) => m[1].includes('ticker-table'));
  if (cssBlocks.length !== marked.length) {
    throw new Error(`${file}: ${cssBlocks.length - marked.length} CSS example(s) for ticker-table without a <!-- theming-example: NAME --> mark`);
  }
  return marked;
});

// The component's own defaults, for the examples that leave background or text alone.
const DEFAULTS = { light: { bg: '#ffffff', fg: '#111827' }, dark: { bg: '#0f141c', fg: '#e5e9f0' } };

const test = browserSuite<{ server: TestServer; pages: PageServer }>('README theming examples work in both schemes');

test.before(async (state) => {
  state.server = await startTestServer({ interval: 50, symbols: 'AAPL,MSFT,NVDA,TSLA,KO,V', seed: 5 });
  state.pages = await startPageServer();
  test.cleanup(() => state.server.close());
  test.cleanup(() => state.pages.close());
});

test('the READMEs hold theming examples', () => {
  assert.ok(examples.length >= 4, `found ${examples.length}`);
});

for (const example of examples) {
  test(example.name, async ({ page, server, pages }) => {
    const body = `<ticker-table id="t" src="${server.url}/stream"></ticker-table>`;
    await page.goto(pages.set('/', embedPage(server.url, body, `<style>${example.css}</style>`)));
    const table = new TickerTableHarness(page, '#t');
    await table.waitForRows(6);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const where = `${colorScheme} system`;
      const seen = await page.$eval('#t', (el) => {
        const style = (node: Element) => getComputedStyle(node);
        const r = el.shadowRoot!;
        const declared = (name: string) => style(el).getPropertyValue(name).trim();
        const header = r.querySelector('thead th')!;
        const still = [...r.querySelectorAll('tbody tr[data-symbol]')].find((tr) => tr.getAnimations().length === 0);
        return {
          bgDeclared: declared('--ticker-bg'),
          fgDeclared: declared('--ticker-fg'),
          headerDeclared: declared('--ticker-header-bg'),
          bg: style(el).backgroundColor,
          text: style(r.querySelector('[part~="volume"]')!).color,
          headerBg: style(header).backgroundColor,
          headerText: style(header).color,
          rowBg: still ? style(still).backgroundColor : null,
          cellBg: still ? style(still.querySelector('td')!).backgroundColor : null,
          up: r.querySelector('td.up') ? style(r.querySelector('td.up')!).color : null,
          down: r.querySelector('td.down') ? style(r.querySelector('td.down')!).color : null,
        };
      });
      // The first frame of a running flash.
      const flash = await (
        await page.waitForFunction(() => {
          for (const tr of document.querySelector('#t')!.shadowRoot!.querySelectorAll('tbody tr')) {
            const animation = tr.getAnimations()[0];
            if (!animation) continue;
            animation.pause();
            animation.currentTime = 0;
            const colour = getComputedStyle(tr).backgroundColor;
            animation.cancel();
            return colour;
          }
          return false;
        })
      ).jsonValue();

      const [bgWanted, fgWanted] = await toRgba(page, [seen.bgDeclared || DEFAULTS[colorScheme].bg, seen.fgDeclared || DEFAULTS[colorScheme].fg]);
      const [bg, text, headerBg, headerText, flashColour] = await toRgba(page, [seen.bg, seen.text, seen.headerBg, seen.headerText, flash as string]);
      assert.equal(bg, bgWanted, `${where}: the table's background`);
      assert.equal(text, fgWanted, `${where}: the text colour`);
      if (seen.headerDeclared) {
        assert.equal(headerBg, (await toRgba(page, [seen.headerDeclared]))[0], `${where}: the header background`);
      } else {
        const c = contrast(over(headerBg, bg), bg);
        assert.ok(c <= 1.1, `${where}: the header (${format(headerBg)}) matches the table's background (${format(bg)}), contrast ${c.toFixed(2)}`);
      }
      for (const rowBg of [seen.rowBg, seen.cellBg]) if (rowBg) assert.is((await toRgba(page, [rowBg]))[0][3], 0, `${where}: rows are not tinted`);

      const readable = (what: string, colour: Rgba, on: Rgba) => {
        const c = contrast(over(colour, on), on);
        assert.ok(c >= 4.5, `${where}: ${what} ${format(colour)} on ${format(on)} has contrast ${c.toFixed(2)}`);
      };
      readable('text', text, bg);
      readable('header text', headerText, over(headerBg, bg));
      const signs = await toRgba(page, [seen.up, seen.down].filter((c): c is string => c !== null));
      for (const colour of signs) readable('green/red', colour, bg);

      const flashed = over(flashColour, bg);
      const c = contrast(flashed, bg);
      assert.ok(c <= 1.5 && isDark(flashed) === isDark(bg), `${where}: the flash ${format(flashColour)} is a subtle tint of ${format(bg)} (contrast ${c.toFixed(2)})`);
      readable('text during a flash', text, flashed);
    }
  });
}

test.run();

// The demo page's behaviour: filter, replay panel, embed snippet, health pills, theme switch, and
// the simulated market clock.
// The component itself comes from ticktape.js (loaded by index.html), as it would for any embedder.
// Every URL is relative to the page, never to the origin: behind a reverse proxy the page lives at
// a prefix (`https://example.com/ticktape/`) and so does everything it uses.
import type { TickerMarketDetail, TickerTable } from '../src/ticker-table/ticker-table.component.ts';
import { marketClockText } from './market-clock.ts';

interface SymbolSpec {
  symbol: string;
  name: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The page's directory, `…/` or `…/PREFIX/`: the bundle, the stream and the API are beside the page. */
const pageBase = new URL('./', location.href).href;

const liveTable = $<TickerTable>('live-table');
const filterForm = $<HTMLFormElement>('filter-form');
const filterInput = $<HTMLInputElement>('filter-input');
const chips = $<HTMLDivElement>('chips');
let universe: SymbolSpec[] = [];

// ---- filter ---------------------------------------------------------------------------------

function normalise(list: string): string {
  return [
    ...new Set(
      list
        .split(/[\s,]+/)
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ].join(',');
}

function applyFilter(symbols: string): void {
  const value = normalise(symbols);
  filterInput.value = value.replaceAll(',', ', ');
  if (value) liveTable.setAttribute('symbols', value);
  else liveTable.removeAttribute('symbols');
  liveTable.caption = value ? `Live quotes for ${value.replaceAll(',', ', ')}` : 'Live quotes';
  const url = new URL(location.href);
  if (value) url.searchParams.set('symbols', value);
  else url.searchParams.delete('symbols');
  history.replaceState(null, '', url);
  renderChips();
  renderSnippet();
}

function selectedSymbols(): string[] {
  const value = liveTable.getAttribute('symbols');
  return value ? value.split(',') : [];
}

function renderChips(): void {
  const selected = new Set(selectedSymbols());
  chips.replaceChildren(
    ...universe.map((spec) => {
      const chip = document.createElement('button');
      chip.type = 'button';
      chip.className = 'chip';
      chip.textContent = spec.symbol;
      chip.title = spec.name;
      chip.setAttribute('aria-pressed', String(selected.has(spec.symbol)));
      chip.addEventListener('click', () => {
        const next = new Set(selectedSymbols());
        if (next.has(spec.symbol)) next.delete(spec.symbol);
        else next.add(spec.symbol);
        applyFilter([...next].join(','));
      });
      return chip;
    }),
  );
}

filterForm.addEventListener('submit', (event) => {
  event.preventDefault();
  applyFilter(filterInput.value);
});
$('filter-clear').addEventListener('click', () => applyFilter(''));

// ---- replay ---------------------------------------------------------------------------------

const replayForm = $<HTMLFormElement>('replay-form');
const replayInput = $<HTMLInputElement>('replay-id');
const replaySlot = $<HTMLDivElement>('replay-slot');

function startReplay(fromId: number): void {
  const table = document.createElement('ticker-table');
  table.id = 'replay-table';
  // The live table's stream (relative to the page), so the replay hands over to its shared feed.
  table.setAttribute('src', liveTable.getAttribute('src') ?? './stream');
  table.setAttribute('last-event-id', String(fromId));
  const symbols = liveTable.getAttribute('symbols');
  if (symbols) table.setAttribute('symbols', symbols);
  table.caption = fromId === 0 ? 'Replayed from the start of the log' : `Replayed after event ${fromId}`;
  replaySlot.replaceChildren(table);
}

replayForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = Number(replayInput.value);
  if (!Number.isSafeInteger(id) || id < 0) {
    replayInput.setCustomValidity('Enter an event id: a whole number, 0 or more.');
    replayInput.reportValidity();
    return;
  }
  replayInput.setCustomValidity('');
  startReplay(id);
});
replayInput.addEventListener('input', () => replayInput.setCustomValidity(''));
$('replay-start').addEventListener('click', () => {
  replayInput.value = '0';
  startReplay(0);
});

// ---- embed snippet ----------------------------------------------------------------------------

const snippet = $<HTMLElement>('snippet');

function embedCode(): string {
  const symbols = liveTable.getAttribute('symbols') || 'AAPL,MSFT';
  return (
    `<script type="module" src="${pageBase}ticktape.js"></script>\n` +
    `<ticker-table src="${pageBase}stream" symbols="${symbols}"></ticker-table>`
  );
}

function renderSnippet(): void {
  snippet.textContent = embedCode();
}

$('copy-snippet').addEventListener('click', async (event) => {
  const button = event.currentTarget as HTMLButtonElement;
  try {
    await navigator.clipboard.writeText(embedCode());
    button.textContent = 'Copied';
  } catch {
    // Clipboard refused (insecure context): select the text so the user can copy it.
    getSelection()?.selectAllChildren(snippet);
    button.textContent = 'Press Ctrl+C';
  }
  setTimeout(() => (button.textContent = 'Copy'), 1600);
});

// ---- health -------------------------------------------------------------------------------------

interface Health {
  status: string;
  bus: string;
  lastEventId: number | null;
  oldestEventId: number | null;
  clients: number;
  generating: boolean;
}

const count = new Intl.NumberFormat();

async function refreshHealth(): Promise<void> {
  const dot = $('health-dot');
  try {
    const res = await fetch(new URL('healthz', pageBase), { cache: 'no-store' });
    const health = (await res.json()) as Health;
    dot.dataset.ok = String(res.ok);
    $('health-status').textContent = !res.ok ? 'unhealthy' : health.generating ? 'generating' : 'paused';
    $('health-last').textContent = health.lastEventId === null ? '—' : `#${count.format(health.lastEventId)}`;
    $('health-clients').textContent = count.format(health.clients);
    $('health-bus').textContent = health.bus;
    const range = document.getElementById('replay-range');
    if (range && health.lastEventId !== null) {
      range.textContent = `${count.format(health.oldestEventId ?? 1)} to ${count.format(health.lastEventId)}`;
    }
  } catch {
    dot.dataset.ok = 'false';
    $('health-status').textContent = 'unreachable';
  }
}

// ---- market clock -------------------------------------------------------------------------------

/** The live table's market clock (New York time from `marketTime`); hidden until a server with sessions tells one. */
function showMarket(market: TickerMarketDetail | null): void {
  if (!market) return;
  const time = $<HTMLTimeElement>('market-time');
  time.dateTime = market.marketTime;
  time.textContent = marketClockText(market);
  $('market-clock').hidden = false;
}

liveTable.addEventListener('ticker-market', (event) => showMarket(event.detail));

// ---- theme --------------------------------------------------------------------------------------

const themeButtons = [...document.querySelectorAll<HTMLButtonElement>('[data-theme-choice]')];

function setTheme(choice: string): void {
  document.documentElement.dataset.theme = choice;
  for (const b of themeButtons) b.setAttribute('aria-pressed', String(b.dataset.themeChoice === choice));
  try {
    localStorage.setItem('ticktape-theme', choice);
  } catch {
    // storage unavailable: the choice lasts for this visit
  }
}

for (const b of themeButtons) b.addEventListener('click', () => setTheme(b.dataset.themeChoice ?? 'auto'));

// ---- start --------------------------------------------------------------------------------------

try {
  const saved = localStorage.getItem('ticktape-theme');
  if (saved === 'light' || saved === 'dark') setTheme(saved);
} catch {
  // ignore
}

// ticktape.js (loaded first) may have defined the table and heard the market already.
showMarket(liveTable.market ?? null);
const initial = new URL(location.href).searchParams.get('symbols') ?? '';
applyFilter(initial);
void refreshHealth();
setInterval(() => void refreshHealth(), 2000);

fetch(new URL('api/symbols', pageBase))
  .then((res) => (res.ok ? (res.json() as Promise<{ symbols: SymbolSpec[] }>) : { symbols: [] }))
  .then((body) => {
    universe = body.symbols;
    renderChips();
  })
  .catch(() => {
    // the chips are a convenience; the text filter still works
  });

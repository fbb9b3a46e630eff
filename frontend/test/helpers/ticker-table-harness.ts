// Reads and waits on a <ticker-table> from outside, through its public properties and its open
// shadow root, so tests say what they check ("rows", "state") instead of querying shadow DOM.
// (After Material Web's harnesses.)
import type { Page } from 'playwright-core';

export interface TickerRow {
  symbol: string;
  /** The symbol's full name (the hover title), if known. */
  name: string | null;
  /** The name shown under the symbol ('' until known). */
  shownName: string;
  price: string;
  change: string;
  changePct: string;
  bid: string;
  ask: string;
  /** '' when the column is not rendered (a server without quote sizes). */
  bidSize: string;
  askSize: string;
  volume: string;
  /** The sparkline's polyline points. */
  sparkline: string;
  /** The row's class (its flash animation, if any). */
  flashClass: string;
}

export interface TickerStatus {
  state: string;
  caughtUp: number;
  message?: string;
  code?: string;
}

/** Installed before any page script: records every `ticker-tick` and every EventSource created. */
export function installPageRecorder(): void {
  const w = window as unknown as {
    __ticktape: { ticks: { el: string; id: number; symbol: string }[]; eventSources: { url: string; es: EventSource }[] };
    EventSource: typeof EventSource;
  };
  w.__ticktape = { ticks: [], eventSources: [] };
  document.addEventListener('ticker-tick', (event) => {
    const detail = (event as CustomEvent<{ id: number; symbol: string }>).detail;
    w.__ticktape.ticks.push({ el: (event.target as HTMLElement).id, id: detail.id, symbol: detail.symbol });
  });
  const Native = w.EventSource;
  w.EventSource = class CountingEventSource extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      w.__ticktape.eventSources.push({ url: String(url), es: this });
    }
  };
}

/** The EventSources the page created, with whether each is still open or connecting. */
export function eventSources(page: Page): Promise<{ url: string; open: boolean }[]> {
  return page.evaluate(() =>
    (window as any).__ticktape.eventSources.map((e: { url: string; es: EventSource }) => ({
      url: e.url,
      open: e.es.readyState !== EventSource.CLOSED,
    })),
  );
}

/**
 * The ids of the log's trades (what `ticker-tick` dispatches) after `after` up to `upTo`, paging
 * through `GET /api/ticks` of the server at `serverUrl`. Quotes and status events take ids between
 * them, so a table's tick ids are checked against these rather than for contiguity.
 */
export async function logTickIds(serverUrl: string, after: number, upTo: number): Promise<number[]> {
  const ids: number[] = [];
  let next: number | null = after;
  while (next !== null && next < upTo) {
    const res = await fetch(`${serverUrl}/api/ticks?after=${next}&limit=10000`);
    const body = (await res.json()) as { ticks: { id: number }[]; next: number | null };
    for (const t of body.ticks) if (t.id <= upTo) ids.push(t.id);
    next = body.next;
  }
  return ids;
}

export class TickerTableHarness {
  constructor(
    readonly page: Page,
    /** A CSS selector for the element in the page's document. */
    readonly selector: string,
  ) {}

  /** The reflected connection state. */
  state(): Promise<string> {
    return this.page.$eval(this.selector, (el: any) => el.state as string);
  }

  status(): Promise<TickerStatus> {
    return this.page.$eval(this.selector, (el: any) => el.status as TickerStatus);
  }

  /** The status bar as a user reads it. */
  statusText(): Promise<string> {
    return this.page.$eval(this.selector, (el) =>
      (el.shadowRoot!.querySelector('[part~="status"]')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    );
  }

  /** The message shown instead of rows (connecting, error), or null when rows are shown. */
  message(): Promise<string | null> {
    return this.page.$eval(this.selector, (el) => {
      const m = el.shadowRoot!.querySelector('[part~="message"]');
      return m ? (m.textContent ?? '').replace(/\s+/g, ' ').trim() : null;
    });
  }

  /** The caption's own text (without the session badge beside it). */
  caption(): Promise<string> {
    return this.page.$eval(this.selector, (el) => el.shadowRoot!.querySelector('caption .title')?.textContent?.trim() ?? '');
  }

  /** The session badge in the caption as a user reads it, or null when there is none. */
  session(): Promise<string | null> {
    return this.page.$eval(this.selector, (el) => el.shadowRoot!.querySelector('[part~="session"]')?.textContent?.trim() ?? null);
  }

  /** The `market` property: `{ session, marketTime }` or null. */
  market(): Promise<{ session: string; marketTime: string } | null> {
    return this.page.$eval(this.selector, (el: any) => el.market);
  }

  /** The `quotes` property: the latest tick per shown symbol with the quote in force. */
  quotes(): Promise<{ id: number; symbol: string; price: number; bid: number; ask: number; bidSize?: number; askSize?: number }[]> {
    return this.page.$eval(this.selector, (el: any) => el.quotes);
  }

  columnHeaders(): Promise<string[]> {
    return this.page.$eval(this.selector, (el) =>
      [...el.shadowRoot!.querySelectorAll('thead th[scope="col"]')].map((th) => th.textContent!.trim()),
    );
  }

  /** The column headers a user sees (columns hidden at this width left out). */
  visibleColumnHeaders(): Promise<string[]> {
    return this.page.$eval(this.selector, (el) =>
      [...el.shadowRoot!.querySelectorAll('thead th[scope="col"]')]
        .filter((th) => th.getClientRects().length > 0)
        .map((th) => th.textContent!.trim()),
    );
  }

  rows(): Promise<TickerRow[]> {
    return this.page.$eval(this.selector, (el) =>
      [...el.shadowRoot!.querySelectorAll('tbody tr[data-symbol]')].map((tr) => {
        const cell = (part: string) => tr.querySelector(`[part~="${part}"]`);
        const text = (part: string) => (cell(part)?.textContent ?? '').trim();
        return {
          // The symbol cell holds the symbol and, on a second line, the company name.
          symbol: ((cell('symbol')?.querySelector('.code') ?? cell('symbol'))?.textContent ?? '').trim(),
          name: cell('symbol')?.getAttribute('title') ?? null,
          shownName: (cell('name')?.textContent ?? '').trim(),
          price: text('price'),
          change: text('change'),
          changePct: text('change-pct'),
          bid: text('bid'),
          ask: text('ask'),
          bidSize: text('bid-size'),
          askSize: text('ask-size'),
          volume: text('volume'),
          sparkline: cell('sparkline')?.querySelector('polyline')?.getAttribute('points') ?? '',
          flashClass: tr.getAttribute('class') ?? '',
        };
      }),
    );
  }

  async symbols(): Promise<string[]> {
    return (await this.rows()).map((r) => r.symbol);
  }

  /** The id this table has been brought up to. */
  lastSeenId(): Promise<number | null> {
    return this.page.$eval(this.selector, (el: any) => el.lastSeenId as number | null);
  }

  /** Ids of the `ticker-tick` events this element dispatched (needs `installPageRecorder`). */
  tickIds(): Promise<number[]> {
    return this.page.$eval(this.selector, (el) =>
      (window as any).__ticktape.ticks.filter((t: { el: string }) => t.el === el.id).map((t: { id: number }) => t.id),
    );
  }

  /** Waits until `state` is reached; the error says where the table was instead. */
  async waitForState(state: string, timeout = 15_000): Promise<void> {
    await this.#wait(`state ${state}`, timeout, (el, s) => el.state === s, state);
  }

  /** Waits until the table knows the market's session (a server running market model 2). */
  async waitForMarket(timeout = 15_000): Promise<void> {
    await this.#wait('the market session', timeout, (el) => el.market !== null, null);
  }

  /** Waits until at least `count` rows are shown. */
  async waitForRows(count: number, timeout = 15_000): Promise<void> {
    await this.#wait(`${count} rows`, timeout, (el, n) => el.shadowRoot.querySelectorAll('tbody tr[data-symbol]').length >= n, count);
  }

  /** Waits until the table has caught up to (at least) log id `id`. */
  async waitForLastSeenId(id: number, timeout = 15_000): Promise<void> {
    await this.#wait(`last seen id ${id}`, timeout, (el, n) => el.lastSeenId !== null && el.lastSeenId >= n, id);
  }

  /** Waits until some shown price differs from what it is now. */
  async waitForPriceChange(timeout = 15_000): Promise<void> {
    const before = Object.fromEntries((await this.rows()).map((r) => [r.symbol, r.price]));
    await this.#wait(
      'a price change',
      timeout,
      (el, prices) =>
        [...el.shadowRoot.querySelectorAll('tbody tr[data-symbol]')].some((tr: Element) => {
          const symbol = tr.getAttribute('data-symbol')!;
          const price = tr.querySelector('[part~="price"]')?.textContent?.trim();
          return symbol in prices && price !== prices[symbol];
        }),
      before,
    );
  }

  async #wait<A>(what: string, timeout: number, predicate: (el: any, arg: A) => boolean, arg: A): Promise<void> {
    try {
      // Polled from here, one evaluation per round trip, rather than by waitForFunction in the page:
      // Playwright's in-page polling compiles the predicate with eval, which the demo page's
      // Content-Security-Policy (script-src 'self') refuses. An evaluation from here is not the
      // page's own script, so the policy does not apply to it.
      const expression = `(() => { const el = document.querySelector(${JSON.stringify(this.selector)}); return !!el && (${predicate.toString()})(el, ${JSON.stringify(arg)}); })()`;
      const deadline = Date.now() + timeout;
      while (!(await this.page.evaluate(expression))) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } catch (err) {
      const where = await this.statusText().catch(() => '(element missing)');
      throw new Error(`${this.selector}: timed out after ${timeout} ms waiting for ${what}; status: "${where}"`, { cause: err });
    }
  }
}

// The <ticker-table> class: attributes, subscription and rendering. Its row model is in rows.ts and
// its row and status markup in view.ts; it runs over ~350 lines only by the JSDoc header below, the
// reference for its attributes, events, parts and custom properties.

import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { QUOTES_MAX_HISTORY } from '../../../backend/types.ts';
import { pageFeedHub } from '../feed/hub.ts';
import type { FeedStatus, FeedSubscription, FeedTick, MarketInfo } from '../feed/types.ts';
import { resolveStreamUrl } from '../feed/urls.ts';
import { formatCount, isEventId, parseEventId, parseSymbols, SPARKLINE_DEFAULT, sparklineCapacity } from '../format.ts';
import { MarketClock } from './market.ts';
import { QuoteRows } from './rows.ts';
import { renderMessage, renderRow, renderSession, statusText } from './view.ts';
import { tickerTableStyles } from './ticker-table.styles.ts';

/** The connection states a table shows (also reflected as the `state` attribute). */
export type TickerTableState = FeedStatus['state'];

/** `detail` of the `ticker-state` event. */
export interface TickerStateDetail {
  state: TickerTableState;
  caughtUp: number;
  message?: string;
  code?: string;
}

/** `detail` of the `ticker-market` event, and the `market` property. */
export type TickerMarketDetail = MarketInfo;

/**
 * A live table of stock quotes fed by a ticktape server's Server-Sent Events stream.
 *
 * Tables on one page that read the same `src` share a single EventSource (subscribed to the union
 * of their symbols); each shows only its own. A table replaying from `last-event-id` has a stream of
 * its own until it has caught up, then joins the shared one. Ticks are applied as they arrive and
 * the table is rendered at most once per animation frame. Moved in the DOM (disconnected and
 * connected again with the same `src`, `symbols` and `last-event-id`), it carries on from its
 * `lastSeenId`, so no `ticker-tick` is dispatched twice or skipped. When only `symbols` changes it
 * keeps the rows of the symbols kept and carries on from `lastSeenId` too (added symbols' rows come
 * from `/api/quotes`); changing `src` or `last-event-id` starts over. It asks the stream for
 * heartbeat events (`?heartbeat=event`) and drops a connection on which nothing at all has arrived
 * for 2.5 of the server's heartbeat periods (a proxy swallowing it), resuming from its last id.
 * From a server running market model 2 it also takes `quote` events (the bid and ask change, the
 * price does not flash) and `status` events (the market's session, shown in the caption).
 *
 * @summary Live stock quotes from a ticktape `/stream`.
 *
 * The tags below are the component's reference: `npm run readme` turns them into the tables of
 * frontend/README.md, and frontend/test/readme-component-reference.test.ts fails when that README,
 * these tags and the code (`static properties`, the public getters, the styles' `var(--ticker-…)`)
 * disagree. Each `@attr` names an attribute of `static properties`; defaults are in brackets.
 *
 * @attr [src=`/stream` of the page's origin] - The SSE stream. The HTTP API is expected beside it
 *   (`…/stream` → `…/api/quotes`, `…/api/symbols`), so a server under a proxy prefix needs only
 *   `src="https://example.com/ticktape/stream"`.
 * @attr [symbols=the whole universe, A–Z] - Comma-separated symbols to show, in this order
 *   (case-insensitive; A–Z when empty or blank). Commas naming no symbol (`" , "`) are an error
 *   (`BAD_SYMBOLS`), as on the server.
 * @attr [last-event-id=none: start from a snapshot] - Replay every tick after this log id (`0` = the
 *   start of the log), then go live. Digits only, up to 2^53, as the server reads `lastEventId`:
 *   anything else (`""`, `" 5"`, `"1e3"`) is an error (`BAD_LAST_EVENT_ID`), not a replay.
 * @attr [caption=one describing what is shown] - The table's `<caption>`.
 * @attr [no-flash=false] - No row flash after a tick (there is never one under
 *   `prefers-reduced-motion: reduce`).
 * @attr [sparkline-length=48] - Recent prices drawn in the sparkline, 2 to 1000; a value that is not
 *   a number means 48. The sparkline starts with up to 500 of them from the log
 *   (`/api/quotes?history=N`).
 * @attr state - Read-only: `connecting`, `live`, `replaying`, `reconnecting` or `error`.
 *
 * @prop status - Read-only: `{ state, caughtUp, message?, code? }`, the state with the number of
 *   ticks caught up while replaying, and after an error the server's message and code.
 * @prop lastSeenId - Read-only: the log id the table has been brought up to (`null` before any):
 *   the newest event of any kind (trade, quote, status) it has received, or its starting point.
 * @prop quotes - Read-only: the latest tick per shown symbol, in display order, with `bid`, `ask`
 *   (and `bidSize`, `askSize`) of the symbol's quote in force when a newer quote event has changed them.
 * @prop market - Read-only: `{ session, marketTime }`, the market's session (`pre-market`, `regular`,
 *   `after-hours` or `closed`) and exchange clock (ISO 8601 with the New York offset) as of the
 *   newest event received; `null` before any, and always from a server without sessions (before
 *   market model 2).
 *
 * @event ticker-tick - Once per live or replayed tick (trade), in id order, never twice; not for
 *   snapshot entries nor quote or status events. `detail` is the tick. Bubbles and is composed.
 * @event ticker-market - The `market` property changed. `detail` is `{ session, marketTime }`.
 *   Dispatched at once for every change of session (in order, also while replaying), and at most
 *   once per animation frame when only the clock moved. Never from a server without sessions.
 *   Bubbles and is composed.
 * @event ticker-state - The connection state changed. `detail` is `{ state, caughtUp, message?, code? }`.
 *   Bubbles and is composed.
 *
 * @csspart base - The wrapper around the status bar and the table.
 * @csspart status - The connection status bar.
 * @csspart table - The `<table>`.
 * @csspart caption - The table's caption.
 * @csspart session - The market's session in the caption (`Pre-market`, `Market open`,
 *   `After-hours`, `Market closed`); its `data-session` attribute holds the session's name.
 * @csspart header-cell - A column header cell.
 * @csspart row - A quote row (also carries the part `up` or `down`: the direction of the latest price
 *   move, not the change against the previous close).
 * @csspart cell - Every body cell; each also has the part named after its column:
 *   `symbol`, `price`, `change`, `change-pct`, `bid-size`, `bid`, `ask`, `ask-size`, `volume`,
 *   `sparkline` (`bid-size` and `ask-size` only once the server has sent quote sizes).
 *   The tick arrow is `::part(price)::before`.
 * @csspart name - The company name under the symbol.
 * @csspart message - The row shown instead of quotes while connecting or after an error.
 *
 * Only `--ticker-bg` and `--ticker-fg` have light and dark defaults; the other colours' defaults
 * are mixed from those two, so setting them themes the table in either system scheme.
 *
 * @cssproperty [--ticker-bg=`#ffffff`, dark `#0f141c`] - Background.
 * @cssproperty [--ticker-fg=`#111827`, dark `#e5e9f0`] - Text colour.
 * @cssproperty [--ticker-muted=64% fg in bg] - Secondary text (headers, status, names, the tick arrow).
 * @cssproperty [--ticker-border=11% fg in bg] - Borders and row rules.
 * @cssproperty [--ticker-header-bg=3% fg in bg] - Column header background.
 * @cssproperty [--ticker-row-hover=fg at 4% opacity] - Row background under the pointer.
 * @cssproperty [--ticker-up=`#10b981` mixed 60% with fg] - Above the previous close (change columns,
 *   sparkline).
 * @cssproperty [--ticker-down=`#ef4444` mixed 70% with fg] - Below the previous close (change columns,
 *   sparkline).
 * @cssproperty [--ticker-flash=fg at 10% opacity] - Row flash after a tick, whichever way it went.
 * @cssproperty [--ticker-flash-up=`--ticker-flash`] - Row flash after a rise, for pages that want it
 *   to differ (not recommended: green and red already mean the change against the previous close).
 * @cssproperty [--ticker-flash-down=`--ticker-flash`] - Row flash after a fall (see `--ticker-flash-up`).
 * @cssproperty [--ticker-accent=`#3b82f6` mixed 75% with fg] - Accent (the replaying indicator, the
 *   focus ring).
 * @cssproperty [--ticker-font=the system UI sans-serif] - Font family.
 * @cssproperty [--ticker-mono-font=the system UI monospace] - Font family of symbols and ids.
 * @cssproperty [--ticker-font-size=0.875rem] - Base font size (density).
 * @cssproperty [--ticker-cell-padding-block=0.45em] - Vertical cell padding (density).
 * @cssproperty [--ticker-cell-padding-inline=0.8em] - Horizontal cell padding (density).
 * @cssproperty [--ticker-radius=12px] - Corner radius.
 * @cssproperty [--ticker-flash-duration=250ms] - Length of the row flash.
 * @cssproperty [--ticker-sparkline-width=96px] - Width of the sparkline.
 * @cssproperty [--ticker-sparkline-height=1.5em] - Height of the sparkline.
 */
export class TickerTable extends LitElement {
  static override styles = tickerTableStyles;

  static override properties = {
    src: { type: String },
    symbols: { type: String },
    // Digits only, as the server reads `lastEventId`: Lit's Number converter would turn "" into 0.
    lastEventId: { attribute: 'last-event-id', converter: { fromAttribute: parseEventId } },
    caption: { type: String },
    noFlash: { type: Boolean, attribute: 'no-flash', reflect: true },
    sparklineLength: { type: Number, attribute: 'sparkline-length' },
    state: { type: String, reflect: true },
  };

  /** The stream URL. Empty: `/stream` of the page's origin. */
  declare src: string;
  /** Comma-separated symbols to show, in this order (case-insensitive). Empty: the whole universe, A–Z. */
  declare symbols: string;
  /** Replay every tick after this log id (0 = the start of the log), then go live. Null: start from a snapshot. */
  declare lastEventId: number | null;
  /** The table's caption. Empty: one describing what is shown. */
  declare caption: string;
  /** Turns the row flash off (it is always off under `prefers-reduced-motion: reduce`). */
  declare noFlash: boolean;
  /** How many recent prices the sparkline draws (2 to 1000; anything not a number means 48). */
  declare sparklineLength: number;
  /** Read-only: `connecting`, `live`, `replaying`, `reconnecting` or `error`. Reflected for styling. */
  declare state: TickerTableState;

  readonly #rows = new QuoteRows(() => sparklineCapacity(this.sparklineLength));
  readonly #market = new MarketClock();
  #names = new Map<string, string>();
  #subscription: FeedSubscription | null = null;
  #status: FeedStatus = { state: 'connecting', caughtUp: 0 };
  #needsSubscribe = false;
  #frame = 0;
  #streamUrl: URL | null = null;
  /** Where to carry on when subscribing with these attributes: set on disconnect (a DOM move) and when only `symbols` changes. */
  #resume: { attributes: string; cursor: number } | null = null;

  constructor() {
    super();
    this.src = '';
    this.symbols = '';
    this.lastEventId = null;
    this.caption = '';
    this.noFlash = false;
    this.sparklineLength = SPARKLINE_DEFAULT;
    this.state = 'connecting';
  }

  /** The connection status, with the number of ticks caught up while replaying. */
  get status(): TickerStateDetail {
    const s = this.#subscription?.status ?? this.#status;
    return { ...s };
  }

  /** The id of the newest tick (or snapshot) this table has been brought up to; null before any. */
  get lastSeenId(): number | null {
    return this.#subscription?.cursor ?? null;
  }

  /** The latest tick per shown symbol, in display order, with the bid and ask of the quote in force. */
  get quotes(): FeedTick[] {
    return this.#rows.ordered().map(({ tick, book }) => {
      if (book.id <= tick.id) return tick;
      const sizes = book.bidSize === undefined ? {} : { bidSize: book.bidSize, askSize: book.askSize };
      return { ...tick, bid: book.bid, ask: book.ask, ...sizes };
    });
  }

  /** The market's session and exchange clock as of the newest event received; null before any. */
  get market(): TickerMarketDetail | null {
    const current = this.#market.current;
    return current && { ...current };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#needsSubscribe = true;
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    const cursor = this.#subscription?.cursor ?? null;
    this.#resume = cursor === null ? null : { attributes: this.#attributesKey(), cursor };
    this.#unsubscribe();
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src') || changed.has('symbols') || changed.has('lastEventId')) {
      this.#needsSubscribe = true;
      // Only the symbols changed: the ticks of the symbols kept have all arrived up to the cursor,
      // so carry on from there (keeping their rows) rather than start over with a gap.
      const cursor = this.#subscription?.cursor ?? null;
      if (!changed.has('src') && !changed.has('lastEventId') && cursor !== null) {
        this.#resume = { attributes: this.#attributesKey(), cursor };
      }
    }
    if (changed.has('sparklineLength')) this.#rows.invalidateViews();
    if (this.#needsSubscribe && this.isConnected) {
      this.#needsSubscribe = false;
      this.#subscribe();
    }
  }

  /** What the subscription depends on: src, symbols and last-event-id. */
  #attributesKey(): string {
    return JSON.stringify([this.src, this.symbols, this.lastEventId]);
  }

  #subscribe(): void {
    this.#unsubscribe();
    // Put back with the same attributes (moved in the DOM), or given other symbols only: carry on
    // from the last id seen, keeping the rows, rather than start over (which would replay, or skip
    // ticks, a second time).
    const resume = this.#resume?.attributes === this.#attributesKey() ? this.#resume.cursor : null;
    this.#resume = null;
    const previous = this.#rows.wanted;
    const wanted = parseSymbols(this.symbols);
    this.#rows.wanted = wanted ?? [];
    this.#rows.clearHistory();
    let added: ReadonlySet<string> | 'all' = new Set();
    if (resume === null || wanted === null) {
      this.#rows.clear();
      this.#market.clear();
    } else added = this.#rows.keepWanted(previous);
    const last = this.lastEventId;
    // Refused here with the server's codes, before connecting, rather than showing something else.
    if (wanted === null) {
      this.#setStatus({
        state: 'error',
        caughtUp: 0,
        message: `symbols: expected a comma-separated list of symbols such as AAPL,MSFT, got ${JSON.stringify(this.symbols)}`,
        code: 'BAD_SYMBOLS',
      });
      return;
    }
    if (last !== null && last !== undefined && !isEventId(last)) {
      const given = this.getAttribute('last-event-id') ?? String(last);
      this.#setStatus({
        state: 'error',
        caughtUp: 0,
        message: `last-event-id: expected a non-negative integer up to 2^53, got ${JSON.stringify(given)}`,
        code: 'BAD_LAST_EVENT_ID',
      });
      return;
    }
    try {
      this.#streamUrl = resolveStreamUrl(this.src, location.href);
    } catch {
      this.#setStatus({ state: 'error', caughtUp: 0, message: `Not a URL: ${this.src}` });
      return;
    }
    this.#setStatus({ state: 'connecting', caughtUp: 0 });

    let subscription: FeedSubscription | null = null;
    const current = () => subscription !== null && subscription === this.#subscription;
    // The src as given (resolved the same way by the hub), so that its errors can tell a missing src.
    subscription = pageFeedHub().subscribe(
      this.src,
      { symbols: this.#rows.wanted, lastEventId: resume ?? last ?? null },
      {
        snapshot: (ticks) => {
          if (!current()) return;
          this.#rows.clear();
          for (const tick of ticks) this.#rows.add(tick);
          this.#scheduleRender();
        },
        reset: () => {
          if (!current()) return;
          this.#rows.clear();
          this.#scheduleRender();
        },
        tick: (tick) => {
          if (!current()) return;
          this.#marketFrom(tick);
          if (this.#rows.apply(tick)) this.#scheduleRender();
          this.dispatchEvent(new CustomEvent<FeedTick>('ticker-tick', { detail: tick, bubbles: true, composed: true }));
        },
        quote: (quote) => {
          if (!current()) return;
          this.#marketFrom(quote);
          if (this.#rows.applyQuote(quote)) this.#scheduleRender();
        },
        market: (market) => {
          if (current()) this.#marketFrom(market);
        },
        status: (status) => {
          if (!current()) return;
          this.#setStatus(status);
        },
      },
    );
    this.#subscription = subscription;
    this.#fetchStart(subscription, added);

    const streamUrl = this.#streamUrl;
    void pageFeedHub().symbolNames(streamUrl).then((names) => {
      if (this.#streamUrl !== streamUrl) return;
      this.#names = names;
      this.#scheduleRender();
    });
  }

  /**
   * The one request a table makes besides its stream (and the shared symbol names):
   * `/api/quotes?symbols=…&history=N`, for the recent prices of its symbols, so that sparklines are
   * drawn at once rather than filled tick by tick, and for the latest quote of each `added` symbol
   * (see `QuoteRows.keepWanted`). It fails quietly: the sparklines then start from one point, and an added
   * symbol's row appears with its next tick.
   */
  #fetchStart(subscription: FeedSubscription, added: ReadonlySet<string> | 'all'): void {
    const history = Math.min(sparklineCapacity(this.sparklineLength), QUOTES_MAX_HISTORY);
    void pageFeedHub()
      .quotes(this.#streamUrl!, this.#rows.wanted, history)
      .then((answer) => {
        if (!answer || subscription !== this.#subscription) return;
        this.#rows.takeQuotes(answer, added);
        this.#scheduleRender();
      })
      .catch(() => {});
  }

  #unsubscribe(): void {
    this.#subscription?.close();
    this.#subscription = null;
  }

  #setStatus(status: FeedStatus): void {
    this.#status = status;
    if (this.state !== status.state) this.state = status.state;
    this.#scheduleRender();
    this.dispatchEvent(
      new CustomEvent<TickerStateDetail>('ticker-state', { detail: { ...status }, bubbles: true, composed: true }),
    );
  }

  /**
   * The newest event's session and clock (every trade and quote carries them, from a model-2
   * server): a new session is told to the page at once, a clock that moved with the next frame.
   */
  #marketFrom(event: Partial<MarketInfo>): void {
    if (event.session === undefined || event.marketTime === undefined) return;
    const change = this.#market.update({ session: event.session, marketTime: event.marketTime });
    if (change === 'session') this.#dispatchMarket();
    if (change) this.#scheduleRender();
  }

  #dispatchMarket(): void {
    const market = this.#market.take();
    if (market) this.dispatchEvent(new CustomEvent<TickerMarketDetail>('ticker-market', { detail: market, bubbles: true, composed: true }));
  }

  #scheduleRender(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#dispatchMarket();
      this.requestUpdate();
    });
  }

  protected override render(): TemplateResult {
    const rows = this.#rows.ordered();
    const sizes = this.#rows.hasSizes;
    return html`
      <div part="base" class="base">
        ${this.#renderStatus()}
        <!-- Focusable and named, so that what overflows can be scrolled from the keyboard. -->
        <div class="scroller" role="region" aria-labelledby="caption" tabindex="0">
          <table part="table">
            <caption part="caption">
              <span id="caption" class="title">${this.#captionText()}</span>
              ${renderSession(this.#market.current)}
            </caption>
            <thead>
              <tr>
                <th scope="col" part="header-cell" class="symbol">Symbol</th>
                <th scope="col" part="header-cell" class="price">Last</th>
                <th scope="col" part="header-cell" class="change">Change</th>
                <th scope="col" part="header-cell" class="change-pct">Change %</th>
                ${sizes ? html`<th scope="col" part="header-cell" class="bid-size">Bid size</th>` : nothing}
                <th scope="col" part="header-cell" class="bid">Bid</th>
                <th scope="col" part="header-cell" class="ask">Ask</th>
                ${sizes ? html`<th scope="col" part="header-cell" class="ask-size">Ask size</th>` : nothing}
                <th scope="col" part="header-cell" class="volume">Volume</th>
                <th scope="col" part="header-cell" class="trend">Trend</th>
              </tr>
            </thead>
            <tbody>
              ${rows.length
                ? repeat(
                    rows,
                    (row) => row.tick.symbol,
                    (row) => renderRow(row, this.#names.get(row.tick.symbol), sizes),
                  )
                : renderMessage(this.#subscription?.status ?? this.#status, this.#streamUrl?.host, sizes ? 10 : 8)}
            </tbody>
          </table>
        </div>
      </div>
    `;
  }

  #renderStatus(): TemplateResult {
    const status = this.#subscription?.status ?? this.#status;
    const { label, detail } = statusText(status, this.#streamUrl?.host);
    const cursor = this.#subscription?.cursor ?? null;
    // Only the label is a live region: it changes on state changes, never per tick.
    return html`
      <div part="status" class="status" data-state=${status.state}>
        <span class="dot" aria-hidden="true"></span>
        <span class="label" role="status">${label}</span>
        <span class="detail">${detail}</span>
        ${cursor !== null ? html`<span class="cursor" title="Last event id">#${formatCount(cursor)}</span>` : nothing}
      </div>
    `;
  }

  #captionText(): string {
    if (this.caption) return this.caption;
    const wanted = this.#rows.wanted;
    const what = wanted.length ? `Quotes for ${wanted.join(', ')}` : 'Live quotes';
    return this.lastEventId !== null && this.lastEventId !== undefined && isEventId(this.lastEventId)
      ? `${what}, replayed from event ${this.lastEventId}`
      : what;
  }
}

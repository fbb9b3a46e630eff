// The table's model: one row per symbol with its latest trade, the quote in force (bid and ask), its
// recent prices (the sparkline) and its flash bookkeeping, kept in a Map as events arrive; the
// component renders it at most once per animation frame, recomputing the formatted cells only of
// rows that changed.

import type { QuoteEvent, QuotesAnswer } from '../../../backend/types.ts';
import type { FeedTick } from '../feed/types.ts';
import type { RowView } from './view.ts';

/** A symbol's best bid and offer, from its newest trade or quote event (`id`), whichever is newer. */
export interface Book {
  id: number;
  bid: number;
  ask: number;
  /** Shares at the bid and the ask (market model 2; absent from older servers). */
  bidSize?: number;
  askSize?: number;
}

/** One symbol's row: its latest trade, quote in force, recent prices and flash bookkeeping. */
export interface Row {
  tick: FeedTick;
  book: Book;
  /** The sparkline's prices, oldest first, at most `sparklineCapacity` of them. */
  prices: number[];
  /** The log id of each of `prices` (0 for those that came from `/api/quotes?history`). */
  priceIds: number[];
  /** Direction of the latest price move. */
  move: 'up' | 'down' | null;
  /** Number of price moves seen; compared with `flashedMoves` at render time. */
  moves: number;
  flashedMoves: number;
  /** Which of the two identical flash animations is on, so that switching restarts it. */
  flashParity: 0 | 1;
  /** Formatted cells, recomputed only after the row changed. */
  view: RowView | null;
}

export class QuoteRows {
  readonly #rows = new Map<string, Row>();
  #sortedSymbols: string[] | null = null;
  /** Whether any quote so far had sizes (market model 2): the size columns are shown from then on. */
  hasSizes = false;
  /** The symbols shown, in this order; empty: every symbol, A–Z. */
  wanted: string[] = [];
  /**
   * Recent prices per symbol from `/api/quotes?history=N`, up to the symbol's tick `upTo`, waiting
   * to be merged into its row once the row has reached that tick.
   */
  readonly #history = new Map<string, { upTo: number; prices: number[] }>();

  /** `capacity()`: how many prices a sparkline keeps. */
  constructor(readonly capacity: () => number) {}

  clear(): void {
    this.#rows.clear();
    this.#sortedSymbols = null;
    this.hasSizes = false;
  }

  clearHistory(): void {
    this.#history.clear();
  }

  /** After a change of `sparkline-length`: every row's cells are to be recomputed. */
  invalidateViews(): void {
    for (const row of this.#rows.values()) row.view = null;
  }

  /** Starts the symbol's row afresh from `tick`. */
  add(tick: FeedTick): void {
    const row: Row = {
      tick,
      book: this.#bookOf(tick),
      prices: [tick.price],
      priceIds: [tick.id],
      move: null,
      moves: 0,
      flashedMoves: 0,
      flashParity: 0,
      view: null,
    };
    this.#rows.set(tick.symbol, row);
    this.#sortedSymbols = null;
    this.#mergeHistory(row);
  }

  /** Applies one trade; false if its row already has a newer one. */
  apply(tick: FeedTick): boolean {
    const row = this.#rows.get(tick.symbol);
    if (row && row.tick.id >= tick.id) return false; // the row was seeded from a newer quote
    if (!row) {
      this.add(tick);
      return true;
    }
    const previous = row.tick.price;
    row.tick = tick;
    if (tick.id > row.book.id) row.book = this.#bookOf(tick);
    row.prices.push(tick.price);
    row.priceIds.push(tick.id);
    this.#trimPrices(row);
    this.#mergeHistory(row);
    if (tick.price !== previous) {
      row.move = tick.price > previous ? 'up' : 'down';
      row.moves++;
    }
    row.view = null;
    return true;
  }

  /**
   * Applies one quote event: the row's bid and ask (and sizes) change, its price does not, so it
   * neither flashes nor moves the arrow. False when there is no row yet (the symbol has not traded:
   * its first trade brings the quote in force) or the row's quote is newer.
   */
  applyQuote(quote: QuoteEvent): boolean {
    const row = this.#rows.get(quote.symbol);
    if (!row || row.book.id >= quote.id) return false;
    row.book = this.#bookOf(quote);
    row.view = null;
    return true;
  }

  #bookOf(e: FeedTick | QuoteEvent): Book {
    const book: Book = { id: e.id, bid: e.bid, ask: e.ask };
    if (typeof e.bidSize === 'number' && typeof e.askSize === 'number') {
      book.bidSize = e.bidSize;
      book.askSize = e.askSize;
      this.hasSizes = true;
    }
    return book;
  }

  /**
   * After a change of symbols from `previous` (to `wanted`): drops the rows no longer wanted and
   * returns the symbols added ('all' when every symbol is now shown and was not before), whose rows
   * must come from `/api/quotes` since the stream resumed from our cursor brings only their later ticks.
   */
  keepWanted(previous: string[]): ReadonlySet<string> | 'all' {
    const wanted = this.wanted;
    if (wanted.length) for (const symbol of [...this.#rows.keys()]) if (!wanted.includes(symbol)) this.#rows.delete(symbol);
    this.#sortedSymbols = null;
    if (previous.length === 0) return new Set(); // every symbol was shown: none is added
    return wanted.length ? new Set(wanted.filter((s) => !previous.includes(s))) : 'all';
  }

  /**
   * Takes an `/api/quotes?history=N` answer: each symbol's recent prices for its sparkline, and the
   * row of each `added` symbol (unless the stream has brought a newer tick of it already).
   */
  takeQuotes(answer: QuotesAnswer, added: ReadonlySet<string> | 'all'): void {
    for (const quote of answer.quotes) {
      const prices = answer.history?.[quote.symbol];
      if (prices?.length) this.#history.set(quote.symbol, { upTo: quote.id, prices });
      if (added !== 'all' && !added.has(quote.symbol)) continue;
      const row = this.#rows.get(quote.symbol);
      if (!row || row.tick.id < quote.id) this.add(quote);
    }
    for (const row of this.#rows.values()) this.#mergeHistory(row);
  }

  /** The rows in display order: `wanted`'s, or A–Z. */
  ordered(): Row[] {
    if (this.wanted.length) {
      const rows: Row[] = [];
      for (const symbol of this.wanted) {
        const row = this.#rows.get(symbol);
        if (row) rows.push(row);
      }
      return rows;
    }
    this.#sortedSymbols ??= [...this.#rows.keys()].sort();
    return this.#sortedSymbols.map((s) => this.#rows.get(s)!);
  }

  /**
   * Puts the fetched recent prices of the row's symbol in front of the prices the row has seen after
   * them, once the row has reached the history's last tick (before that, the ticks in between are
   * still to come on the stream and would be drawn twice). A row started from a newer snapshot may
   * miss the symbol's few ticks between the two: a sparkline is a shape, and it fills in from here.
   */
  #mergeHistory(row: Row): void {
    const history = this.#history.get(row.tick.symbol);
    if (!history || row.tick.id < history.upTo) return;
    this.#history.delete(row.tick.symbol);
    let after = row.priceIds.findIndex((id) => id > history.upTo);
    if (after < 0) after = row.prices.length;
    row.prices = [...history.prices, ...row.prices.slice(after)];
    row.priceIds = [...history.prices.map(() => 0), ...row.priceIds.slice(after)];
    this.#trimPrices(row);
    row.view = null;
  }

  #trimPrices(row: Row): void {
    const excess = row.prices.length - this.capacity();
    if (excess <= 0) return;
    row.prices.splice(0, excess);
    row.priceIds.splice(0, excess);
  }
}

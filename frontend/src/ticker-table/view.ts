// The table's pieces that need no component state: a quote row's cells and markup, the words of
// the status bar, and the session badge.

import { html, nothing, type TemplateResult } from 'lit';
import type { FeedStatus, MarketInfo } from '../feed/types.ts';
import { direction, formatChange, formatChangePct, formatCount, formatPrice, formatVolume, sparklinePoints } from '../format.ts';
import { SESSION_LABELS } from './market.ts';
import type { Row } from './rows.ts';

const SPARK_WIDTH = 96;
const SPARK_HEIGHT = 24;

/** A row's formatted cells, kept on the row until it changes. */
export interface RowView {
  price: string;
  change: string;
  changePct: string;
  bid: string;
  ask: string;
  /** Shares at the bid and the ask; '' from a server that sends no sizes. */
  bidSize: string;
  askSize: string;
  volume: string;
  /** Sign of the change against the previous close: the colour of the change cells and the sparkline. */
  dir: 'up' | 'down' | 'flat';
  spark: string;
}

/** The row's formatted cells. */
function viewOf(row: Row): RowView {
  const t = row.tick;
  return {
    price: formatPrice(t.price),
    change: formatChange(t.change),
    changePct: formatChangePct(t.changePct),
    bid: formatPrice(row.book.bid),
    ask: formatPrice(row.book.ask),
    bidSize: row.book.bidSize === undefined ? '' : formatCount(row.book.bidSize),
    askSize: row.book.askSize === undefined ? '' : formatCount(row.book.askSize),
    volume: formatVolume(t.volume),
    dir: direction(t.change),
    spark: sparklinePoints(row.prices, SPARK_WIDTH, SPARK_HEIGHT, 2),
  };
}

/**
 * One quote row. Its cells are formatted again only after the row changed (`row.view` is reset);
 * a new price move switches between the two identical flash animations, which restarts the flash
 * (a quote changes the bid and ask only, never the price: no flash). `sizes`: with the size columns.
 */
export function renderRow(row: Row, name: string | undefined, sizes: boolean): TemplateResult {
  const v = (row.view ??= viewOf(row));
  if (row.moves !== row.flashedMoves) {
    row.flashedMoves = row.moves;
    row.flashParity = row.flashParity ? 0 : 1;
  }
  const flash = row.move && row.moves ? `flash-${row.move}-${row.flashParity}` : '';
  const symbol = row.tick.symbol;
  // Green and red (v.dir) mean one thing across the row: against the previous close. The latest
  // tick's direction (row.move) only flashes the row and sets the arrow before the price.
  return html`
    <tr part="row${row.move ? ` ${row.move}` : ''}" class=${flash} data-symbol=${symbol}>
      <th scope="row" part="cell symbol" class="symbol" title=${name ?? nothing}>
        <span class="code">${symbol}</span><span part="name" class="name">${name ?? ''}</span>
      </th>
      <td part="cell price" class="num price" data-tick=${row.move ?? nothing}>${v.price}</td>
      <td part="cell change" class="num change ${v.dir}">${v.change}</td>
      <td part="cell change-pct" class="num change-pct ${v.dir}">${v.changePct}</td>
      ${sizes ? html`<td part="cell bid-size" class="num bid-size">${v.bidSize}</td>` : nothing}
      <td part="cell bid" class="num bid">${v.bid}</td>
      <td part="cell ask" class="num ask">${v.ask}</td>
      ${sizes ? html`<td part="cell ask-size" class="num ask-size">${v.askSize}</td>` : nothing}
      <td part="cell volume" class="num volume">${v.volume}</td>
      <td part="cell sparkline" class="trend">
        <svg class=${v.dir} viewBox="0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}" preserveAspectRatio="none" aria-hidden="true">
          <polyline points=${v.spark}></polyline>
        </svg>
      </td>
    </tr>
  `;
}

/** The status bar's label and detail for `status`; `host` is the stream's. */
export function statusText(status: FeedStatus, host: string | undefined): { label: string; detail: string } {
  const caughtUp = formatCount(status.caughtUp);
  const ticks = status.caughtUp === 1 ? 'tick' : 'ticks';
  let label: string;
  let detail: string;
  switch (status.state) {
    case 'connecting':
      label = 'Connecting…';
      // Set when the wait has a known cause (the browser's connection limit, see feed/subscriber.ts).
      detail = status.message ?? host ?? '';
      break;
    case 'live':
      label = 'Live';
      detail = status.caughtUp ? `caught up ${caughtUp} ${ticks}` : '';
      break;
    case 'replaying':
      label = 'Replaying';
      detail = `${caughtUp} ${ticks} caught up`;
      break;
    case 'reconnecting':
      label = 'Reconnecting…';
      detail = status.message ?? '';
      break;
    case 'error':
      label = 'Error';
      detail = status.message ?? '';
      break;
  }
  return { label, detail };
}

/** The market's session in the caption: a word for it, never a colour alone. */
export function renderSession(market: MarketInfo | null): TemplateResult | typeof nothing {
  if (!market) return nothing;
  return html`<span part="session" class="session" data-session=${market.session}>${SESSION_LABELS[market.session]}</span>`;
}

/** The row shown instead of quotes, across `columns` columns: why there are none (yet). */
export function renderMessage(status: FeedStatus, host: string | undefined, columns: number): TemplateResult {
  if (status.state === 'error') {
    return html`<tr>
      <td colspan=${columns} part="message" class="message error" role="alert">
        Could not load quotes: ${status.message ?? 'the server refused the request'}
        ${status.code ? html` (<code>${status.code}</code>)` : nothing}
      </td>
    </tr>`;
  }
  const text =
    status.state === 'connecting' || status.state === 'reconnecting'
      ? `Connecting to ${host ?? 'the server'}…`
      : 'No quotes yet.';
  return html`<tr><td colspan=${columns} part="message" class="message">${text}</td></tr>`;
}

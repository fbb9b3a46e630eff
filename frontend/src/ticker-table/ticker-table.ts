// Defines <ticker-table>, unless the page already has (another copy of this module may have run).

import type { FeedTick } from '../feed/types.ts';
import { TickerTable, type TickerMarketDetail, type TickerStateDetail } from './ticker-table.component.ts';

export { TickerTable };
export type { TickerMarketDetail, TickerStateDetail, TickerTableState } from './ticker-table.component.ts';

if (!customElements.get('ticker-table')) customElements.define('ticker-table', TickerTable);

declare global {
  interface HTMLElementTagNameMap {
    'ticker-table': TickerTable;
  }
  interface HTMLElementEventMap {
    'ticker-tick': CustomEvent<FeedTick>;
    'ticker-state': CustomEvent<TickerStateDetail>;
    'ticker-market': CustomEvent<TickerMarketDetail>;
  }
}

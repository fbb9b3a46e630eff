// Defines <ticker-table>, unless the page already has (another copy of this module may have run).

import type { Tick } from '../../../backend/types.ts';
import { TickerTable, type TickerStateDetail } from './ticker-table.component.ts';

export { TickerTable };
export type { TickerStateDetail, TickerTableState } from './ticker-table.component.ts';

if (!customElements.get('ticker-table')) customElements.define('ticker-table', TickerTable);

declare global {
  interface HTMLElementTagNameMap {
    'ticker-table': TickerTable;
  }
  interface HTMLElementEventMap {
    'ticker-tick': CustomEvent<Tick>;
    'ticker-state': CustomEvent<TickerStateDetail>;
  }
}

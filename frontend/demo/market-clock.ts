// The demo page's market clock: the live table's `ticker-market` events as a line of text,
// `Mon 2 Mar 2026 09:31:05 ET · Regular session`. (Its own module, not the library's: the demo
// script shares no module with ticktape.js, which stays one self-contained file.)

import type { MarketSession } from '../../backend/types.ts';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A market time (`2026-03-02T09:31:05.250-05:00`, New York local time with its offset) as
 * `Mon 2 Mar 2026 09:31:05 ET`: read from the string's own fields, which are already New York's, so
 * no time-zone database is needed. Null for anything else.
 */
export function formatMarketTime(marketTime: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?[+-]\d{2}:\d{2}$/.exec(marketTime);
  if (!m) return null;
  const [, year, month, day, time] = m;
  const weekday = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDay();
  return `${WEEKDAYS[weekday]} ${Number(day)} ${MONTHS[Number(month) - 1]} ${year} ${time} ET`;
}

const SESSION_NAMES: Record<MarketSession, string> = {
  'pre-market': 'Pre-market session',
  regular: 'Regular session',
  'after-hours': 'After-hours session',
  closed: 'Market closed',
};

/** The clock's line for a `ticker-market` detail: `Mon 2 Mar 2026 09:31:05 ET · Regular session`. */
export function marketClockText(market: { session: MarketSession; marketTime: string }): string {
  const time = formatMarketTime(market.marketTime) ?? market.marketTime;
  return `${time} · ${SESSION_NAMES[market.session] ?? market.session}`;
}

// The library entry, built into ticktape.js: importing it defines <ticker-table>.

export { TickerTable } from './ticker-table/ticker-table.ts';
export type { TickerMarketDetail, TickerStateDetail, TickerTableState } from './ticker-table/ticker-table.ts';
export { FeedHub, pageFeedHub } from './feed/hub.ts';
export { resolveStreamUrl } from './feed/urls.ts';
export type {
  FeedListener,
  FeedState,
  FeedStatus,
  FeedSubscription,
  FeedTick,
  MarketInfo,
  ResetInfo,
  SubscribeOptions,
} from './feed/types.ts';
export type { MarketSession, QuoteEvent, StatusEvent, Tick, TradeTick } from '../../backend/types.ts';

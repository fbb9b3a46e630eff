// The library entry, built into ticktape.js: importing it defines <ticker-table>.

export { TickerTable } from './ticker-table/ticker-table.ts';
export type { TickerStateDetail, TickerTableState } from './ticker-table/ticker-table.ts';
export { FeedHub, pageFeedHub } from './feed/hub.ts';
export { resolveStreamUrl } from './feed/urls.ts';
export type { FeedListener, FeedState, FeedStatus, FeedSubscription, ResetInfo, SubscribeOptions } from './feed/types.ts';
export type { Tick } from '../../backend/types.ts';

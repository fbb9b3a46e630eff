// The SSE client for tests; it lives in scripts/lib/sse-client.ts because `npm run chaos` attaches
// the same clients.
export { blocksOf, bodyOf, connectSse, MARKET_EVENT_NAMES, marketEventsOf, ticksOf, type SseConnection, type SseEvent } from '../../../scripts/lib/sse-client.ts';

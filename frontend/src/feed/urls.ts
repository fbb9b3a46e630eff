// Every address derived from a table's `src`: the stream itself, and the HTTP API beside it
// (`…/stream` → `…/api/NAME`, so a src behind a path prefix such as `https://host/ticks/stream`
// reaches `https://host/ticks/api/quotes`). The feed, the component and the symbol names all ask here.

/** The stream address: `src` resolved against the page, or `/stream` of the page's origin. */
export function resolveStreamUrl(src: string | null | undefined, baseUrl: string): URL {
  return new URL(src && src.trim() ? src.trim() : '/stream', baseUrl);
}

/**
 * The stream filtered to `symbols` (null: every symbol) and resumed after `resume` (null: from a
 * snapshot) of history `epoch` (null: not known yet, so the server only says which it serves; see
 * the server README, "History identity"), with the heartbeat as events the feed can observe
 * (watchdog.ts). Other query parameters of the src are kept.
 */
export function streamUrl(stream: URL, symbols: ReadonlySet<string> | null, resume: number | null, epoch: string | null = null): string {
  const url = new URL(stream);
  url.searchParams.set('heartbeat', 'event');
  if (symbols) url.searchParams.set('symbols', sortedList(symbols));
  else url.searchParams.delete('symbols');
  if (resume !== null) url.searchParams.set('lastEventId', String(resume));
  else url.searchParams.delete('lastEventId');
  url.searchParams.set('epoch', epoch ?? '');
  return url.href;
}

/**
 * `/api/quotes` beside the stream: the latest quote of each of `symbols` (a set is sent sorted, a
 * list in its own order; null or empty: every symbol), with the last `history` prices of each when given.
 */
export function quotesUrl(stream: URL, symbols: ReadonlySet<string> | readonly string[] | null, history?: number): string {
  const url = new URL('api/quotes', stream);
  const list = symbols instanceof Set ? sortedList(symbols) : (symbols as readonly string[] | null)?.join(',');
  if (list) url.searchParams.set('symbols', list);
  if (history !== undefined) url.searchParams.set('history', String(history));
  return url.href;
}

/** `/api/symbols` beside the stream: the universe's symbols and names. */
export function symbolsUrl(stream: URL): string {
  return new URL('api/symbols', stream).href;
}

function sortedList(symbols: ReadonlySet<string>): string {
  return [...symbols].sort().join(',');
}

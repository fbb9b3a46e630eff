// Symbol names for the tables' hover titles, fetched once per API address and shared by every table.

import { symbolsUrl } from './feed/urls.ts';

/** Names per API address; a failed or refused request is forgotten, so the next table asks again. */
const namesByApi = new Map<string, Promise<Map<string, string>>>();

/** The names of the universe behind a stream URL (`…/stream` → `…/api/symbols`); empty until known. */
export function symbolNames(streamUrl: URL, fetchFn: (url: string) => Promise<Response>): Promise<Map<string, string>> {
  const api = symbolsUrl(streamUrl);
  let names = namesByApi.get(api);
  if (!names) {
    names = fetchFn(api)
      .then((res) => {
        if (!res.ok) throw new Error(`${api} answered ${res.status}`);
        return res.json() as Promise<{ symbols: { symbol: string; name: string }[] }>;
      })
      .then((body) => new Map(body.symbols.map((s) => [s.symbol, s.name] as const)))
      .catch(() => {
        namesByApi.delete(api); // not cached: a restarting server answers 503 for a moment
        return new Map<string, string>();
      });
    namesByApi.set(api, names);
  }
  return names;
}

// Query-parameter parsing shared by /stream and the API, throwing catalogue errors.
import { errors } from './errors.ts';
import { isEventIdText } from '../stream/sse.ts';
import { isEventKind } from '../log/event-json.ts';
import { EVENT_KINDS, type MarketEventKind } from '../types.ts';

/** `symbols=AAPL,msft`: null when absent (every symbol); a 400 naming any unknown symbol. */
export function parseSymbolFilter(raw: string | string[] | undefined, universe: ReadonlySet<string>): Set<string> | null {
  if (raw === undefined) return null;
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  const names = text.split(',').map((s) => asciiUpperCase(s.trim()));
  if (names.some((n) => n === '')) throw errors.badSymbols('symbols', text);
  const unknown = names.filter((n) => !universe.has(n));
  if (unknown.length > 0) throw errors.unknownSymbol('symbols', [...new Set(unknown)]);
  return new Set(names);
}

/**
 * `events=tick,quote`: the event kinds wanted, null when absent (every kind); a 400 naming the
 * parameter and the kinds there are for an empty list or an unknown kind. Kinds are lower case, as
 * the `event:` field of the stream spells them.
 */
export function parseEventKinds(raw: string | string[] | undefined): Set<MarketEventKind> | null {
  if (raw === undefined) return null;
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  const kinds = new Set<MarketEventKind>();
  for (const name of text.split(',').map((s) => s.trim())) {
    if (!isEventKind(name)) throw errors.badChoice('events', name, EVENT_KINDS);
    kinds.add(name);
  }
  return kinds;
}

/**
 * Symbols compare case-insensitively in ASCII only. `String#toUpperCase` applies Unicode case
 * mapping, under which `ſ` (long s) becomes `S` and `ı` (dotless i) becomes `I`, so `tſla` would
 * pass for TSLA: a name only the ASCII letters a-z map into is the name it spells.
 */
export function asciiUpperCase(text: string): string {
  return text.replace(/[a-z]+/g, (run) => run.toUpperCase());
}

/** A non-negative integer parameter up to 2^53, or `fallback` when absent. */
export function parseCount(param: string, raw: string | string[] | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const text = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (!isEventIdText(text) || Number(text) < min) {
    throw errors.badInteger(param, text, min > 0 ? `an integer ≥ ${min}` : 'a non-negative integer');
  }
  return Number(text);
}

/** A parameter that names one of `choices` exactly (case matters), or `fallback` when absent. */
export function parseChoice<C extends string>(param: string, raw: string | string[] | undefined, choices: readonly C[], fallback: C): C {
  const text = single(raw);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw errors.badChoice(param, text, choices);
  return text as C;
}

export function single(raw: string | string[] | undefined): string | undefined {
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

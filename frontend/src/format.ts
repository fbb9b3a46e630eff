// Number formatting for the ticker table: one cached Intl.NumberFormat per style and locale,
// because constructing formatters is far more expensive than using them (we format on every tick).

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string | undefined, key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const cacheKey = `${locale ?? ''}|${key}`;
  let f = formatters.get(cacheKey);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    formatters.set(cacheKey, f);
  }
  return f;
}

/** A price with two decimals: `1,234.50`. */
export function formatPrice(value: number, locale?: string): string {
  return formatter(locale, 'price', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/** A signed price change: `+1.42`, `−0.30`, `0.00`. */
export function formatChange(value: number, locale?: string): string {
  return formatter(locale, 'change', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: 'exceptZero',
  }).format(value);
}

/** A signed percentage given in percent units (the tick's `changePct`): `0.755` → `+0.76%`. */
export function formatChangePct(pct: number, locale?: string): string {
  return formatter(locale, 'pct', {
    style: 'percent',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: 'exceptZero',
  }).format(pct / 100);
}

/** A share volume with grouping: `1,234,500`. */
export function formatVolume(value: number, locale?: string): string {
  return formatter(locale, 'volume', { maximumFractionDigits: 0 }).format(value);
}

/** A count of events: `12,345`. */
export function formatCount(value: number, locale?: string): string {
  return formatter(locale, 'count', { maximumFractionDigits: 0 }).format(value);
}

/** Direction of a move, for colouring: the sign of `value`, with zero as `flat`. */
export function direction(value: number): 'up' | 'down' | 'flat' {
  return value > 0 ? 'up' : value < 0 ? 'down' : 'flat';
}

/**
 * The `points` of an SVG polyline drawing `values` into a `width` × `height` box (y grows
 * downwards, so higher prices are nearer the top). A flat or single-value series is a
 * horizontal line through the middle.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number, inset = 1): string {
  const n = values.length;
  if (n === 0) return '';
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  const usable = height - 2 * inset;
  const step = n > 1 ? width / (n - 1) : 0;
  let out = '';
  for (let i = 0; i < n; i++) {
    const x = n > 1 ? i * step : width / 2;
    const y = span === 0 ? height / 2 : inset + (1 - (values[i] - min) / span) * usable;
    out += `${i ? ' ' : ''}${round1(x)},${round1(y)}`;
  }
  return n === 1 ? `0,${round1(height / 2)} ${width},${round1(height / 2)}` : out;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/**
 * Parses a `symbols` attribute (`"aapl, MSFT"`) into upper-case names; blank means "all". Null
 * when it is not blank but names no symbol (`" , "`): the server refuses that (`BAD_SYMBOLS`), and
 * showing every symbol instead would hide the mistake.
 */
export function parseSymbols(value: string | null | undefined): string[] | null {
  if (!value || !value.trim()) return [];
  const seen = new Set<string>();
  for (const part of value.split(',')) {
    const s = part.trim().toUpperCase();
    if (s) seen.add(s);
  }
  return seen.size ? [...seen] : null;
}

/** The largest log id the server accepts as a resume point (README.md, "Server-Sent Events": "up to 2^53"). */
const MAX_EVENT_ID = 2 ** 53;

/** Whether `id` is a resume point the server accepts: an integer from 0 to 2^53. */
export function isEventId(id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id <= MAX_EVENT_ID;
}

/**
 * Parses a `last-event-id` attribute as the server parses `lastEventId`: digits only, so `""`,
 * `" 5"` and `"1e3"` are not 0, 5 and 1000 but NaN, which the table shows as an error rather than
 * replaying the wrong part of the log. Null (no replay) only when the attribute is absent.
 */
export function parseEventId(value: string | null): number | null {
  if (value === null) return null;
  const id = /^\d+$/.test(value) ? Number(value) : NaN;
  return isEventId(id) ? id : NaN;
}

export const SPARKLINE_DEFAULT = 48;
/** Enough for any sparkline width; more would only cost memory per row. */
export const SPARKLINE_MAX = 1000;

/** How many prices a sparkline keeps: the default for anything not a number, else clamped to 2…1000. */
export function sparklineCapacity(length: number): number {
  if (typeof length !== 'number' || !Number.isFinite(length)) return SPARKLINE_DEFAULT;
  return Math.min(SPARKLINE_MAX, Math.max(2, Math.round(length)));
}

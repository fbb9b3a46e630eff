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

/** Parses a `symbols` attribute (`"aapl, MSFT"`) into upper-case names; empty means "all". */
export function parseSymbols(value: string | null | undefined): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  for (const part of value.split(',')) {
    const s = part.trim().toUpperCase();
    if (s) seen.add(s);
  }
  return [...seen];
}

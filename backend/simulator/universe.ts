// The built-in universe: well-known US large caps with round-number prices and parameters in the
// range their real counterparts have shown (annualised volatility, expected return, quoted spread,
// beta to the S&P 500, average daily volume as traded in 2024). Illustrative, not market data.
import type { SymbolSpec } from '../types.ts';

/** Treat as read-only; `builtinSymbol` hands out copies for callers that want to edit one. */
export const BUILTIN_UNIVERSE: SymbolSpec[] = [
  { symbol: 'AAPL', name: 'Apple Inc.', price: 189.5, volatility: 0.25, drift: 0.1, spreadBps: 1, beta: 1.2, adv: 55_000_000 },
  { symbol: 'MSFT', name: 'Microsoft Corporation', price: 410, volatility: 0.22, drift: 0.1, spreadBps: 1, beta: 1.1, adv: 20_000_000 },
  { symbol: 'GOOGL', name: 'Alphabet Inc. Class A', price: 165, volatility: 0.28, drift: 0.1, spreadBps: 2, beta: 1.1, adv: 25_000_000 },
  { symbol: 'AMZN', name: 'Amazon.com, Inc.', price: 185, volatility: 0.32, drift: 0.12, spreadBps: 2, beta: 1.3, adv: 40_000_000 },
  { symbol: 'NVDA', name: 'NVIDIA Corporation', price: 120, volatility: 0.5, drift: 0.15, spreadBps: 2, beta: 1.8, adv: 250_000_000 },
  { symbol: 'META', name: 'Meta Platforms, Inc.', price: 500, volatility: 0.38, drift: 0.12, spreadBps: 2, beta: 1.3, adv: 13_000_000 },
  { symbol: 'TSLA', name: 'Tesla, Inc.', price: 240, volatility: 0.58, drift: 0.12, spreadBps: 3, beta: 2, adv: 90_000_000 },
  { symbol: 'JPM', name: 'JPMorgan Chase & Co.', price: 200, volatility: 0.22, drift: 0.08, spreadBps: 2, beta: 1.1, adv: 9_000_000 },
  { symbol: 'V', name: 'Visa Inc.', price: 275, volatility: 0.2, drift: 0.09, spreadBps: 2, beta: 0.9, adv: 7_000_000 },
  { symbol: 'XOM', name: 'Exxon Mobil Corporation', price: 115, volatility: 0.26, drift: 0.06, spreadBps: 2, beta: 0.8, adv: 15_000_000 },
  { symbol: 'KO', name: 'The Coca-Cola Company', price: 62, volatility: 0.15, drift: 0.05, spreadBps: 3, beta: 0.6, adv: 14_000_000 },
  { symbol: 'NFLX', name: 'Netflix, Inc.', price: 650, volatility: 0.4, drift: 0.12, spreadBps: 3, beta: 1.3, adv: 3_500_000 },
];


/**
 * Parameters for a symbol named only with a price (`--symbols QAA:50`): a typical large cap, so
 * an ad-hoc name behaves like the rest of the feed.
 */
export const DEFAULT_SYMBOL_PARAMETERS = Object.freeze({ volatility: 0.3, drift: 0.08, spreadBps: 2, beta: 1 });

/** Case-insensitive lookup in any universe; symbols are conventionally upper case. */
export function findSymbol(universe: readonly SymbolSpec[], name: string): SymbolSpec | undefined {
  const wanted = name.toUpperCase();
  return universe.find((spec) => spec.symbol.toUpperCase() === wanted);
}

/** A built-in symbol by name (case-insensitive), as a fresh mutable copy, or undefined. */
export function builtinSymbol(name: string): SymbolSpec | undefined {
  const spec = findSymbol(BUILTIN_UNIVERSE, name);
  return spec && { ...spec };
}

/** A symbol outside the built-in universe, with the default parameters. */
export function customSymbol(symbol: string, price: number): SymbolSpec {
  return { symbol, name: symbol, price, ...DEFAULT_SYMBOL_PARAMETERS };
}

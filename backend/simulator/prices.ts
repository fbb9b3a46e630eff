// Money on the cent grid. The engine keeps prices at full precision and rounds only what it
// emits, in integer cents, so a calm symbol keeps drifting below the cent and never freezes, and
// JSON prints 189.42, never 189.42000000000002.

/**
 * Money to integer cents. The 1e-9 nudge undoes float error from arithmetic (a price that should
 * be x.xx5 exactly but arrived as x.xx4999999) without moving any genuinely sub-cent price.
 */
export function toCents(amount: number): number {
  return Math.round(amount * 100 + (amount >= 0 ? 1e-9 : -1e-9));
}

/** Integer cents to money: n/100 is the double nearest the decimal, so JSON prints e.g. 189.42. */
export function fromCents(cents: number): number {
  return cents / 100 + 0; // + 0 turns −0 into 0
}

/** Rounds to `decimals` places for emitted ratios (changePct); −0 becomes 0. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale + 0;
}

/** Bounds of the unrounded price: a cent at least, and below where cents stop being exact. */
export const PRICE_FLOOR = 0.01;
export const PRICE_CEILING = 1e9;

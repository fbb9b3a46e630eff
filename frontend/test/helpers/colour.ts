// Colours as the tests compare them. Chromium serialises computed colours in whatever space they
// were made in (`rgb(…)`, `color(srgb …)` from color-mix(), `oklab(…)` mid-animation), so they are
// read back through a canvas as 8-bit sRGB; contrast follows WCAG 2.2 (relative luminance).
import type { Page } from 'playwright-core';

/** [r, g, b] in 0–255 and alpha in 0–1. */
export type Rgba = [number, number, number, number];

/** Each CSS colour as sRGB, resolved by the page's own canvas. */
export function toRgba(page: Page, colours: string[]): Promise<Rgba[]> {
  return page.evaluate((colours) => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    return colours.map((colour) => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = colour;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return [r, g, b, a / 255] as [number, number, number, number];
    });
  }, colours);
}

/** `top` painted over the opaque `bottom`. */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => Math.round(top[i] * a + bottom[i] * (1 - a))).concat(1) as Rgba;
}

function luminance([r, g, b]: Rgba): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two opaque colours, 1 to 21. */
export function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** True for a dark colour (white text on it contrasts more than black). */
export function isDark(c: Rgba): boolean {
  return luminance(c) < 0.18;
}

/** Largest difference between two channels: 0 for a grey, large for a saturated colour. */
export function chroma([r, g, b]: Rgba): number {
  return Math.max(r, g, b) - Math.min(r, g, b);
}

export const format = ([r, g, b, a]: Rgba) => `rgba(${r}, ${g}, ${b}, ${Math.round(a * 100) / 100})`;

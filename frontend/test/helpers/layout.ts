// Layout checks shared by the browser tests of narrow screens: what overflows, and whether a
// keyboard can reach it.
import type { Page } from 'playwright-core';

export interface ScrollRegion {
  /** A readable path to the element: `tag#id.class`, with `>>` where it enters a shadow root. */
  path: string;
  scrollWidth: number;
  clientWidth: number;
}

/**
 * Elements of the page (shadow roots included) that scroll horizontally but that a keyboard user
 * cannot reach: neither focusable themselves nor holding anything focusable. This is axe-core's
 * `scrollable-region-focusable` rule, checked directly.
 */
export function unreachableScrollRegions(page: Page): Promise<ScrollRegion[]> {
  return page.evaluate(() => {
    const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"]), [contenteditable]';
    const found: { path: string; scrollWidth: number; clientWidth: number }[] = [];
    const describe = (el: Element) =>
      el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + [...el.classList].map((c) => `.${c}`).join('');
    const focusableWithin = (el: Element): boolean => {
      if (el.matches(FOCUSABLE)) return true;
      for (const child of el.querySelectorAll('*')) {
        if (child.matches(FOCUSABLE)) return true;
        if (child.shadowRoot && [...child.shadowRoot.children].some(focusableWithin)) return true;
      }
      return false;
    };
    const visit = (root: Document | ShadowRoot, prefix: string) => {
      for (const el of root.querySelectorAll('*')) {
        const style = getComputedStyle(el);
        const scrolls = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth;
        if (scrolls && !focusableWithin(el)) found.push({ path: prefix + describe(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth });
        if (el.shadowRoot) visit(el.shadowRoot, `${prefix}${describe(el)} >> `);
      }
    };
    visit(document, '');
    return found;
  });
}

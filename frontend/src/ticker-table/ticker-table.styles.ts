// Styles of <ticker-table>. Public custom properties (--ticker-*) are read once into private ones
// (--_*). Only the base colours have a light and a dark default (switched by prefers-color-scheme);
// every other colour is mixed from the base ones, so a page that sets --ticker-bg and --ticker-fg
// gets a header, rules, hover and flash that match them in both schemes.
//
// What the colours mean: green and red (--_up, --_down) say only "above / below the previous
// close" (the change columns and the sparkline); the latest tick is shown apart from them, by a
// neutral row flash and an arrow before the price.
//
// Over ~350 lines because it is one stylesheet: the column sets per container width, the colour
// mixing and the parts all read the same private properties, and splitting it would scatter them.

import { css } from 'lit';

export const tickerTableStyles = css`
  :host {
    --_bg: var(--ticker-bg, #ffffff);
    --_fg: var(--ticker-fg, #111827);
    --_muted: var(--ticker-muted, color-mix(in srgb, var(--_fg) 64%, var(--_bg)));
    --_border: var(--ticker-border, color-mix(in srgb, var(--_fg) 11%, var(--_bg)));
    --_header-bg: var(--ticker-header-bg, color-mix(in srgb, var(--_fg) 3%, var(--_bg)));
    --_row-hover: var(--ticker-row-hover, color-mix(in srgb, var(--_fg) 4%, transparent));
    /* Mixed towards the text colour, so they stay readable on a light or a dark background. */
    --_up: var(--ticker-up, color-mix(in srgb, #10b981 60%, var(--_fg)));
    --_down: var(--ticker-down, color-mix(in srgb, #ef4444 70%, var(--_fg)));
    --_accent: var(--ticker-accent, color-mix(in srgb, #3b82f6 75%, var(--_fg)));
    /* Neutral: a flash says "this row just ticked", never which way (that is the arrow's job). */
    --_flash: var(--ticker-flash, color-mix(in srgb, var(--_fg) 10%, transparent));
    --_flash-up: var(--ticker-flash-up, var(--_flash));
    --_flash-down: var(--ticker-flash-down, var(--_flash));
    --_font: var(
      --ticker-font,
      ui-sans-serif,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Helvetica Neue',
      Arial,
      sans-serif
    );
    --_mono: var(--ticker-mono-font, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_font-size: var(--ticker-font-size, 0.875rem);
    --_pad-block: var(--ticker-cell-padding-block, 0.45em);
    --_pad-inline: var(--ticker-cell-padding-inline, 0.8em);
    --_radius: var(--ticker-radius, 12px);
    /* Shorter than the default 500 ms between ticks, so a row is not tinted all the time. */
    --_flash-duration: var(--ticker-flash-duration, 250ms);
    --_spark-width: var(--ticker-sparkline-width, 96px);
    --_spark-height: var(--ticker-sparkline-height, 1.5em);

    display: block;
    box-sizing: border-box;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
    contain: content;
    /* Inline-size containment would let a shrink-to-fit parent (a flex row, an inline-block)
       collapse the table to nothing; this keeps room for the compact columns instead. */
    min-inline-size: min(100%, 20rem);
    /* The columns shown follow the table's own width, not the viewport's (see the @container rules). */
    container: ticker-table / inline-size;
  }

  /* Inherited text properties are set here rather than on :host, where the page's own rules
     (say "* { color: red }") would win and be inherited by everything inside. */
  .base {
    font-family: var(--_font);
    font-size: var(--_font-size);
    font-weight: 400;
    font-style: normal;
    font-variant: normal;
    line-height: 1.4;
    letter-spacing: normal;
    word-spacing: normal;
    text-align: start;
    text-indent: 0;
    text-transform: none;
    text-shadow: none;
    white-space: normal;
    color: var(--_fg);
    cursor: auto;
    visibility: visible;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--ticker-bg, #0f141c);
      --_fg: var(--ticker-fg, #e5e9f0);
    }
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .status {
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.55em var(--_pad-inline);
    border-bottom: 1px solid var(--_border);
    color: var(--_muted);
    font-size: 0.92em;
    min-height: 2.4em;
  }

  .dot {
    flex: none;
    width: 0.55em;
    height: 0.55em;
    border-radius: 50%;
    background: var(--_muted);
  }
  .status[data-state='live'] .dot {
    background: var(--_up);
    box-shadow: 0 0 0 0.2em color-mix(in srgb, var(--_up) 25%, transparent);
  }
  .status[data-state='replaying'] .dot {
    background: var(--_accent);
  }
  .status[data-state='reconnecting'] .dot,
  .status[data-state='connecting'] .dot {
    background: #d97706;
  }
  .status[data-state='error'] .dot {
    background: var(--_down);
  }

  .label {
    color: var(--_fg);
    font-weight: 600;
  }
  .detail {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .status[data-state='error'] .detail {
    color: var(--_down);
  }
  .cursor {
    margin-inline-start: auto;
    font-family: var(--_mono);
    font-variant-numeric: tabular-nums;
    font-size: 0.92em;
    white-space: nowrap;
  }

  /* Focusable and named (role=region, labelled by the caption), so a keyboard user can scroll
     what still overflows; shadows at the edges show that there is more to the side. */
  .scroller {
    overflow-x: auto;
    overscroll-behavior-x: contain;
    background:
      linear-gradient(to right, var(--_bg) 40%, transparent) left / 2em 100% no-repeat local,
      linear-gradient(to left, var(--_bg) 40%, transparent) right / 2em 100% no-repeat local,
      radial-gradient(farthest-side at 0 50%, color-mix(in srgb, var(--_fg) 22%, transparent), transparent)
        left / 0.75em 100% no-repeat scroll,
      radial-gradient(farthest-side at 100% 50%, color-mix(in srgb, var(--_fg) 22%, transparent), transparent)
        right / 0.75em 100% no-repeat scroll;
    scrollbar-width: thin;
    scrollbar-color: var(--_border) transparent;
  }
  .scroller:focus {
    outline: none;
  }
  .scroller:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: -2px;
    border-radius: 0 0 var(--_radius) var(--_radius);
  }

  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
    font-feature-settings: 'tnum' 1;
  }

  caption {
    caption-side: top;
    text-align: start;
    padding: 0.7em var(--_pad-inline) 0.35em;
    font-weight: 600;
    font-size: 0.8em;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--_muted);
  }
  /* The market's session: said in words (a colour would be taken for green/red's meaning). Open
     reads in the text colour, the other sessions in the muted one. */
  .session {
    display: inline-block;
    margin-inline-start: 0.6em;
    padding: 0 0.6em;
    border: 1px solid var(--_border);
    border-radius: 999px;
    font-size: 0.92em;
    letter-spacing: 0.04em;
    white-space: nowrap;
  }
  .session[data-session='regular'] {
    color: var(--_fg);
  }

  th,
  td {
    padding: var(--_pad-block) var(--_pad-inline);
    white-space: nowrap;
    border-bottom: 1px solid var(--_border);
  }

  thead th {
    position: sticky;
    top: 0;
    background: var(--_header-bg);
    color: var(--_muted);
    font-weight: 600;
    font-size: 0.85em;
    text-align: end;
  }
  thead th.symbol,
  thead th.trend {
    text-align: start;
  }

  tbody tr:last-child > * {
    border-bottom: 0;
  }
  tbody tr:hover {
    background: var(--_row-hover);
  }

  tbody th {
    text-align: start;
    font-weight: 600;
  }
  .code {
    display: block;
    font-family: var(--_mono);
    letter-spacing: 0.01em;
  }
  /* The company name, under the symbol: shown, not only in a hover title, for touch users. */
  .name {
    display: block;
    max-inline-size: 8.5em;
    overflow: hidden;
    text-overflow: ellipsis;
    color: var(--_muted);
    font-size: 0.78em;
    font-weight: 400;
    line-height: 1.25;
  }
  .name:empty {
    display: none;
  }

  .num {
    text-align: end;
  }
  td.price {
    font-weight: 600;
  }
  /* The direction of the latest tick: an arrow in the muted colour, before the price so that
     the digits stay aligned. Its alternative text is empty: the price is what is read out. */
  td.price::before {
    content: '';
    display: inline-block;
    inline-size: 1.1em;
    text-align: start;
    color: var(--_muted);
    font-size: 0.7em;
    font-weight: 400;
    vertical-align: 0.1em;
  }
  td.price[data-tick='up']::before {
    content: '▲' / '';
  }
  td.price[data-tick='down']::before {
    content: '▼' / '';
  }
  .up {
    color: var(--_up);
  }
  .down {
    color: var(--_down);
  }

  .trend {
    width: var(--_spark-width);
    padding-block: 0;
  }
  svg {
    display: block;
    width: var(--_spark-width);
    height: var(--_spark-height);
    overflow: visible;
  }
  polyline {
    fill: none;
    stroke: var(--_muted);
    stroke-width: 1.5;
    stroke-linejoin: round;
    stroke-linecap: round;
    vector-effect: non-scaling-stroke;
  }
  svg.up polyline {
    stroke: var(--_up);
  }
  svg.down polyline {
    stroke: var(--_down);
  }

  /* Fewer columns as the table gets narrower (its own width inside the border, at the default font
     size): the quote sizes go first, then bid and ask, then volume, then the absolute change; below
     440 px the cells and the sparkline tighten, and below 300 px the sparkline and the company
     names go too. */
  @container ticker-table (width < 900px) {
    .bid-size,
    .ask-size {
      display: none;
    }
  }
  @container ticker-table (width < 740px) {
    .bid,
    .ask {
      display: none;
    }
  }
  @container ticker-table (width < 580px) {
    .volume {
      display: none;
    }
  }
  @container ticker-table (width < 500px) {
    .change {
      display: none;
    }
  }
  @container ticker-table (width < 440px) {
    th,
    td {
      padding-inline: calc(var(--_pad-inline) * 0.6);
    }
    .trend,
    svg {
      width: calc(var(--_spark-width) * 0.45);
    }
    .name {
      max-inline-size: 6em;
    }
  }
  @container ticker-table (width < 300px) {
    .trend,
    .name {
      display: none;
    }
  }

  /* Two identical animations per direction: alternating between them restarts the flash. Both
     directions flash the same neutral colour unless the page sets --ticker-flash-up/-down. */
  tr.flash-up-0 {
    animation: flash-up-0 var(--_flash-duration) ease-out;
  }
  tr.flash-up-1 {
    animation: flash-up-1 var(--_flash-duration) ease-out;
  }
  tr.flash-down-0 {
    animation: flash-down-0 var(--_flash-duration) ease-out;
  }
  tr.flash-down-1 {
    animation: flash-down-1 var(--_flash-duration) ease-out;
  }
  @keyframes flash-up-0 {
    from {
      background-color: var(--_flash-up);
    }
  }
  @keyframes flash-up-1 {
    from {
      background-color: var(--_flash-up);
    }
  }
  @keyframes flash-down-0 {
    from {
      background-color: var(--_flash-down);
    }
  }
  @keyframes flash-down-1 {
    from {
      background-color: var(--_flash-down);
    }
  }
  :host([no-flash]) tr {
    animation: none;
  }
  @media (prefers-reduced-motion: reduce) {
    tr {
      animation: none !important;
    }
  }

  .message {
    padding: 1.2em var(--_pad-inline);
    color: var(--_muted);
    text-align: start;
    white-space: normal;
  }
  .message.error {
    color: var(--_down);
  }
  .message code {
    font-family: var(--_mono);
    font-size: 0.9em;
  }
`;

// Styles of <ticker-table>. Public custom properties (--ticker-*) are read once into private ones
// (--_*) whose fallbacks switch with prefers-color-scheme, so a page that sets a property wins in
// both schemes and a page that sets nothing gets light or dark automatically.

import { css } from 'lit';

export const tickerTableStyles = css`
  :host {
    --_bg: var(--ticker-bg, #ffffff);
    --_fg: var(--ticker-fg, #111827);
    --_muted: var(--ticker-muted, #6b7280);
    --_border: var(--ticker-border, #e5e7eb);
    --_header-bg: var(--ticker-header-bg, #f9fafb);
    --_row-hover: var(--ticker-row-hover, rgb(17 24 39 / 0.04));
    --_up: var(--ticker-up, #047857);
    --_down: var(--ticker-down, #b91c1c);
    --_flash-up: var(--ticker-flash-up, rgb(16 185 129 / 0.28));
    --_flash-down: var(--ticker-flash-down, rgb(239 68 68 / 0.28));
    --_accent: var(--ticker-accent, #2563eb);
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
    --_flash-duration: var(--ticker-flash-duration, 900ms);
    --_spark-width: var(--ticker-sparkline-width, 96px);
    --_spark-height: var(--ticker-sparkline-height, 1.5em);

    display: block;
    box-sizing: border-box;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
    contain: content;
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
      --_muted: var(--ticker-muted, #8b95a7);
      --_border: var(--ticker-border, #232b38);
      --_header-bg: var(--ticker-header-bg, #151b25);
      --_row-hover: var(--ticker-row-hover, rgb(255 255 255 / 0.04));
      --_up: var(--ticker-up, #34d399);
      --_down: var(--ticker-down, #f87171);
      --_flash-up: var(--ticker-flash-up, rgb(52 211 153 / 0.22));
      --_flash-down: var(--ticker-flash-down, rgb(248 113 113 / 0.22));
      --_accent: var(--ticker-accent, #60a5fa);
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

  .scroller {
    overflow-x: auto;
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
    font-family: var(--_mono);
    letter-spacing: 0.01em;
  }
  tbody th[title] {
    cursor: help;
  }

  .num {
    text-align: end;
  }
  .price {
    font-weight: 600;
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

  /* Two identical animations per direction: alternating between them restarts the flash. */
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

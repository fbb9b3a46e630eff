// JSX knows HTML's elements only; this tells it <ticker-table>'s attributes (React 19 sets them as
// properties where the element has one). The element's own type comes from ticktape's declarations.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { TickerTable } from 'ticktape/ticker-table';

type TickerTableAttributes = Partial<Pick<TickerTable, 'src' | 'symbols' | 'caption' | 'lastEventId' | 'noFlash' | 'sparklineLength'>>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'ticker-table': DetailedHTMLProps<HTMLAttributes<TickerTable>, TickerTable> & TickerTableAttributes;
    }
  }
}

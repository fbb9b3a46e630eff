// <ticker-table> in a React 19 app: the element is rendered like any other, its events are
// listened to through a ref, and ticktape's declarations type both.
import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Tick } from 'ticktape';
import 'ticktape/ticker-table';
import type { TickerTable } from 'ticktape/ticker-table';

// Start a server with `npx ticktape` (http://127.0.0.1:8080), or point VITE_TICKTAPE_STREAM at yours.
const stream = import.meta.env.VITE_TICKTAPE_STREAM || 'http://127.0.0.1:8080/stream';

function Quotes() {
  const table = useRef<TickerTable>(null);
  const [last, setLast] = useState<Tick | null>(null);

  useEffect(() => {
    const element = table.current!;
    const onTick = (event: HTMLElementEventMap['ticker-tick']) => setLast(event.detail);
    element.addEventListener('ticker-tick', onTick);
    return () => element.removeEventListener('ticker-tick', onTick);
  }, []);

  return (
    <main>
      <h1>Quotes</h1>
      <ticker-table ref={table} src={stream} symbols="AAPL,MSFT,NVDA" />
      <p>
        Last tick: <output id="last">{last ? `${last.symbol} ${last.price.toFixed(2)} (id ${last.id})` : 'none yet'}</output>
      </p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Quotes />
  </StrictMode>,
);

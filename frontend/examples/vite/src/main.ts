// <ticker-table> in a plain Vite app: importing the module defines the element, and its
// declarations type it (createElement returns a TickerTable, `ticker-tick` carries a Tick).
import 'ticktape/ticker-table';

// Start a server with `npx ticktape` (http://127.0.0.1:8080), or point VITE_TICKTAPE_STREAM at yours.
const stream = import.meta.env.VITE_TICKTAPE_STREAM || 'http://127.0.0.1:8080/stream';

const table = document.createElement('ticker-table');
table.src = stream;
table.symbols = 'AAPL,MSFT,NVDA';
document.querySelector('main')!.append(table);

const last = document.querySelector<HTMLOutputElement>('#last')!;
table.addEventListener('ticker-tick', (event) => {
  const tick = event.detail;
  last.value = `${tick.symbol} ${tick.price.toFixed(2)} (id ${tick.id})`;
});

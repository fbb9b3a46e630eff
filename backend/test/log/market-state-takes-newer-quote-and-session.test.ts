// marketState (log/symbol-state.ts), what the snapshot and /api/quotes are made of, over a real
// SQLite log written by hand event by event: one entry per symbol that has traded, in symbol order,
// shaped as a tick with the trade's id and fields, bid/ask/bidSize/askSize from the symbol's quote
// when that quote is newer than the trade, and the session of the log's newest event. An entry with
// nothing to change is the stored trade's bytes. The same state comes back after a reopen (the
// caches are rebuilt from the file).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLog } from '../../log/log.ts';
import type { EventLog } from '../../log/event-log.ts';
import { marketState } from '../../log/symbol-state.ts';
import type { TradeTick } from '../../types.ts';
import { WIRE_KEYS } from '../helpers/market-events.ts';
import { draft, quoteDraft, statusDraft, tempDir, type TempDir } from './fixtures/log-fixtures.ts';

let tmp: TempDir;
let log: EventLog;
test.before.each(() => {
  tmp = tempDir();
  log = openLog({ path: tmp.file(), retention: 1000 });
});
test.after.each(() => {
  log.close();
  tmp.remove();
});

/** The stored JSON of event `id`. */
const stored = (id: number) => log.readAfter(id - 1, null, 1)[0].json;
const parsed = (json: string) => JSON.parse(json) as TradeTick;

test('an empty log: no entries, no session, no market time', () => {
  assert.equal(marketState(log, null), { states: [], session: null, marketTime: null });
});

test('trades with no newer quote and no session change: the stored trades, byte for byte, in symbol order', () => {
  // ids: 1 status, 2 quote MSFT, 3 trade MSFT, 4 trade AAPL
  log.append([statusDraft('regular', 1), quoteDraft('MSFT', 2), draft('MSFT', 3), draft('AAPL', 4)]);
  const state = marketState(log, null);
  assert.equal(state.states, [stored(4), stored(3)]);
  assert.is(state.session, 'regular');
  assert.is(state.marketTime, draft('AAPL', 4).marketTime);
});

test('a quote newer than the trade lends its bid, ask and sizes; every other field and the id stay the trade\'s', () => {
  log.append([draft('AAPL', 1), draft('MSFT', 2), quoteDraft('AAPL', 37)]);
  const [aapl, msft] = marketState(log, null).states.map(parsed);
  const trade = parsed(stored(1));
  const quote = JSON.parse(stored(3));
  assert.equal(aapl, { ...trade, bid: quote.bid, ask: quote.ask, bidSize: quote.bidSize, askSize: quote.askSize });
  assert.is(aapl.id, 1);
  assert.not.equal([aapl.bid, aapl.ask, aapl.bidSize, aapl.askSize], [trade.bid, trade.ask, trade.bidSize, trade.askSize], 'the fixture quote differs from the trade');
  assert.equal(Object.keys(aapl), WIRE_KEYS.tick, 'an entry is shaped as a tick');
  assert.is(marketState(log, null).states[1], stored(2), 'MSFT has no quote: its stored trade');
  assert.is(msft.id, 2);
  // A newer trade replaces the quote's numbers with its own again.
  log.append([draft('AAPL', 50)]);
  assert.is(marketState(log, null).states[0], stored(4));
});

test('the session is the newest event\'s: a status after the trades changes every entry\'s session', () => {
  log.append([draft('AAPL', 1), quoteDraft('MSFT', 2), draft('MSFT', 3), statusDraft('after-hours', 9)]);
  const state = marketState(log, null);
  assert.is(state.session, 'after-hours');
  assert.is(state.marketTime, statusDraft('after-hours', 9).marketTime);
  const entries = state.states.map(parsed);
  assert.equal(entries.map((e) => e.session), ['after-hours', 'after-hours']);
  assert.equal(entries[0], { ...parsed(stored(1)), session: 'after-hours' });
  assert.equal(entries[1], { ...parsed(stored(3)), session: 'after-hours' });
  for (const entry of entries) assert.equal(Object.keys(entry), WIRE_KEYS.tick);
  // The market closes: session and market time follow the newest event, which has no symbol.
  log.append([statusDraft('closed', 12)]);
  assert.equal(marketState(log, null).states.map((s) => parsed(s).session), ['closed', 'closed']);
  assert.is(marketState(log, null).marketTime, statusDraft('closed', 12).marketTime);
});

test('a symbol that has only quoted has no entry; a symbol filter keeps the named symbols\' entries', () => {
  log.append([quoteDraft('NVDA', 1), draft('AAPL', 2), draft('MSFT', 3), quoteDraft('MSFT', 4), quoteDraft('TSLA', 5)]);
  assert.equal(marketState(log, null).states.map((s) => parsed(s).symbol), ['AAPL', 'MSFT']);
  const filtered = marketState(log, new Set(['MSFT', 'NVDA']));
  assert.equal(filtered.states.map((s) => parsed(s).symbol), ['MSFT']);
  assert.is(parsed(filtered.states[0]).bid, JSON.parse(stored(4)).bid);
  // Session and market time are the market's, whatever the filter.
  assert.is(filtered.session, 'regular');
  assert.is(filtered.marketTime, quoteDraft('TSLA', 5).marketTime);
  assert.equal(marketState(log, new Set(['NVDA'])).states, []);
});

test('after a reopen the state is the same: the caches come back from the file', () => {
  log.append([draft('AAPL', 1), quoteDraft('AAPL', 2), draft('MSFT', 3), statusDraft('closed', 4)]);
  log.append([quoteDraft('MSFT', 5), quoteDraft('NVDA', 6)]);
  const before = marketState(log, null);
  log.close();
  log = openLog({ path: tmp.file(), retention: 1000 });
  assert.equal(marketState(log, null), before);
  assert.is(before.states.length, 2);
  assert.is(parsed(before.states[1]).bid, JSON.parse(stored(5)).bid);
});

test.run();

import type { MarketEvent, MarketEventDraft, QuoteEvent, SymbolSpec, TradeTick } from '../types.ts';

/** The market model as the pipeline drives it (SPEC-8); `createMarket` in market.ts builds one. */
export interface Simulator {
  readonly universe: readonly SymbolSpec[];
  /**
   * The next step's events, stamped `ts`, in market-time order. Deterministic in the number of
   * steps taken: the wall clock only provides the stamp, never the path.
   */
  step(ts: number): MarketEventDraft[];
  /** Move `symbol`'s price by `pct` percent at the next step (admin news shock). */
  shock(symbol: string, pct: number): void;
  /** The whole state (clock, prices, day statistics, regime, generators) with `version: 2`. */
  checkpoint(): string;
  /**
   * Continue exactly where `checkpoint()` left off; symbols new to the universe start fresh.
   * Throws ModelVersionError for another model's checkpoint (model 1's included).
   */
  restore(checkpoint: string): void;
  /** No usable checkpoint (a former leader's log grew by replication): continue from the log. */
  resumeFromEvents(latest: { trades: TradeTick[]; quotes: QuoteEvent[]; newest: MarketEvent | null; lastId: number }): void;
}

export interface Scheduler {
  start(): void;
  stop(): void;
  pause(): void;
  resume(): void;
  /** True while started and not paused. */
  generating(): boolean;
}

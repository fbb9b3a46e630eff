import type { MarketEvent, MarketEventDraft, QuoteEvent, SymbolSpec, TradeTick } from '../types.ts';

/** What a path resumes from when no checkpoint is usable: the log's newest events. */
export interface ResumePoint {
  /** The newest trade of each symbol. */
  trades: TradeTick[];
  /** The newest quote of each symbol. */
  quotes: QuoteEvent[];
  /** The newest event of any kind (its market time is where the clock resumes); null when empty. */
  newest: MarketEvent | null;
  /** The log's last id, which the resumed random streams are seeded from. */
  lastId: number;
}

/** A market model on the generator's clock (market model v2: backend/simulator/market.ts). */
export interface Simulator {
  readonly universe: readonly SymbolSpec[];
  /**
   * The next batch of events, stamped `ts`, in market-time order. Deterministic in the number of
   * steps taken: the wall clock only provides the stamp, never the path.
   */
  step(ts: number): MarketEventDraft[];
  /** Move `symbol`'s price by `pct` percent at the next step (admin news shock). */
  shock(symbol: string, pct: number): void;
  /** Full-precision state with the model version, as a string. */
  checkpoint(): string;
  /** Continue exactly where `checkpoint()` left off; throws ModelVersionError for another model's. */
  restore(checkpoint: string): void;
  /** No usable checkpoint (a former leader whose log grew by replication): continue from the log. */
  resumeFromEvents(from: ResumePoint): void;
}

export interface Scheduler {
  start(): void;
  stop(): void;
  pause(): void;
  resume(): void;
  /** True while started and not paused. */
  generating(): boolean;
}

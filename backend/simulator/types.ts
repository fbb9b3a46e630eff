import type { SymbolSpec, Tick, TickDraft } from '../types.ts';

export interface SimulatorOptions {
  universe: SymbolSpec[];
  /** Any non-negative safe integer; all randomness derives from it. */
  seed: number;
  /** Scheduler period in ms. */
  intervalMs: number;
  /** Simulated seconds per real second. The model's step is intervalMs × speed of trading time. */
  speed: number;
}

export interface Simulator {
  readonly universe: readonly SymbolSpec[];
  /**
   * The next batch, one tick per symbol, stamped `ts`. Deterministic in the number of steps taken:
   * the wall clock only provides the stamp, never the path.
   */
  step(ts: number): TickDraft[];
  /** Move `symbol`'s price by `pct` percent at the next step (admin news shock). */
  shock(symbol: string, pct: number): void;
  /** Full-precision state (prices, session stats, RNG states, step count) as a string. */
  checkpoint(): string;
  /** Continue exactly where `checkpoint()` left off; symbols new to the universe start fresh. */
  restore(checkpoint: string): void;
  /** Fallback when a log has no checkpoint: continue from each symbol's newest tick. */
  resumeFromTicks(latest: Tick[]): void;
}

export interface Scheduler {
  start(): void;
  stop(): void;
  pause(): void;
  resume(): void;
  /** True while started and not paused. */
  generating(): boolean;
}

// What the admin endpoints may ask of the node's generator, and the one thing they can be told
// back. Owned here, not by http/, so that whoever holds a generator (server.ts, cluster/) needs
// nothing from the web layer; http/ maps NotGeneratingError to its code `NOT_A_GENERATOR`.

/** The admin view of a generator: null on a node that does not generate at all (an edge). */
export interface GeneratorControl {
  /** Stop the clock on this node; outlives leadership changes until resume(). */
  pause(): void;
  resume(): void;
  /** Move `symbol` by `pct` percent at the next batch; RangeError if that leaves the price range. */
  shock(symbol: string, pct: number): void;
  /** True while batches are being generated (started and not paused). */
  generating(): boolean;
}

/** This node has no simulated path to act on right now (e.g. a `--role simulator` standby). */
export class NotGeneratingError extends Error {
  /** The node's role as a client should read it, e.g. `simulator (standby)`. */
  readonly role: string;

  constructor(role: string) {
    super(`this node (role ${role}) does not generate ticks`);
    this.name = 'NotGeneratingError';
    this.role = role;
  }
}

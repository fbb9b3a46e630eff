// A node's open conflicts with the cluster's history, for /healthz and /metrics: what this node
// found that it must not serve or write, reported loudly once per episode and held until resolved.
//
//   foreign-entry  the stream holds an entry that is not a tick ticktape wrote (a follower stopped
//                  before it; resolved when following gets past that point)
//   generator      a `--role all` node found another generator on its stream (it stopped
//                  generating and follows; resolved only by a restart with another configuration)
//   history        a writer found the stream holds another history than its log
import type { Logger } from '../logger.ts';

/** Every kind of conflict, as `/healthz` names it (the OpenAPI document lists them from here). */
export const CONFLICT_KINDS = ['foreign-entry', 'generator', 'history'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

export interface Conflicts {
  /** Open a conflict (logged at `error` once per episode) and count it. */
  report(kind: ConflictKind, fields: Record<string, unknown>): void;
  /** Close a conflict of this kind, if open. */
  resolve(kind: ConflictKind): void;
  /** The open conflict (the first reported, if several), null when none. */
  current(): ConflictKind | null;
  /** Conflicts reported since the process started (each episode once). */
  total(): number;
}

export function createConflicts(logger: Logger): Conflicts {
  const open = new Set<ConflictKind>();
  let total = 0;
  return {
    report(kind, fields) {
      if (open.has(kind)) return;
      open.add(kind);
      total++;
      logger('history.conflict', { kind, ...fields }, 'error');
    },
    resolve(kind) {
      if (open.delete(kind)) logger('history.conflict_resolved', { kind });
    },
    current: () => (open.size > 0 ? [...open][0] : null),
    total: () => total,
  };
}

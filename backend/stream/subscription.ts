// One SSE subscription (a connection to /stream with its filter of symbols and event kinds) from its first byte to
// going live: the resume decision of the contract (snapshot, replay, or reset + snapshot) and the
// replay itself, paged from the log with back-pressure. The hand-over to live is gap- and
// duplicate-free because the log is synchronous: the read that finds the head and `hub.goLive` run
// in one JavaScript task, and every batch is committed and broadcast in one task too, so no batch
// can fall between them.
import type { ServerResponse } from 'node:http';
import type { EventLog } from '../log/event-log.ts';
import { marketState } from '../log/symbol-state.ts';
import type { Hub, StreamClient } from './hub.ts';
import { eventFrames, heartbeatFrame, historyFrame, RETRY_LINE, resetFrame, snapshotFrame, type ResetReason } from './sse.ts';

/** Rows per replay read: large enough to amortise the query, small enough to bound memory. */
const REPLAY_PAGE = 500;

export interface SubscriptionDeps {
  log: EventLog;
  hub: Hub;
  /** Rows per replay read (tests make it small to exercise paging). */
  replayPage?: number;
}

export type ResumeDecision =
  | { kind: 'snapshot' }
  | { kind: 'replay'; after: number }
  | { kind: 'reset'; reason: ResetReason };

/**
 * Within the log when oldestId − 1 ≤ N ≤ lastId (so 0 on an unpruned log replays everything), and
 * when the resume point's history (`epoch`, if the client sent one) is the log's.
 */
export function decideResume(resumeFrom: number | undefined, oldestId: number, lastId: number, epochs?: { client: string; log: string }): ResumeDecision {
  if (resumeFrom === undefined) return { kind: 'snapshot' };
  if (epochs && epochs.client !== '' && epochs.client !== epochs.log) return { kind: 'reset', reason: 'history' };
  // An empty log has no oldest id: only a resume point at its head (0) is within it.
  const floor = lastId === 0 ? 0 : oldestId - 1;
  if (resumeFrom < floor) return { kind: 'reset', reason: 'expired' };
  if (resumeFrom > lastId) return { kind: 'reset', reason: 'unknown' };
  return { kind: 'replay', after: resumeFrom };
}

/**
 * Run the subscription on a response whose headers are already sent. Resolves when the client is live
 * or gone; from then on the hub feeds it.
 */
export async function runSubscription(
  client: StreamClient,
  resumeFrom: number | undefined,
  deps: SubscriptionDeps,
  /** `?epoch=`: the history of the client's resume point ('' when it does not know it yet); undefined when not sent. */
  clientEpoch?: string,
): Promise<void> {
  const { log, hub } = deps;
  const page = deps.replayPage ?? REPLAY_PAGE;
  if (closed(client)) return;
  hub.attach(client);
  // The retry line opens the first event's block, whichever event that turns out to be. A client
  // that asked for heartbeat events gets one at once: it learns the period before any silence.
  client.res.write(client.heartbeat === 'event' ? RETRY_LINE + heartbeatFrame(hub.heartbeatMs) : RETRY_LINE);
  // Only to clients that ask: an event a plain client does not know would still reach onmessage-style parsers.
  if (clientEpoch !== undefined) client.res.write(historyFrame(log.epoch()));

  const epochs = clientEpoch === undefined ? undefined : { client: clientEpoch, log: log.epoch() };
  const decision = decideResume(resumeFrom, log.oldestId(), log.lastId(), epochs);
  if (decision.kind !== 'replay') {
    resetAndGoLive(client, decision.kind === 'reset' ? decision.reason : null, deps);
    return;
  }

  let cursor = decision.after;
  for (;;) {
    if (closed(client)) return;
    // Retention may have pruned past us while we waited for the socket: say so rather than
    // skip what was pruned (the check and the read are one synchronous step).
    if (log.oldestId() > cursor + 1) {
      resetAndGoLive(client, 'expired', deps);
      return;
    }
    const rows = log.readAfter(cursor, client.filter, page);
    let flushed = true;
    if (rows.length > 0) {
      flushed = hub.writeReplay(client, eventFrames(rows), rows.length);
      cursor = rows[rows.length - 1].id;
    }
    if (rows.length < page) {
      hub.goLive(client);
      return;
    }
    if (closed(client)) return;
    // Let other clients and the scheduler run between pages; wait for the socket when it is full.
    if (!flushed) await drainedOrClosed(client.res);
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** `reset` (when given a reason), then a snapshot and live, in one task: the snapshot's id is the head the live feed continues from. */
function resetAndGoLive(client: StreamClient, reason: ResetReason | null, { log, hub }: SubscriptionDeps): void {
  if (reason) client.res.write(resetFrame(reason, log.oldestId(), log.lastId(), log.epoch()));
  client.res.write(snapshotFrame(log.lastId(), marketState(log, client.filter?.symbols ?? null).states));
  hub.goLive(client);
}

/** Gone, or ended by the hub (shutdown, or a follower's log started over): stop replaying. */
function closed(client: StreamClient): boolean {
  return client.res.destroyed || client.res.writableEnded;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

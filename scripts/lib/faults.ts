// The cluster faults that both the chaos runs (scripts/chaos.ts) and the cluster tests inject, as
// one sequence each, so a test asserts on exactly the fault the chaos runs repeat.
import { Redis } from 'ioredis';
import { getJson, waitUntil } from './http.ts';

/** A node in its own process: the part of ChildServer a fault needs. */
interface Killable {
  readonly url: string;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<unknown>;
}

/** The cluster feed's Redis key (backend/bus/redis/feed.ts DEFAULT_FEED_KEY). */
export const FEED_KEY = 'ticktape:ticks';

/** Pauses are only ever waited out here: what a fault holds is time passing, not an event. */
export const hold = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The id of the newest event in the cluster feed, 0 when it is empty or gone. */
export async function streamLast(raw: Redis): Promise<number> {
  const [newest] = await raw.xrevrange(FEED_KEY, '+', '-', 'COUNT', 1);
  return newest ? Number(newest[0].split('-')[0]) : 0;
}

/**
 * Redis forgets everything (FLUSHALL) while the leader is stopped and a standby (already stopped by
 * the caller, so it lags) is the first to find the stream gone and the lease free. Both run again
 * after it: the standby half a second before the leader.
 */
export async function flushWhileLeaderStopped(redisUrl: string, leader: Killable, standby: Killable): Promise<void> {
  const raw = new Redis(redisUrl);
  try {
    leader.kill('SIGSTOP');
    await raw.flushall();
    await hold(1000);
    standby.kill('SIGCONT');
    await hold(500);
    leader.kill('SIGCONT');
  } finally {
    raw.disconnect();
  }
}

/**
 * The leader is killed (-9) while Redis stalls writes (`CLIENT PAUSE 2500 WRITE`), holding at least
 * 40 committed events the stream never got; returns once a new leader has written past them (under
 * the same ids, other events). `beforeKill` runs just before the kill (to sample the leader). Returns
 * the leader's last id when it was killed.
 */
export async function killLeaderDuringWriteStall(redisUrl: string, leader: Killable, beforeKill?: () => void): Promise<number> {
  const raw = new Redis(redisUrl);
  try {
    await raw.call('CLIENT', 'PAUSE', '2500', 'WRITE');
    // The leader commits locally (local-first) while the stream cannot take its batches.
    const killedAt = await waitUntil(async () => {
      const own = (await getJson<{ lastEventId: number }>(`${leader.url}/healthz`)).body.lastEventId;
      return own - (await streamLast(raw)) >= 40 ? own : undefined;
    }, 'an unpublished tail of 40 events');
    beforeKill?.();
    leader.kill('SIGKILL');
    await leader.exited;
    // The standby takes over once the lease expires and writes its own events under those ids.
    await waitUntil(async () => (await streamLast(raw)) > killedAt + 40 || undefined, 'the new leader past the old tail', 30_000);
    return killedAt;
  } finally {
    raw.disconnect();
  }
}

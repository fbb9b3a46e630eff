// A history's identity (its epoch): a random token that a log, the cluster stream, each of its
// entries and /healthz carry, so that two ticks under one id are compared only within one history
// and a client or node holding ids of another history is told so instead of mixing them.
import { randomBytes } from 'node:crypto';

/** A new history's epoch: 64 random bits as 16 lower-case hex digits. */
export function newEpoch(): string {
  return randomBytes(8).toString('hex');
}

/** Whether `value` is an epoch as newEpoch() makes them (how one read from Redis or a URL is checked). */
export function isEpoch(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{16}$/.test(value);
}

// How many connections a node holds, and what it says when it holds no more. Two layers:
//
//   streams   `/stream` clients, counted in total (`--max-clients`) and per remote address
//             (`--max-clients-per-ip`); one more is refused in HTTP, 503 or 429 with Retry-After.
//   sockets   every TCP connection, capped at the stream limit plus a reserve, so that /healthz,
//             /metrics and the API still answer when the streams are at their limit; and kept
//             below the process's open-file limit, because past it the kernel refuses accept()
//             and libuv closes the connection without telling us (no 'error', nothing logged).
//
// A refused socket cannot be answered in HTTP (it has sent nothing yet): Node closes it and emits
// 'drop'. Refusals are counted, and logged once per episode: one line when they start, one when
// the node has room again (its sockets back under 90 % of the cap), with how many were refused.
import fs from 'node:fs';
import type http from 'node:http';
import type { Logger } from '../logger.ts';
import { errors } from './errors.ts';

/** Sockets kept for everything that is not a stream (health checks, scrapes, API calls). */
export const SOCKET_RESERVE = 64;
/** Files the process needs besides its sockets, above those open at start (SQLite, Redis, static files). */
const FILE_HEADROOM = 32;
/** Seconds a refused client is asked to wait before it tries again. */
export const RETRY_AFTER_S = 5;

export type RefusalReason = 'max_clients' | 'max_clients_per_ip' | 'max_connections' | 'accept_error';
const REASONS: readonly RefusalReason[] = ['max_clients', 'max_clients_per_ip', 'max_connections', 'accept_error'];

export interface ConnectionLimitOptions {
  /** `--max-clients`: 0 = no limit of its own (the socket cap still applies). */
  maxClients: number;
  /** `--max-clients-per-ip`: 0 = off. */
  maxClientsPerIp: number;
  logger: Logger;
  /** The process's open-file limit; read from /proc/self/limits when not given, null if unknown. */
  openFileLimit?: number | null;
}

export interface ConnectionLimits {
  /** Takes a stream slot for `address`, or throws TOO_MANY_CLIENTS (503) / TOO_MANY_CLIENTS_FROM_ADDRESS (429). Returns its release. */
  admitStream(address: string): () => void;
  /** Caps `server`'s sockets and listens for refused ones. Call once, before it listens. */
  watch(server: http.Server): void;
  /** Refusals so far, by reason. */
  refused(): Record<RefusalReason, number>;
  /** The limits in force: streams (null = none) and sockets (null = none). */
  limits(): { streams: number | null; sockets: number | null };
}

export function createConnectionLimits(options: ConnectionLimitOptions): ConnectionLimits {
  const { logger, maxClientsPerIp } = options;
  const fileLimit = options.openFileLimit === undefined ? readOpenFileLimit() : options.openFileLimit;
  const socketsByFiles = fileLimit === null ? Infinity : Math.max(SOCKET_RESERVE + 1, fileLimit - openFiles() - FILE_HEADROOM);
  const socketCap = Math.min(options.maxClients > 0 ? options.maxClients + SOCKET_RESERVE : Infinity, socketsByFiles);
  const streamCap = Math.min(options.maxClients > 0 ? options.maxClients : Infinity, socketCap - SOCKET_RESERVE);

  const perAddress = new Map<string, number>();
  let streams = 0;
  let sockets = 0;
  const counts = Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
  let episode: { reason: RefusalReason; refused: number } | null = null;

  function refuse(reason: RefusalReason, fields: Record<string, unknown> = {}): void {
    counts[reason]++;
    if (episode) {
      episode.refused++;
      return;
    }
    episode = { reason, refused: 1 };
    logger('http.connections_refused', { reason, sockets, streams, socketLimit: finite(socketCap), streamLimit: finite(streamCap), ...fields }, 'warn');
  }

  /** An episode ends once there is room again, with some margin so a node at its limit does not log every accept. */
  function maybeRecovered(): void {
    if (!episode || sockets > 0.9 * socketCap || streams > 0.9 * streamCap) return;
    logger('http.connections_recovered', { reason: episode.reason, refused: episode.refused, sockets, streams });
    episode = null;
  }

  return {
    admitStream(address) {
      if (streams >= streamCap) {
        refuse('max_clients');
        throw errors.tooManyClients(finite(streamCap)!, RETRY_AFTER_S);
      }
      const mine = perAddress.get(address) ?? 0;
      if (maxClientsPerIp > 0 && mine >= maxClientsPerIp) {
        counts.max_clients_per_ip++;
        throw errors.tooManyClientsFromAddress(maxClientsPerIp, RETRY_AFTER_S);
      }
      streams++;
      perAddress.set(address, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        streams--;
        const left = perAddress.get(address)! - 1;
        if (left === 0) perAddress.delete(address);
        else perAddress.set(address, left);
        maybeRecovered();
      };
    },
    watch(server) {
      if (Number.isFinite(socketCap)) server.maxConnections = socketCap;
      server.on('connection', (socket) => {
        sockets++;
        socket.once('close', () => {
          sockets--;
          maybeRecovered();
        });
      });
      server.on('drop', () => refuse('max_connections'));
      // accept() failing (EMFILE, ENFILE, ENOMEM): libuv reports it here when it cannot shed the
      // connection itself. Without a listener it would be thrown, and the process would exit.
      server.on('error', (err: NodeJS.ErrnoException) => {
        if (!server.listening) return;
        refuse('accept_error', { code: err.code, error: err.message });
      });
    },
    refused: () => ({ ...counts }),
    limits: () => ({ streams: finite(streamCap), sockets: finite(socketCap) }),
  };
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/** The soft limit on open files (`ulimit -n`), from Linux's /proc; null elsewhere or when unlimited. */
export function readOpenFileLimit(): number | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return match && match[1] !== 'unlimited' ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Files this process has open now (its baseline before serving), 0 when it cannot tell. */
function openFiles(): number {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

// The HTTP requests a feed makes beside its stream, and how their failures read: `/api/quotes` as
// JSON, and the stream URL itself when the EventSource has failed, whose `error` event carries no
// detail (WHATWG HTML, "Server-sent events": after an HTTP error, a wrong content type or a CORS
// failure the browser "fails the connection" and never retries).

import type { FeedEnvironment } from './types.ts';

const DIAGNOSE_TIMEOUT_MS = 10_000;
/** How long `/api/quotes` may take, headers and body, before it counts as a failed attempt. */
export const REQUEST_TIMEOUT_MS = 10_000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** Why a request or a stream failed. */
export type Problem = {
  status: number | null;
  message: string;
  code?: string;
  /** The answer was not ticktape's: an error page rather than its JSON, or not an event stream. */
  foreign?: boolean;
};

type JsonAnswer = ({ ok: true; body: unknown } | ({ ok: false } & Problem)) & { status: number | null };

/** A 4xx: asking again will not help. */
export function isRefusal(problem: { status: number | null }): boolean {
  return problem.status !== null && problem.status >= 400 && problem.status < 500;
}

/**
 * What a table shows for `problem`. Something other than ticktape answering at the page's own
 * origin (`defaultSrc`: the table has no src) is most likely an embedder who left out `src`.
 */
export function explain(problem: Problem, defaultSrc: boolean, origin: string): string {
  if (!problem.foreign || !defaultSrc) return problem.message;
  return (
    `${problem.message}. The table has no src, so it tried /stream of this page's origin (${origin}): ` +
    'set src to your ticktape server\'s stream, such as src="http://HOST:8080/stream"'
  );
}

/** The wait before the next retry, after waiting `ms` before this one: 1 s, doubling up to 30 s. */
export function backOff(ms: number): number {
  return Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, ms * 2));
}

/**
 * GETs a JSON answer; an unreachable server is `Cannot reach ORIGIN`, and one that accepts the
 * connection but has not answered (headers and body) within REQUEST_TIMEOUT_MS is `No answer from
 * ORIGIN`: both transient, so the caller retries, where a hung request would hold a table in
 * `connecting` for ever (a server stopped with SIGSTOP, a proxy that never forwards).
 */
export async function fetchJson(
  env: Pick<FeedEnvironment, 'fetch' | 'setTimeout' | 'clearTimeout'>,
  url: string,
  origin: string,
): Promise<JsonAnswer> {
  const controller = new AbortController();
  const timer = env.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const res = await env.fetch(url, { signal: controller.signal });
    if (res.ok) return { ok: true, status: res.status, body: await res.json() };
    return { ok: false, status: res.status, ...(await readError(res, url)) };
  } catch {
    const message = controller.signal.aborted ? `No answer from ${origin} in ${REQUEST_TIMEOUT_MS / 1000} s` : `Cannot reach ${origin}`;
    return { ok: false, status: null, message };
  } finally {
    env.clearTimeout(timer);
  }
}

/** Fetches the stream URL itself to read what the EventSource cannot tell us; null if unreachable. */
export async function diagnose(env: Pick<FeedEnvironment, 'fetch' | 'setTimeout' | 'clearTimeout'>, url: string): Promise<Problem | null> {
  const controller = new AbortController();
  const timer = env.setTimeout(() => controller.abort(), DIAGNOSE_TIMEOUT_MS);
  try {
    const res = await env.fetch(url, { signal: controller.signal });
    if (res.ok) {
      const type = res.headers.get('Content-Type') ?? '';
      if (/^text\/event-stream\b/i.test(type)) return { status: res.status, message: 'The stream closed' };
      return {
        status: res.status,
        message: `${url} answered ${res.status} with ${type ? `Content-Type ${type}` : 'no Content-Type'}, not an event stream`,
        foreign: true,
      };
    }
    return { status: res.status, ...(await readError(res, url)) };
  } catch {
    return null;
  } finally {
    env.clearTimeout(timer);
    controller.abort(); // never keep a stream open just to diagnose it
  }
}

/** The server's `{"error","code"}`, or, from anything else, which URL answered what. */
async function readError(res: Response, url: string): Promise<{ message: string; code?: string; foreign?: boolean }> {
  try {
    const body = (await res.json()) as { error?: unknown; code?: unknown };
    if (typeof body.error === 'string') {
      return { message: body.error, ...(typeof body.code === 'string' ? { code: body.code } : {}) };
    }
  } catch {
    // not JSON: fall through
  }
  return { message: `${url} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, foreign: true };
}

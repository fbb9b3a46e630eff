// GET /stream: validate everything before the first byte (a bad request is a plain 400 JSON,
// nothing streamed), then hand the raw response to its SSE subscription (stream/subscription.ts).
import type Koa from 'koa';
import type { EventLog } from '../log/event-log.ts';
import type { Hub, StreamClient } from '../stream/hub.ts';
import type { UniverseView } from '../types.ts';
import { runSubscription } from '../stream/subscription.ts';
import { HEARTBEAT_KINDS, parseEventId } from '../stream/sse.ts';
import { isEpoch } from '../log/epoch.ts';
import { errors } from './errors.ts';
import { parseChoice, parseEventKinds, parseSymbolFilter, single } from './params.ts';

export interface StreamRouteDeps {
  log: EventLog;
  hub: Hub;
  universe: UniverseView;
  replayPage?: number;
  /**
   * A node that follows the cluster (an edge) may be behind: given a resume point newer than its
   * log, wait (bounded) until its log holds it if the cluster has it. Absent on a generator.
   */
  catchUp?: (id: number) => Promise<void>;
  /** Takes a stream slot for the client's address, or throws 503/429; returns the slot's release. */
  admit?: (address: string) => () => void;
  /** Hears of a failure after the headers went out (e.g. the log failing mid-replay). */
  onError?: (err: unknown) => void;
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
} as const;

export function streamRoute(deps: StreamRouteDeps): Koa.Middleware {
  return async (ctx) => {
    const symbols = parseSymbolFilter(ctx.query.symbols, deps.universe.names());
    const kinds = parseEventKinds(ctx.query.events);
    const filter = symbols === null && kinds === null ? null : { symbols, kinds };
    const resumeFrom = resumePoint(ctx);
    const clientEpoch = epochParam(ctx);
    const heartbeat = parseChoice('heartbeat', ctx.query.heartbeat, HEARTBEAT_KINDS, 'comment');
    if (ctx.method === 'HEAD') {
      // The headers a GET would get, and no stream to hold the connection open.
      ctx.set(SSE_HEADERS);
      ctx.status = 200;
      return;
    }
    // The slot is taken before any wait, so a flood of connects cannot all pass the check at once.
    const release = deps.admit?.(ctx.req.socket.remoteAddress ?? '') ?? (() => {});
    const { req, res } = ctx;
    res.once('close', release);
    try {
      if (resumeFrom !== undefined && resumeFrom > deps.log.lastId() && deps.catchUp) await deps.catchUp(resumeFrom);
    } catch (err) {
      release();
      throw err;
    }

    ctx.respond = false;
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    if (res.destroyed) return;
    // Headers Koa already set (CORS) are on `res` and merged by writeHead.
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();

    const client: StreamClient = { res, filter, heartbeat };
    const gone = () => deps.hub.detach(client);
    res.on('close', gone);
    res.on('error', gone);
    try {
      await runSubscription(client, resumeFrom, { log: deps.log, hub: deps.hub, replayPage: deps.replayPage }, clientEpoch);
    } catch (err) {
      // Too late for an error status: drop the connection so the client reconnects and resumes.
      gone();
      res.destroy();
      deps.onError?.(err);
    }
  };
}

/** The `Last-Event-ID` header (a browser's reconnect) wins over `?lastEventId=` (a first connect). */
function resumePoint(ctx: Koa.Context): number | undefined {
  const header = ctx.get('Last-Event-ID');
  const fromHeader = ctx.request.headers['last-event-id'] !== undefined;
  const raw = fromHeader ? header : single(ctx.query.lastEventId);
  const parsed = parseEventId(raw);
  if (parsed === null) throw errors.badLastEventId(fromHeader ? 'Last-Event-ID header' : 'query parameter', raw ?? '');
  return parsed;
}


/** `?epoch=`: undefined when absent, '' when empty (the client asks to learn it), else an epoch. */
function epochParam(ctx: Koa.Context): string | undefined {
  const raw = single(ctx.query.epoch);
  if (raw === undefined || raw === '') return raw;
  if (!isEpoch(raw)) throw errors.badEpoch(raw);
  return raw;
}

// The Koa application: request counting, error shape, security headers and CORS, routes (the API's
// own OpenAPI document among them) and the 404 for everything else.
import Koa from 'koa';
import Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { Bus } from '../bus/bus.ts';
import type { Conflicts } from '../cluster/conflicts.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Hub } from '../stream/hub.ts';
import type { UniverseView } from '../types.ts';
import type { Logger } from '../logger.ts';
import type { GeneratorControl } from '../pipeline/control.ts';
import { requestCounterMetric, type RequestCounter } from '../metrics.ts';
import { adminRoutes } from './admin.ts';
import { apiRoutes } from './api.ts';
import { errorMiddleware, errors } from './errors.ts';
import { openApiText } from './openapi.ts';
import { staticRoutes } from './static.ts';
import { streamRoute } from './stream-route.ts';
import { requireBearer } from './bearer.ts';
import { demoPagePolicy, securityHeaders } from './security-headers.ts';
import { closeUnreadRequests } from './timeouts.ts';

export interface AppDeps {
  role: string;
  /** The symbols served; an edge's follows the cluster's. */
  universe: UniverseView;
  log: EventLog;
  bus: Bus;
  hub: Hub;
  metrics: Registry;
  generator: GeneratorControl | null;
  adminToken: string | null;
  /** When set, /metrics answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | null;
  /** `--cors-origin`: `*` or the origins allowed to read the feed. */
  corsOrigin?: '*' | readonly string[];
  /** `--frame-ancestors`: who may frame the demo page. */
  frameAncestors?: string;
  distDir: string;
  logger: Logger;
  /** False on a `--role simulator` node, which does not serve /stream. */
  serveStream: boolean;
  catchUp?: (id: number) => Promise<void>;
  replayPage?: number;
  conflicts?: Conflicts;
  /** Takes a `/stream` slot for a client address or throws the refusal (http/connection-limits.ts). */
  admitStream?: (address: string) => () => void;
  /** How long a body an admin route reads may take (default timeouts.ts's BODY_TIMEOUT_MS). */
  bodyTimeoutMs?: number;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Strict: `/ticktape.js/` or `/healthz/` is not the route without the slash, it is a 404.
  const router = new Router({ strict: true });

  if (deps.serveStream) {
    const onError = (err: unknown) => deps.logger('stream.error', { error: err instanceof Error ? err.message : String(err) }, 'error');
    router.get('/stream', streamRoute({ log: deps.log, hub: deps.hub, universe: deps.universe, replayPage: deps.replayPage, catchUp: deps.catchUp, onError, admit: deps.admitStream }));
  }
  apiRoutes(router, {
    role: deps.role,
    universe: deps.universe,
    log: deps.log,
    bus: deps.bus,
    clients: () => deps.hub.stats().clients,
    generating: () => deps.generator?.generating() ?? false,
    conflict: () => deps.conflicts?.current() ?? null,
  });
  adminRoutes(router, { token: deps.adminToken, role: deps.role, generator: deps.generator, universe: deps.universe, bodyTimeoutMs: deps.bodyTimeoutMs });
  const openApi = openApiText();
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = openApi;
  });
  const metricsGuard: Koa.Middleware = deps.metricsToken ? requireBearer(deps.metricsToken, 'metrics token') : (_ctx, next) => next();
  router.get('/metrics', metricsGuard, async (ctx) => {
    ctx.type = deps.metrics.contentType;
    ctx.body = await deps.metrics.metrics();
  });
  staticRoutes(router, deps.distDir, demoPagePolicy(deps.frameAncestors ?? '*'));

  // Koa reports socket errors of finished responses here; a client hanging up is not our error.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code && CLIENT_GONE.has(err.code)) return;
    deps.logger('http.error', { error: err.message, code: err.code }, 'warn');
  });
  app.use(countRequests(requestCounterMetric(deps.metrics), router));
  app.use(closeUnreadRequests);
  app.use(errorMiddleware((err) => deps.logger('http.error', { error: err instanceof Error ? err.stack : String(err) }, 'error')));
  app.use(securityHeaders({ corsOrigin: deps.corsOrigin ?? '*', frameAncestors: deps.frameAncestors ?? '*' }));
  app.use(router.routes());
  app.use((ctx) => {
    // Reached only when no route answered: 405 if the path exists under other methods, else 404.
    const allowed = new Set(router.match(ctx.path, ctx.method).path.flatMap((layer) => layer.methods));
    if (allowed.size > 0) throw errors.methodNotAllowed(ctx.method, ctx.path, [...allowed].join(', '));
    throw errors.notFound(ctx.method, ctx.path);
  });
  return app;
}

/**
 * Counts each request once its answer is decided, with the status the error middleware settled on
 * (for `/stream`: once it is live, or refused with a 4xx).
 */
function countRequests(count: RequestCounter, router: Router): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      count(routeOf(ctx, router), ctx.method, ctx.status);
    }
  };
}

/**
 * The route pattern (`/assets/:file`, whatever the file), so the label has as many values as we
 * have routes. A request no handler took (a CORS preflight, a 405) names the route whose path
 * matched under another method; anything else is `unmatched`.
 */
function routeOf(ctx: Koa.Context, router: Router): string {
  const routed = (ctx as Koa.Context & { routerPath?: string }).routerPath;
  if (routed) return routed;
  const layer = router.match(ctx.path, ctx.method).path.find((candidate) => candidate.methods.length > 0);
  return layer ? String(layer.path) : 'unmatched';
}

const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_PREMATURE_CLOSE']);

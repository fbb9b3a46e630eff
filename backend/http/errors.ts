// Every error a client can see, in one catalogue: a stable code, an HTTP status and a message
// naming what was wrong. Routes throw these; `errorMiddleware` turns them into
// `{"error": "...", "code": "..."}`. Anything else becomes a 500 with no stack trace. README.md's
// table of codes is generated from this catalogue (`npm run readme`, scripts/lib/error-docs.ts).
import type Koa from 'koa';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const errors = {
  // Query parameters
  unknownSymbol: (param: string, symbols: string[]) =>
    new HttpError(400, 'UNKNOWN_SYMBOL', `${param}: unknown symbol${symbols.length > 1 ? 's' : ''} ${symbols.join(', ')}`),
  badSymbols: (param: string, raw: string) =>
    new HttpError(400, 'BAD_SYMBOLS', `${param}: expected a comma-separated list of symbols such as AAPL,MSFT, got ${JSON.stringify(raw)}`),
  badLastEventId: (source: string, raw: string) =>
    new HttpError(400, 'BAD_LAST_EVENT_ID', `lastEventId (${source}): expected a non-negative integer up to 2^53, got ${JSON.stringify(raw)}`),
  badEpoch: (raw: string) =>
    new HttpError(400, 'BAD_EPOCH', `epoch: expected 16 lower-case hex digits (an epoch from /healthz or a history event) or nothing, got ${JSON.stringify(raw.slice(0, 64))}`),
  badInteger: (param: string, raw: string, what: string) =>
    new HttpError(400, 'BAD_PARAMETER', `${param}: expected ${what}, got ${JSON.stringify(raw)}`),
  badChoice: (param: string, raw: string, choices: readonly string[]) =>
    new HttpError(400, 'BAD_PARAMETER', `${param}: expected one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`),
  // Routing
  notFound: (method: string, path: string) => new HttpError(404, 'NOT_FOUND', `no route for ${method} ${path}`),
  methodNotAllowed: (method: string, path: string, allowed: string) =>
    new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed}`, { Allow: allowed }),
  frontendMissing: () =>
    new HttpError(503, 'FRONTEND_NOT_BUILT', 'the frontend is not built; run `npm run build` (npm start does it for you)'),
  // Admin
  adminDisabled: () =>
    new HttpError(403, 'ADMIN_DISABLED', 'admin endpoints are disabled: start the server with --admin-token or TICKTAPE_ADMIN_TOKEN'),
  unauthorized: (what: string) =>
    new HttpError(401, 'UNAUTHORIZED', `missing credentials: send Authorization: Bearer <${what}>`, { 'WWW-Authenticate': 'Bearer realm="ticktape"' }),
  forbidden: (what: string) => new HttpError(403, 'FORBIDDEN', `the ${what} is wrong`),
  notGenerating: (role: string) =>
    new HttpError(409, 'NOT_A_GENERATOR', `this node (role ${role}) does not generate ticks; send admin requests to the generating node`),
  badBody: (message: string) => new HttpError(400, 'BAD_BODY', message),
  unsupportedMediaType: () =>
    new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body must be JSON (Content-Type: application/json)'),
  bodyTooLarge: (limit: number) => new HttpError(413, 'BODY_TOO_LARGE', `the request body is larger than ${limit} bytes`),
  requestTimeout: (seconds: number) =>
    new HttpError(408, 'REQUEST_TIMEOUT', `the request (headers and body) did not arrive within ${seconds} s`, { Connection: 'close' }),
  // Limits
  tooManyClients: (limit: number, retryAfterS: number) =>
    new HttpError(503, 'TOO_MANY_CLIENTS', `this node serves at most ${limit} streams and all are taken; retry in ${retryAfterS} s or use another node`, {
      'Retry-After': String(retryAfterS),
    }),
  tooManyClientsFromAddress: (limit: number, retryAfterS: number) =>
    new HttpError(429, 'TOO_MANY_CLIENTS_FROM_ADDRESS', `at most ${limit} streams per client address; close one, or retry in ${retryAfterS} s`, {
      'Retry-After': String(retryAfterS),
    }),
  // Server state
  logUnavailable: () => new HttpError(503, 'LOG_UNAVAILABLE', 'the event log is unavailable'),
  internal: () => new HttpError(500, 'INTERNAL', 'internal server error'),
  /** Koa's own 4xx (e.g. a malformed URL), in our shape: its status, its message when Koa exposes it. */
  badRequest: (status: number, message: string) => new HttpError(status, 'BAD_REQUEST', message),
} as const;

export function errorBody(err: HttpError): string {
  return JSON.stringify({ error: err.message, code: err.code });
}

/** Outermost middleware: JSON errors for everything, never a stack trace on the wire. */
export function errorMiddleware(onUnexpected: (err: unknown) => void): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      let err: HttpError;
      if (caught instanceof HttpError) {
        err = caught;
      } else if (isClientError(caught)) {
        err = errors.badRequest(caught.status, caught.expose ? caught.message : 'bad request');
      } else {
        onUnexpected(caught);
        err = errors.internal();
      }
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.type = 'application/json';
      ctx.body = errorBody(err);
    }
  };
}

function isClientError(err: unknown): err is { status: number; expose?: boolean; message: string } {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

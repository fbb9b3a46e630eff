// How long a client may take to send its request. Node's defaults let a client trickle headers for
// a minute (headersTimeout 60 s, checked every 30 s: 70.8 s measured before the 408) and a body for
// five minutes (requestTimeout 300 s), and after an early answer (a 401 to a request whose body is
// still coming) Node keeps reading and discarding the body to reuse the connection. Here headers
// get 10 s and a whole request 30 s, a body our routes read gets 10 s, and a request answered
// before its body arrived has its connection closed with the answer.
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type Koa from 'koa';
import { errorBody, errors, HttpError } from './errors.ts';

export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** For a body a route reads (the admin shock's JSON): shorter than the request's, so the answer is ours. */
export const BODY_TIMEOUT_MS = 10_000;

/** Options for `http.createServer`: the bounds above, checked every second (Node's default is every 30 s). */
export const REQUEST_TIMEOUTS = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionsCheckingInterval: 1000,
} as const;

/**
 * Reads a request body of at most `maxBytes` within BODY_TIMEOUT_MS, or throws BODY_TOO_LARGE /
 * REQUEST_TIMEOUT (the connection then closes with the answer: see closeUnreadRequests).
 */
export function readBody(req: IncomingMessage, maxBytes: number, timeoutMs = BODY_TIMEOUT_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: unknown) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', finish).off('aborted', onAborted);
      if (err) {
        req.pause();
        reject(err);
      } else {
        resolve(Buffer.concat(chunks));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(errors.bodyTooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onAborted = () => finish(new Error('the client aborted the request'));
    const timer = setTimeout(() => finish(errors.requestTimeout(timeoutMs / 1000)), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', finish).on('aborted', onAborted);
  });
}

/**
 * Answers that went out before the request's body had all arrived close their connection: Node
 * would otherwise read and discard the rest, however slowly it comes, to reuse the connection.
 */
export const closeUnreadRequests: Koa.Middleware = async (ctx, next) => {
  try {
    await next();
  } finally {
    if (ctx.respond !== false && !ctx.req.complete) ctx.set('Connection', 'close');
  }
};

/**
 * The server's 'clientError': a request Node could not parse or that ran out of time, before any
 * route saw it. Answered in our JSON shape, written to the socket (there is no response object).
 */
export function handleClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already under way (its headers sent) cannot be followed by another: just close.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const error =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? errors.requestTimeout(HEADERS_TIMEOUT_MS / 1000)
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? errors.badRequest(431, 'the request headers are too large')
        : errors.badRequest(400, 'malformed HTTP request');
  socket.end(rawResponse(error));
}

function rawResponse(err: HttpError): string {
  const body = errorBody(err);
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[err.status] ?? 'Error';
  return (
    `HTTP/1.1 ${err.status} ${reason}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'X-Content-Type-Options: nosniff\r\n' +
    'Connection: close\r\n\r\n' +
    body
  );
}

// Bearer-token checks (RFC 6750) for the admin routes and a guarded /metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { errors } from './errors.ts';

/**
 * Middleware admitting requests with `Authorization: Bearer <token>`: 401 without credentials, 403
 * with wrong ones. `what` names the token in the messages ("admin token", "metrics token").
 */
export function requireBearer(token: string, what: string): Koa.Middleware {
  // Compare digests so the comparison takes the same time whatever the length of the guess.
  const expected = digest(token);
  return async (ctx, next) => {
    const match = /^Bearer\s+(.+)$/i.exec(ctx.get('Authorization'));
    if (!match) throw errors.unauthorized(what);
    if (!timingSafeEqual(digest(match[1].trim()), expected)) throw errors.forbidden(what);
    await next();
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

// Response headers about who may read, embed and interpret what we serve:
//
//   X-Content-Type-Options: nosniff   on every answer: a browser takes our Content-Type as given.
//   CORS                               the read-only feed is public data: `--cors-origin` (default
//                                      `*`). Admin routes send no CORS header at all, preflights
//                                      included: they are for operators' tools, not for pages.
//   Content-Security-Policy            on the demo page: scripts, styles and connections from this
//                                      origin only; who may frame it is `--frame-ancestors`
//                                      (default `*`: embedding the page in an iframe is a use).
import type Koa from 'koa';

export interface SecurityHeaderOptions {
  /** `*`, or the exact origins allowed to read the feed cross-origin. */
  corsOrigin: '*' | readonly string[];
  /** A CSP source list, e.g. `*`, `'self'`, `'none'`, `https://a.example https://b.example`. */
  frameAncestors: string;
}

/** The admin routes: no CORS headers (the OpenAPI document says so of their operations). */
export const ADMIN_PATH = /^\/api\/admin(\/|$)/;

export function securityHeaders(options: SecurityHeaderOptions): Koa.Middleware {
  const allowed = options.corsOrigin === '*' ? null : new Set(options.corsOrigin);
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (ADMIN_PATH.test(ctx.path)) return next();

    if (allowed === null) {
      ctx.set('Access-Control-Allow-Origin', '*');
    } else {
      // The answer depends on the request's Origin: caches must keep one copy per origin.
      ctx.vary('Origin');
      const origin = ctx.get('Origin');
      if (!allowed.has(origin)) return next();
      ctx.set('Access-Control-Allow-Origin', origin);
    }
    ctx.set('Access-Control-Expose-Headers', 'ETag');
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      // Authorization: /metrics behind --metrics-token. Last-Event-ID: a resuming stream.
      ctx.set('Access-Control-Allow-Headers', 'Authorization, Last-Event-ID');
      ctx.set('Access-Control-Max-Age', '86400');
      ctx.status = 204;
      return;
    }
    await next();
  };
}

/**
 * The demo page's policy. Styles allow 'unsafe-inline' because Lit writes `style` attributes and,
 * where constructable stylesheets are missing, `<style>` elements; the favicon is a data: URL.
 */
export function demoPagePolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

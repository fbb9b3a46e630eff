// The built frontend (`frontend/dist/`): the demo page at `/`, the component bundle at
// `/ticktape.js`, and any asset beside them. Embeddable from any origin, so
// Cross-Origin-Resource-Policy allows every origin (CORS is `--cors-origin`'s, security-headers.ts);
// ETags let browsers revalidate cheaply. The page carries its Content-Security-Policy.
// The page refers to everything by URLs relative to itself, so behind a reverse proxy that strips
// a prefix (`/ticktape/` → `/`) it works as served here: no base path to configure.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Router, RouterContext } from '@koa/router';
import { errors } from './errors.ts';

export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** `pagePolicy`: the demo page's Content-Security-Policy (security-headers.ts). */
export function staticRoutes(router: Router, distDir: string, pagePolicy: string): void {
  const root = path.resolve(distDir);

  async function send(ctx: RouterContext, relative: string, cacheControl: string, within = root): Promise<void> {
    const file = path.resolve(root, relative);
    if (!file.startsWith(within + path.sep)) throw errors.notFound(ctx.method, ctx.path);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      if (relative === 'index.html' || relative === 'ticktape.js') throw errors.frontendMissing();
      throw errors.notFound(ctx.method, ctx.path);
    }
    if (!stat.isFile()) throw errors.notFound(ctx.method, ctx.path);
    const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', cacheControl);
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
    ctx.type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    if (matchesIfNoneMatch(ctx.get('If-None-Match'), etag)) {
      ctx.status = 304;
      return;
    }
    ctx.body = await fs.readFile(file);
  }

  // The page and the bundle keep their names across builds: revalidate after a few minutes.
  router.get('/', (ctx) => {
    ctx.set('Content-Security-Policy', pagePolicy);
    return send(ctx, 'index.html', 'no-cache');
  });
  router.get('/ticktape.js', (ctx) => send(ctx, 'ticktape.js', 'public, max-age=300'));
  // Hashed names from the build never change content: cache them for good.
  // `:file` is decoded, so `..%2Findex.html` arrives as `../index.html`: only files inside assets/.
  const assets = path.join(root, 'assets');
  router.get('/assets/:file', (ctx) => send(ctx, path.join('assets', ctx.params.file), 'public, max-age=31536000, immutable', assets));
}

/**
 * RFC 9110 §13.1.2: If-None-Match is `*` or a list of entity tags, compared weakly (a `W/` prefix
 * on either side does not matter), so a cache that sends several tags still gets its 304.
 */
function matchesIfNoneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

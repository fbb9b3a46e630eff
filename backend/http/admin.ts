// Admin endpoints: pause, resume and news shocks, behind a bearer token.
import type Koa from 'koa';
import type Router from '@koa/router';
import { NotGeneratingError, type GeneratorControl } from '../pipeline/control.ts';
import type { UniverseView } from '../types.ts';
import { requireBearer } from './bearer.ts';
import { errors } from './errors.ts';
import { asciiUpperCase } from './params.ts';
import { readBody } from './timeouts.ts';

export interface AdminDeps {
  token: string | null;
  role: string;
  /** Null on a node that does not generate (an edge). */
  generator: GeneratorControl | null;
  universe: UniverseView;
  /** How long the shock's body may take to arrive (default BODY_TIMEOUT_MS). */
  bodyTimeoutMs?: number;
}

const MAX_BODY = 16 * 1024;

export function adminRoutes(router: Router, deps: AdminDeps): void {
  const guard = authorize(deps.token);
  const generator = (): GeneratorControl => {
    if (!deps.generator) throw errors.notGenerating(deps.role);
    return deps.generator;
  };

  router.post('/api/admin/pause', guard, (ctx) => {
    const g = generator();
    g.pause();
    ctx.body = { generating: g.generating() };
  });

  router.post('/api/admin/resume', guard, (ctx) => {
    const g = generator();
    g.resume();
    ctx.body = { generating: g.generating() };
  });

  router.post('/api/admin/shock', guard, async (ctx) => {
    const g = generator();
    const body = await readJson(ctx, deps.bodyTimeoutMs);
    const { symbol, pct } = validateShock(body, deps.universe.names());
    try {
      g.shock(symbol, pct);
    } catch (err) {
      // The simulator refuses a shock that would leave the representable price range.
      if (err instanceof RangeError) throw errors.badBody(`pct: ${err.message}`);
      // A `--role simulator` standby has no path to move.
      if (err instanceof NotGeneratingError) throw errors.notGenerating(err.role);
      throw err;
    }
    ctx.body = { symbol, pct };
  });
}

/** 403 while no token is configured; otherwise the bearer check. */
function authorize(token: string | null): Koa.Middleware {
  if (token === null) {
    return () => {
      throw errors.adminDisabled();
    };
  }
  return requireBearer(token, 'admin token');
}

async function readJson(ctx: Koa.Context, timeoutMs?: number): Promise<unknown> {
  // ctx.is() answers null for a request without a body, so look at the header itself.
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(ctx.get('Content-Type'))) throw errors.unsupportedMediaType();
  const body = await readBody(ctx.req, MAX_BODY, timeoutMs);
  if (body.length === 0) throw errors.badBody('the request body is empty; expected a JSON object such as {"symbol":"AAPL","pct":-5}');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw errors.badBody('the request body is not valid JSON');
  }
}

export function validateShock(body: unknown, universe: ReadonlySet<string>): { symbol: string; pct: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.badBody('expected a JSON object such as {"symbol":"AAPL","pct":-5}');
  }
  const { symbol, pct } = body as Record<string, unknown>;
  if (typeof symbol !== 'string' || symbol.trim() === '') throw errors.badBody('symbol: expected a symbol such as "AAPL"');
  const name = asciiUpperCase(symbol.trim());
  if (!universe.has(name)) throw errors.unknownSymbol('symbol', [name]);
  // A move of -100 % or worse would leave no price; +1000 % is already absurd for a news shock.
  if (typeof pct !== 'number' || !Number.isFinite(pct) || pct <= -100 || pct > 1000) {
    throw errors.badBody(`pct: expected a percentage above -100 and at most 1000, got ${JSON.stringify(pct)}`);
  }
  return { symbol: name, pct };
}

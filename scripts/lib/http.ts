// Small HTTP helpers for tests and `npm run chaos`: JSON requests against a real server, and polling with a deadline.

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function getJson<T = any>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${url}: expected JSON, got ${res.status} ${JSON.stringify(text.slice(0, 200))}`);
  }
  return { status: res.status, headers: res.headers, body };
}

export async function postJson<T = any>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  return getJson<T>(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Poll `check` until it returns a value other than undefined/false, or fail at the deadline. */
export async function waitUntil<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Wait until the server's log holds at least `id`. */
export function waitForLastId(baseUrl: string, id: number, timeoutMs = 10000): Promise<number> {
  return waitUntil(async () => {
    const { body } = await getJson(`${baseUrl}/healthz`);
    return body.lastEventId >= id ? (body.lastEventId as number) : undefined;
  }, `lastEventId >= ${id}`, timeoutMs);
}

/** Assert that a list of ids is strictly +1 contiguous, with a useful message. */
export function contiguity(ids: number[]): string | null {
  for (let i = 1; i < ids.length; i++) {
    if (ids[i] !== ids[i - 1] + 1) return `ids jump from ${ids[i - 1]} to ${ids[i]} at index ${i}`;
  }
  return null;
}

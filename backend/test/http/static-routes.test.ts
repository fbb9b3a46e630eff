// The built frontend: GET / is the demo page; GET /ticktape.js is an ES module embeddable from any
// origin (CORS, Cross-Origin-Resource-Policy), cacheable and revalidated with its ETag; the page's
// hashed assets are served and cached for good.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;

test.before(async () => {
  await ensureFrontendBuilt();
  server = await startTestServer({ interval: 1_000_000, symbols: 'AAPL,MSFT', seed: 1 });
});
test.after(() => server.close());

const ORIGIN = { Origin: 'https://embedder.example' };

test('GET / is the demo page: HTML that loads the component and uses <ticker-table>', async () => {
  const res = await fetch(`${server.url}/`);
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^text\/html/);
  const html = await res.text();
  assert.match(html, /^<!doctype html>/i);
  assert.match(html, /<script type="module" src="\.\/ticktape\.js"/, 'relative, so it also works under a proxy\'s prefix');
  assert.match(html, /<ticker-table\b/);
});

test('GET /ticktape.js is a JavaScript module embeddable from any origin', async () => {
  const res = await fetch(`${server.url}/ticktape.js`, { headers: ORIGIN });
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^text\/javascript\b/);
  assert.is(res.headers.get('access-control-allow-origin'), '*');
  assert.is(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
  assert.match(String(res.headers.get('cache-control')), /max-age=\d+|no-cache/);
  assert.ok(res.headers.get('etag'), 'an ETag');
  const code = await res.text();
  assert.match(code, /customElements\.define|ticker-table/, 'the bundle defines the component');
  assert.match(code, /\bexport\b|^import\b/m, 'an ES module');
  assert.is(Number(res.headers.get('content-length')), Buffer.byteLength(code));
});

test('the ETag of /ticktape.js is stable and gives 304 on If-None-Match; a stale one gives the file', async () => {
  const first = await fetch(`${server.url}/ticktape.js`);
  await first.arrayBuffer();
  const etag = first.headers.get('etag')!;
  const second = await fetch(`${server.url}/ticktape.js`);
  await second.arrayBuffer();
  assert.is(second.headers.get('etag'), etag, 'the same file has the same ETag');

  const revalidated = await fetch(`${server.url}/ticktape.js`, { headers: { 'If-None-Match': etag, ...ORIGIN } });
  assert.is(revalidated.status, 304);
  assert.is(await revalidated.text(), '');
  assert.is(revalidated.headers.get('etag'), etag);
  assert.is(revalidated.headers.get('access-control-allow-origin'), '*');
  assert.match(String(revalidated.headers.get('cache-control')), /max-age=\d+|no-cache/);

  // A cache holding several versions sends them all; tags compare weakly (RFC 9110 §13.1.2).
  for (const header of [`"older", ${etag}`, etag.replace(/^W\//, ''), '*']) {
    const listed = await fetch(`${server.url}/ticktape.js`, { headers: { 'If-None-Match': header } });
    assert.is(listed.status, 304, `If-None-Match: ${header}`);
  }

  const stale = await fetch(`${server.url}/ticktape.js`, { headers: { 'If-None-Match': 'W/"not-it"' } });
  assert.is(stale.status, 200);
  assert.ok((await stale.text()).length > 0);
});

test('the demo page revalidates too', async () => {
  const first = await fetch(`${server.url}/`);
  await first.arrayBuffer();
  const etag = first.headers.get('etag');
  assert.ok(etag);
  assert.ok(first.headers.get('cache-control'));
  const again = await fetch(`${server.url}/`, { headers: { 'If-None-Match': etag! } });
  assert.is(again.status, 304);
});

test('the page\'s hashed assets are served with their types and cached immutably', async () => {
  const html = await (await fetch(`${server.url}/`)).text();
  // Relative to the page (`./assets/…`), so they also resolve under a reverse proxy's prefix.
  const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.ok(assets.length > 0, 'the page references built assets, relative to itself');
  for (const asset of assets) {
    const res = await fetch(`${server.url}/${asset}`);
    assert.is(res.status, 200, asset);
    await res.arrayBuffer();
    const type = asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/;
    assert.match(String(res.headers.get('content-type')), type, asset);
    assert.match(String(res.headers.get('cache-control')), /immutable/, asset);
  }
});

test('HEAD /ticktape.js answers the headers without a body', async () => {
  const res = await fetch(`${server.url}/ticktape.js`, { method: 'HEAD' });
  assert.is(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^text\/javascript\b/);
  assert.is(await res.text(), '');
});

test.run();

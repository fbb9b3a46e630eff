// A tiny static server on its own port for test pages, so that pages embedding the component
// are cross-origin to the ticktape server, as an embedder's site would be.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface PageServer {
  readonly url: string;
  /** Serves `html` at `path` (replacing any page there). */
  set(path: string, html: string): string;
  close(): Promise<void>;
}

/** Also serves the files of `root` (a built app's folder; `/` is its index.html) when given. */
export async function startPageServer({ root }: { root?: string } = {}): Promise<PageServer> {
  const pages = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const page = pages.get(pathname);
    if (page === undefined) {
      const file = root && fileIn(root, pathname === '/' ? '/index.html' : pathname);
      if (file) {
        res.writeHead(200, { 'Content-Type': FILE_TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
        res.end(fs.readFileSync(file));
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    set(path, html) {
      pages.set(path, html);
      return url + path;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FILE_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The regular file at URL path `pathname` inside `root`, or null (outside it, missing, a folder). */
function fileIn(root: string, pathname: string): string | null {
  const file = path.resolve(root, '.' + decodeURIComponent(pathname));
  if (!file.startsWith(path.resolve(root) + path.sep)) return null;
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/** A page that loads the component from `ticktape` (a server URL) and shows `body`. */
export function embedPage(ticktape: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>embed</title>${head}
<script type="module" src="${ticktape}/ticktape.js"></script></head><body>${body}</body></html>`;
}

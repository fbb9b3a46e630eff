// Real nginx processes for tests, in front of a ticktape server: Debian's /usr/sbin/nginx, started
// on a free loopback port with a config in a temp dir that also holds its pid file, logs, temp
// paths and (for HTTPS) a throwaway self-signed certificate; `daemon off`, stopped by PID. Suites
// built with `nginxSuite` skip loudly when nginx is missing, or fail under TICKTAPE_REQUIRE_NGINX=1.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './process.ts';
import { missingProgramSuite } from './missing-program-suite.ts';
import { freePort } from './redis-server.ts';

export const NGINX_PATH = process.env.TICKTAPE_NGINX ?? '/usr/sbin/nginx';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 20;

export interface NginxOptions {
  /** Directives inside the `server {}` block after `listen`: the `location` blocks under test. */
  server: string;
  /** HTTPS with HTTP/2, on a self-signed certificate for 127.0.0.1 made with `openssl`. */
  http2?: boolean;
}

export interface NginxHandle {
  /** `http://127.0.0.1:PORT` (or `https://…` with `http2`), no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The access log so far (`combined` format: the request line shows the protocol). */
  accessLog(): string;
  /** SIGTERM by PID (nginx's fast shutdown, which does not wait for open streams), then wait for the exit. */
  stop(): Promise<void>;
}

export function nginxAvailable(): boolean {
  try {
    accessSync(NGINX_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function nginxRequired(): boolean {
  return process.env.TICKTAPE_REQUIRE_NGINX === '1';
}

/**
 * The nginx block of README.md's "Behind a reverse proxy" section, with its upstream
 * (`http://127.0.0.1:8080`) replaced by `upstream`: tests run the documented config, so the two
 * cannot drift apart.
 */
export function readmeNginxConfig(upstream: string): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Behind a reverse proxy\n'));
  if (!section) throw new Error('README.md has no "## Behind a reverse proxy" section');
  const block = /^```nginx\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (!block) throw new Error('README.md "Behind a reverse proxy" has no ```nginx block');
  const documented = 'http://127.0.0.1:8080';
  if (block.split(documented).length !== 2) throw new Error(`the README nginx block must name its upstream ${documented} exactly once`);
  return block.replace(documented, upstream);
}

// nginx still running in this process, killed by PID whatever a failing test leaves behind.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) if (child.pid) process.kill(child.pid, 'SIGKILL');
});

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on('connect', () => finish(true));
    socket.on('error', () => finish(false));
  });
}

/** `http2 on;` exists from nginx 1.25.1; before that, `http2` is a parameter of `listen`. */
async function http2Directive(): Promise<'directive' | 'listen'> {
  const { stderr } = await promisify(execFile)(NGINX_PATH, ['-v']);
  const [major, minor, patch] = (/nginx\/(\d+)\.(\d+)\.(\d+)/.exec(stderr) ?? []).slice(1).map(Number);
  if (major === undefined) throw new Error(`cannot read the version of ${NGINX_PATH}: ${stderr}`);
  return major > 1 || minor > 25 || (minor === 25 && patch >= 1) ? 'directive' : 'listen';
}

async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ]).catch((err: Error) => {
    throw new Error(`openssl could not make a test certificate (apt-get install openssl): ${err.message}`);
  });
  return { cert, key };
}

async function nginxConfig(dir: string, port: number, opts: NginxOptions): Promise<string> {
  const at = (name: string) => path.join(dir, name);
  let listen = `listen 127.0.0.1:${port};`;
  if (opts.http2) {
    const { cert, key } = await selfSignedCertificate(dir);
    const h2 = await http2Directive();
    listen = `listen 127.0.0.1:${port} ssl${h2 === 'listen' ? ' http2' : ''};\n    ${h2 === 'directive' ? 'http2 on;\n    ' : ''}` +
      `ssl_certificate ${cert};\n    ssl_certificate_key ${key};`;
  }
  // One process and no `user`: as root, nginx would otherwise run its workers as another user,
  // who could not enter this private temp dir.
  return `daemon off;
master_process off;
pid ${at('nginx.pid')};
error_log ${at('error.log')} notice;
events { worker_connections 1024; }
http {
  access_log ${at('access.log')} combined;
  client_body_temp_path ${at('client_body')};
  proxy_temp_path ${at('proxy')};
  fastcgi_temp_path ${at('fastcgi')};
  uwsgi_temp_path ${at('uwsgi')};
  scgi_temp_path ${at('scgi')};
  server {
    ${listen}
    root ${at('html')};
${opts.server}
  }
}
`;
}

function logTail(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'error.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no error log)';
  }
}

async function spawnNginx(port: number, opts: NginxOptions): Promise<{ child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ticktape-nginx-'));
  writeFileSync(path.join(dir, 'nginx.conf'), await nginxConfig(dir, port, opts));
  // -e: the error log before the config is read (the built-in one is not writable by tests).
  const child = spawn(NGINX_PATH, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: 'ignore' });
  running.add(child);
  let spawnError: Error | null = null;
  child.on('error', (err) => (spawnError = err));
  child.once('exit', () => running.delete(child));

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !spawnError && !hasExited(child)) {
    if (await accepts(port)) return { child, dir };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const why = spawnError ? (spawnError as Error).message : hasExited(child) ? `exited with ${child.exitCode ?? child.signalCode}` : `not listening within ${START_TIMEOUT_MS} ms`;
  const tail = logTail(dir);
  if (!hasExited(child)) {
    child.kill('SIGKILL');
    await waitForExit(child, STOP_TIMEOUT_MS);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`nginx on 127.0.0.1:${port} did not start: ${why}\n${tail}`);
}

/** Starts nginx on a free loopback port with `opts.server` in its one server block, and waits until it accepts connections. */
export async function startNginx(opts: NginxOptions): Promise<NginxHandle> {
  let started: { child: ChildProcess; dir: string };
  let port = await freePort();
  // The free port can be taken between probing and binding: try another.
  for (let attempt = 1; ; attempt++) {
    try {
      started = await spawnNginx(port, opts);
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
      port = await freePort();
    }
  }
  const { child, dir } = started;
  return {
    url: `${opts.http2 ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    accessLog: () => readFileSync(path.join(dir, 'access.log'), 'utf8'),
    async stop() {
      if (!hasExited(child)) {
        process.kill(child.pid!, 'SIGTERM');
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          process.kill(child.pid!, 'SIGKILL');
          await waitForExit(child, STOP_TIMEOUT_MS);
        }
      }
      running.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `inner` (a uvu suite or a `browserSuite`) when nginx is installed. Without it, a stand-in whose
 * tests are all skipped with a loud notice, or, under TICKTAPE_REQUIRE_NGINX=1 (CI), that holds
 * one failing test naming the missing binary.
 */
export function nginxSuite<T extends object>(title: string, inner: T): T {
  if (nginxAvailable()) return inner;
  return missingProgramSuite(title, {
    required: nginxRequired(),
    requiredTest: `${NGINX_PATH} must be installed (TICKTAPE_REQUIRE_NGINX=1)`,
    requiredError: `${NGINX_PATH} not found, and TICKTAPE_REQUIRE_NGINX=1 makes the reverse-proxy tests mandatory (apt-get install nginx)`,
    notice: (skipped) =>
      `SKIPPED: ${NGINX_PATH} not found; ${skipped} reverse-proxy tests skipped. ` +
      'Install nginx (apt-get install nginx) or set TICKTAPE_REQUIRE_NGINX=1 to make this fatal.',
  }) as unknown as T;
}

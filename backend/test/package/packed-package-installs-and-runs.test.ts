// test-deadline: 900 s
// The npm package as a user gets it: `npm pack` (which builds it), `npm install ./ticktape-x.y.z.tgz`
// into an empty project, then `npx ticktape`, the page, /stream, a failed native load, the
// component's types and manifest, and the two example apps (frontend/examples/) built against that
// install and loaded in Chromium. Packing and installing (better-sqlite3 compiles, 1-2 min) happen
// once, in the first test; every later test uses that install.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { helpText } from '../../config.ts';
import { cleanEnv, exitOf, logLine, ROOT, spawnTicktape, startChildServer, stopChild, type ChildServer } from '../helpers/process.ts';
import { connectSse } from '../helpers/sse-client.ts';
import { browserSuite } from '../../../frontend/test/helpers/browser.ts';
import { startPageServer } from '../../../frontend/test/helpers/page-server.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ticktape-package-'));
const app = path.join(work, 'app');
const installed = path.join(app, 'node_modules', 'ticktape');
const EXAMPLES = ['vite', 'react'] as const;
/** npm and node-gyp on a loaded two-core machine: this bounds a hang, not the speed. */
const INSTALL_DEADLINE_MS = 420_000;
const START_DEADLINE_MS = 60_000;

/**
 * The environment of an npm run by a user: none of the `npm_*` variables that `npm test` passes
 * down (npm reads `npm_config_*` as its own configuration, and would treat this repository as
 * the project).
 */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = cleanEnv(extra);
  for (const key of Object.keys(env)) if (/^npm_/i.test(key) && !(key in extra)) delete env[key];
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

function run(file: string, args: string[], options: ExecFileSyncOptions & { cwd: string }): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: userEnv(), timeout: INSTALL_DEADLINE_MS, killSignal: 'SIGKILL', ...options }) as string;
  } catch (error) {
    const e = error as { message: string; stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} (in ${options.cwd}) failed: ${e.message}\n--- stdout\n${e.stdout}\n--- stderr\n${e.stderr}`);
  }
}

/** The repository's sources, without anything built, so the build writes to a copy: other test files serve frontend/dist/ meanwhile. */
function copySources(to: string): void {
  const skip = new Set(['node_modules', '.git', 'dist', 'lib', 'test', 'examples', 'custom-elements.json', '.build-lock']);
  fs.cpSync(ROOT, to, { recursive: true, filter: (src) => !skip.has(path.basename(src)) || src === ROOT });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
}

let tarball = '';

const pkg = suite('the packed package');

pkg('npm pack builds a tarball of exactly the files listed, and it installs into an empty project', () => {
  const source = path.join(work, 'source');
  copySources(source);
  const packed = run('npm', ['pack', '--pack-destination', work], { cwd: source });
  tarball = path.join(work, packed.trim().split('\n').pop()!);
  assert.ok(fs.existsSync(tarball), packed);

  const files = run('tar', ['tzf', tarball], { cwd: work })
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''));
  const shipped = /^(package\.json|README\.md|backend\/dist\/ticktape\.js|frontend\/dist\/.+|frontend\/lib\/.+\.(js|d\.ts)|frontend\/custom-elements\.json|db\/migrations\/\d+_[\w-]+\.sql)$/;
  assert.equal(files.filter((f) => !shipped.test(f)), [], 'files outside package.json `files`');
  for (const needed of ['backend/dist/ticktape.js', 'frontend/dist/index.html', 'frontend/dist/ticktape.js', 'frontend/custom-elements.json', 'db/migrations/001_init.sql']) {
    assert.ok(files.includes(needed), `${needed} is not in the tarball`);
  }
  assert.not.ok(files.some((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')), 'TypeScript sources ship');

  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'ticktape-user', private: true }, null, 2));
  fs.copyFileSync(tarball, path.join(app, path.basename(tarball)));
  run('npm', ['install', `./${path.basename(tarball)}`], { cwd: app });
  assert.ok(fs.existsSync(path.join(app, 'node_modules', '.bin', 'ticktape')), 'no ticktape bin');
});

pkg('the install holds the run-time dependencies only: no tsx, vite or TypeScript', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.is(manifest.private, undefined);
  assert.equal(Object.keys(manifest.dependencies).sort(), ['@koa/router', 'better-sqlite3', 'ioredis', 'koa', 'lit', 'prom-client']);
  for (const devOnly of ['tsx', 'vite', 'typescript', 'esbuild', 'uvu']) {
    assert.not.ok(fs.existsSync(path.join(app, 'node_modules', devOnly)), `${devOnly} was installed`);
  }
});

pkg('`npx ticktape --help` prints the help, whose usage line is that command', () => {
  const out = run('npx', ['ticktape', '--help'], { cwd: app, timeout: START_DEADLINE_MS });
  assert.is(out, helpText());
  assert.is(out.split('\n')[0], 'Usage: ticktape [options]');
});

pkg('`npx ticktape --port 0` serves the page, the component and /stream, with its log in the XDG data dir', async () => {
  const dataHome = path.join(work, 'xdg');
  const server = await startChildServer(['--port', '0'], {
    command: ['npx', 'ticktape'],
    cwd: app,
    env: userEnv({ XDG_DATA_HOME: dataHome }),
    processGroup: true,
    timeoutMs: START_DEADLINE_MS,
  });
  try {
    const db = path.join(dataHome, 'ticktape', 'ticktape.db');
    assert.is(logLine(server.stdout, 'start')?.db, db, 'the start line names the default db');
    assert.ok(fs.existsSync(db), `${db} was not created`);
    assert.not.ok(fs.readdirSync(installed).some((f) => f.endsWith('.db')), 'a db inside node_modules');

    const page = await fetch(`${server.url}/`);
    assert.is(page.status, 200);
    assert.match(await page.text(), /ticktape\.js/);
    const bundle = await fetch(`${server.url}/ticktape.js`);
    assert.is(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    assert.match(await bundle.text(), /ticker-table/);

    const stream = await connectSse(`${server.url}/stream`);
    try {
      assert.is(stream.status, 200);
      await stream.waitFor((e) => e.event === 'snapshot', 20_000, 'the snapshot');
      const tick = await stream.waitFor((e) => e.event === 'tick', 20_000, 'a tick');
      assert.is(JSON.parse(tick.data).id, Number(tick.lastEventId));
    } finally {
      stream.close();
    }
  } finally {
    // SIGTERM to npx and the server, as Ctrl-C in a terminal: npx exits on it without passing it on.
    await stopChild(server);
    assert.ok(logLine(server.stdout, 'stopped'), `no graceful stop:\n${server.stdout}\n${server.stderr}`);
  }
});

pkg('without its compiled better-sqlite3 binary, ticktape exits 1 with one line saying how to build it', async () => {
  const binary = path.join(app, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  fs.renameSync(binary, `${binary}.away`);
  try {
    const proc = spawnTicktape(['--port', '0', '--db', ':memory:'], { command: ['npx', 'ticktape'], cwd: app, env: userEnv(), processGroup: true });
    const exit = await exitOf(proc, START_DEADLINE_MS);
    assert.is(exit.code, 1, proc.stderr);
    const lines = proc.stderr.split('\n').filter((l) => l !== '');
    assert.is(lines.length, 1, proc.stderr);
    assert.match(lines[0], /^ticktape: cannot start: better-sqlite3's native module did not load \(/);
    assert.match(lines[0], /did not load \(Could not locate the bindings file\): there is no binary for Node v/);
    assert.match(lines[0], /Compile it with npm rebuild better-sqlite3 in the folder ticktape is installed in/);
  } finally {
    fs.renameSync(`${binary}.away`, binary);
  }
});

pkg('`ticktape/ticker-table` resolves to JavaScript with declarations that map the tag to its class', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  const entry = manifest.exports['./ticker-table'];
  assert.ok(fs.existsSync(path.join(installed, entry.default)), entry.default);
  const declarations = fs.readFileSync(path.join(installed, entry.types), 'utf8');
  assert.match(declarations, /interface HTMLElementTagNameMap\s*{\s*'ticker-table': TickerTable;/);
  // A trade as the feed delivers it (the v2 fields optional: an older server sends ticks without them).
  assert.match(declarations, /'ticker-tick': CustomEvent<FeedTick>/);
  assert.match(declarations, /'ticker-market': CustomEvent<TickerMarketDetail>/);
  assert.not.match(declarations, /from '\.[^']*\.ts'/, 'declarations import .ts paths');
});

pkg('custom-elements.json (package.json `customElements`) describes <ticker-table> at a module that ships', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  const cem = JSON.parse(fs.readFileSync(path.join(installed, manifest.customElements), 'utf8'));
  assert.is(cem.schemaVersion, '1.0.0');
  const found = cem.modules.flatMap((m: any) => (m.declarations ?? []).filter((d: any) => d.tagName === 'ticker-table').map((d: any) => ({ module: m.path, d })));
  assert.is(found.length, 1);
  const { module, d } = found[0];
  assert.ok(fs.existsSync(path.join(installed, module)), `${module} is not in the package`);
  assert.equal(d.events.map((e: any) => e.name).sort(), ['ticker-market', 'ticker-state', 'ticker-tick']);
  for (const attr of ['src', 'symbols', 'last-event-id']) assert.ok(d.attributes.some((a: any) => a.name === attr), attr);
  const define = cem.modules.flatMap((m: any) => (m.exports ?? []).filter((e: any) => e.kind === 'custom-element-definition'));
  assert.equal(define.map((e: any) => e.name), ['ticker-table']);
  assert.ok(fs.existsSync(path.join(installed, define[0].declaration.module)), define[0].declaration.module);
});

pkg.run();

// ---------------------------------------------------------------------------------------------
// The examples, as apps of their own: their dependencies installed beside the tarball's ticktape,
// type-checked with their tsconfig, built by Vite, served, and loaded in Chromium.

const apps = browserSuite<{ server: ChildServer }>('the example apps');
apps.cleanup(() => fs.rmSync(work, { recursive: true, force: true }));

apps.before(async (state) => {
  assert.ok(fs.existsSync(installed), 'the package was not installed (see the first test)');
  const wanted = new Set<string>();
  for (const name of EXAMPLES) {
    const example = path.join(ROOT, 'frontend', 'examples', name);
    fs.cpSync(example, path.join(app, name), { recursive: true, filter: (src) => !['node_modules', 'dist'].includes(path.basename(src)) });
    const manifest = JSON.parse(fs.readFileSync(path.join(example, 'package.json'), 'utf8'));
    for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      if (dep !== 'ticktape') wanted.add(`${dep}@${range}`);
    }
  }
  run('npm', ['install', '--save-dev', ...wanted], { cwd: app });
  state.server = await startChildServer(['--port', '0', '--db', path.join(work, 'apps.db')], {
    command: ['npx', 'ticktape'],
    cwd: app,
    env: userEnv(),
    processGroup: true,
    timeoutMs: START_DEADLINE_MS,
  });
  apps.cleanup(() => stopChild(state.server));
});

for (const name of EXAMPLES) {
  apps(`the ${name} example type-checks, builds, and shows a live table in Chromium`, async ({ page, server }) => {
    const dir = path.join(app, name);
    run(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir });
    run(process.execPath, [path.join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: dir,
      env: userEnv({ VITE_TICKTAPE_STREAM: `${server.url}/stream` }),
    });
    const site = await startPageServer({ root: path.join(dir, 'dist') });
    try {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${site.url}/`);
      await page.waitForFunction(() => {
        const table = document.querySelector('ticker-table') as (HTMLElement & { state: string; quotes: unknown[] }) | null;
        return table?.state === 'live' && table.quotes.length === 3;
      }, undefined, { timeout: 30_000 });
      // A tick reached the app's own listener, typed as the declarations say.
      await page.waitForFunction(() => /^[A-Z]+ \d+\.\d\d \(id \d+\)$/.test(document.querySelector('#last')?.textContent ?? ''), undefined, { timeout: 30_000 });
      const rows = await page.evaluate(() => document.querySelector('ticker-table')!.shadowRoot!.querySelectorAll('tbody tr').length);
      assert.is(rows, 3);
      assert.equal(errors, []);
    } finally {
      await site.close();
    }
  });
}

apps.run();

// Should the suites stop early, the install does not stay behind in /tmp.
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// `npm start` is how people run ticktape, and process managers signal the process they started:
// npm. npm forwards SIGTERM/SIGINT to the script, so the script must be the server itself (`exec`),
// not a shell or a wrapper that dies and leaves the server running, orphaned.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { ensureFrontendBuilt } from '../../../frontend/build.ts';
import { startChildServer, stopChild, type ChildServer } from '../helpers/process.ts';
import { tempDir } from '../helpers/server.ts';

const NPM_START = ['npm', 'start', '--'];
let child: ChildServer | undefined;

test.before(async () => {
  await ensureFrontendBuilt();
});
test.after(async () => {
  await stopChild(child);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the npm process shuts the server down gracefully and npm exits 0`, async () => {
    const db = path.join(tempDir(), 'ticks.db');
    child = await startChildServer(['--port', '0', '--db', db, '--interval', '20'], { command: NPM_START });
    assert.is((await fetch(`${child.url}/healthz`)).status, 200);
    child.kill(signal);
    // An orphaned server would keep npm's output pipes open and `exited` pending: bound the wait.
    const exit = await Promise.race([
      child.exited,
      new Promise((resolve) => setTimeout(resolve, 10_000, 'still running 10 s after the signal')),
    ]);
    assert.equal(exit, { code: 0, signal: null });
    assert.match(child.stdout, new RegExp(`event=shutdown signal=${signal}`), 'the server itself got the signal');
    assert.match(child.stdout, /event=stopped/);
    // Nothing is left listening: the server process is gone, not orphaned.
    const refused = await fetch(`${child.url}/healthz`).then(() => false, () => true);
    assert.ok(refused, 'the server no longer answers');
    child = undefined;
  });
}

test.run();

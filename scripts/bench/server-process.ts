// The server under benchmark, as its own process so its CPU and memory can be read from /proc
// apart from the clients'. It is `backend/main.ts` minus the frontend build (which would add a
// Vite run whenever frontend sources are newer than dist/): the real option parser, the real
// server, a temp dir, `listening on URL` on stdout, and SIGTERM stops it and removes the dir.
//
// usage: node --import tsx scripts/bench/server-process.ts --db FILE --interval 2 …
import fs from 'node:fs';
import { startTestServer } from '../lib/server.ts';

const argv = process.argv.slice(2);
const options: Record<string, string> = {};
for (let i = 0; i < argv.length; i += 2) options[argv[i].replace(/^--/, '')] = argv[i + 1];

const server = await startTestServer(options);
process.stdout.write(`listening on ${server.url}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 5000).unref();
  server
    .close()
    .catch(() => {})
    .finally(() => {
      fs.rmSync(server.dir, { recursive: true, force: true });
      process.exit(0);
    });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// `npm run dev`: Vite's dev server for the demo page and the component, from source with hot
// reload, proxying /stream, /api, /healthz and /metrics to a running backend.
//
//   npm start                                  # the backend, on 127.0.0.1:8080
//   npm run dev                                # then open the printed URL
//   TICKTAPE_BACKEND=http://127.0.0.1:9000 npm run dev
//   npm run dev -- --port 5180
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const args = process.argv.slice(2);
const portFlag = args.indexOf('--port');
const port = portFlag >= 0 ? Number(args[portFlag + 1]) : Number(process.env.DEV_PORT ?? 5173);
if (!Number.isInteger(port) || port < 0) {
  process.stderr.write(`dev: --port must be a port number\n`);
  process.exit(2);
}

const server = await createServer({
  configFile: fileURLToPath(new URL('../frontend/vite.config.ts', import.meta.url)),
  server: { port },
});
await server.listen();
server.printUrls();
process.stdout.write(`  proxying /stream, /api, /healthz, /metrics → ${process.env.TICKTAPE_BACKEND ?? 'http://127.0.0.1:8080'}\n`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close().then(() => process.exit(0));
  });
}

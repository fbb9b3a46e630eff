// One `vite build` produces everything the server serves from frontend/dist/:
//   ticktape.js        the component library: one ES module, Lit bundled, no chunks;
//   index.html         the demo page, which loads ticktape.js itself like any embedder;
//   assets/*           the demo page's own script and styles (hashed).
// Every URL in the page is relative (`base: './'`), so the same build works at `/` and under any
// prefix a reverse proxy strips (`location /ticktape/ { proxy_pass http://…/; }`).
// The two inputs share no module (the demo script never imports the library), so the library
// stays a single self-contained file. `npm run dev` serves the same page from source and
// proxies the feed and API to a running backend.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const backend = process.env.TICKTAPE_BACKEND ?? 'http://127.0.0.1:8080';

/** In dev, `ticktape.js` (the page is at `/`) is the library compiled from source. */
function libraryFromSource(): Plugin {
  return {
    name: 'ticktape:library-from-source',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url === '/ticktape.js' || req.url?.startsWith('/ticktape.js?')) req.url = `/@fs${here('./src/index.ts')}`;
        next();
      });
    },
  };
}

export default defineConfig({
  root: here('./demo'),
  base: './',
  publicDir: false,
  clearScreen: false,
  plugins: [libraryFromSource()],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: {
        ticktape: here('./src/index.ts'),
        index: here('./demo/index.html'),
      },
      // Keep the library's exports (an app build would drop them).
      preserveEntrySignatures: 'strict',
      output: {
        entryFileNames: (chunk) => (chunk.name === 'ticktape' ? 'ticktape.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [here('.'), here('../backend')] },
    proxy: {
      '/stream': { target: backend, changeOrigin: true },
      '/api': { target: backend, changeOrigin: true },
      '/healthz': { target: backend, changeOrigin: true },
      '/metrics': { target: backend, changeOrigin: true },
    },
  },
});

// Real ticktape servers for tests; the helper lives in scripts/lib/server.ts because benchmarks and
// the screenshot script start the same servers.
export { startTestServer, tempDir, type TestServer, type TestServerExtras } from '../../../scripts/lib/server.ts';

// HTTP helpers for tests; they live in scripts/lib/http.ts because `npm run chaos` uses them too.
export { contiguity, getJson, postJson, waitForLastId, waitUntil, type JsonResponse } from '../../../scripts/lib/http.ts';

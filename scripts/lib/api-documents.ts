// The machine-readable API documents generated from the code and committed beside it: the OpenAPI
// document (backend/http/openapi.ts) and a standalone JSON Schema per SSE event's `data`
// (backend/stream/event-schemas.ts). `npm run openapi` writes them; the drift test compares.
import { readFileSync } from 'node:fs';
import { openApiText } from '../../backend/http/openapi.ts';
import { SSE_EVENTS, standaloneSchema } from '../../backend/stream/event-schemas.ts';
import { ROOT } from './readme.ts';

export interface ApiDocument {
  /** Relative to the repository root. */
  file: string;
  render: () => string;
}

export const OPENAPI_FILE = 'backend/http/openapi.json';
export const eventSchemaFile = (event: string) => `backend/stream/schemas/${event}.schema.json`;

export const API_DOCUMENTS: ApiDocument[] = [
  { file: OPENAPI_FILE, render: openApiText },
  ...Object.entries(SSE_EVENTS).map(([event, schema]) => ({
    file: eventSchemaFile(event),
    render: () => JSON.stringify(standaloneSchema(schema), null, 2) + '\n',
  })),
];

/** Why each committed document differs from the code, for `--check` and the drift test. */
export function staleDocuments(): string[] {
  return API_DOCUMENTS.flatMap((doc) => {
    let current: string | null = null;
    try {
      current = readFileSync(ROOT + doc.file, 'utf8');
    } catch {
      // missing: reported below
    }
    if (current === doc.render()) return [];
    return [`${doc.file} ${current === null ? 'is missing' : 'differs from the code'}; run \`npm run openapi\``];
  });
}

// Checks real answers against the OpenAPI document: the operation of the request's method and path,
// the response of its status (else `default`), the documented headers, the media type and the body
// against its schema (Ajv, JSON Schema 2020-12, the dialect of OpenAPI 3.1). It records which
// documented responses it has checked, so a test can ask which ones no request provoked.
import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { OPENAPI_FILE, eventSchemaFile } from '../../../scripts/lib/api-documents.ts';
import { ROOT } from '../../../scripts/lib/readme.ts';

type Json = { [key: string]: any };

/** What a test saw: the body as text (empty for HEAD or 304). */
export interface SeenAnswer {
  status: number;
  headers: Headers;
  text: string;
}

// ajv is CommonJS: under NodeNext its default import is the module, whose `default` is the class.
const Ajv2020 = Ajv2020Module.default;
type Ajv2020 = InstanceType<typeof Ajv2020>;

const DOC_ID = 'https://ticktape.test/openapi.json';
const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** An Ajv as strict as our schemas allow: unknown keywords and formats are errors. */
export function strictAjv(): Ajv2020 {
  // allowUnionTypes: `type: ["integer","null"]`; strictRequired off: a oneOf branch requires a
  // property its parent defines (SseEvent's `id`).
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, strictRequired: false, allErrors: true });
  addFormats.default(ajv);
  return ajv;
}

export function readOpenApiDocument(): Json {
  return JSON.parse(readFileSync(ROOT + OPENAPI_FILE, 'utf8'));
}

export function readEventSchema(event: string): Json {
  return JSON.parse(readFileSync(ROOT + eventSchemaFile(event), 'utf8'));
}

/** `#/components/schemas/X` made absolute, so a schema compiled on its own resolves it. */
function absoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')
      ? [key, `${DOC_ID}#/$defs/${inner.slice('#/components/schemas/'.length)}`]
      : [key, absoluteRefs(inner)]));
}

/** The path template of the document that `path` matches (`/assets/x.js` → `/assets/{file}`). */
export function templateOf(doc: Json, path: string): string | undefined {
  return Object.keys(doc.paths).find((template) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(path);
  });
}

export class OpenApiChecker {
  readonly doc: Json;
  /** `GET /api/quotes 400`: each documented response some answer was checked against. */
  readonly covered = new Set<string>();
  private readonly ajv = strictAjv();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(doc: Json) {
    this.doc = doc;
    this.ajv.addSchema({ $id: DOC_ID, $defs: absoluteRefs(doc.components.schemas) as Json });
  }

  /** The schema of a component, compiled: for SSE events and other answers checked by hand. */
  schema(name: string): ValidateFunction {
    return this.compile(`component ${name}`, { $ref: `${DOC_ID}#/$defs/${name}` });
  }

  private compile(key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(absoluteRefs(schema) as Json);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private resolve(value: Json): Json {
    if (typeof value.$ref !== 'string') return value;
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(value.$ref) ?? [];
    return this.doc.components[kind][name];
  }

  /**
   * What is wrong with an answer to `method path` (path without query), as a list of problems;
   * empty when it is documented and matches.
   */
  problems(method: string, path: string, answer: SeenAnswer): string[] {
    const where = `${method} ${path} → ${answer.status}`;
    const template = templateOf(this.doc, path);
    if (!template) return [`${where}: no path of the document matches ${path}`];
    const operation = this.doc.paths[template][method.toLowerCase() === 'head' ? 'get' : method.toLowerCase()];
    if (!operation) return [`${where}: ${template} has no ${method} operation`];
    const key = String(answer.status) in operation.responses ? String(answer.status) : 'default';
    const response = operation.responses[key] && this.resolve(operation.responses[key]);
    if (!response) return [`${where}: status not documented and no default response`];
    this.covered.add(`${method === 'HEAD' ? 'GET' : method} ${template} ${key}`);
    const problems: string[] = [];

    for (const [name, documented] of Object.entries(response.headers ?? {}) as [string, Json][]) {
      const header = this.resolve(documented);
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: missing header ${name}`);
        continue;
      }
      const validate = this.compile(`header ${name}`, header.schema);
      if (!validate(value)) problems.push(`${where}: header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText(validate.errors)}`);
    }

    const content = response.content as Record<string, Json> | undefined;
    if (!content || answer.text === '') {
      if (content && answer.status !== 304 && method !== 'HEAD') problems.push(`${where}: empty body where content is documented`);
      if (!content && answer.text !== '') problems.push(`${where}: a body where none is documented`);
      return problems;
    }
    const type = (answer.headers.get('content-type') ?? '').replace(/;.*$/, '').trim();
    const media = content[type] ?? content['*/*'];
    if (!media) return [...problems, `${where}: content type ${type} is not one of ${Object.keys(content).join(', ')}`];
    let body: unknown = answer.text;
    if (type === 'application/json') {
      try {
        body = JSON.parse(answer.text);
      } catch {
        return [...problems, `${where}: not JSON: ${answer.text.slice(0, 200)}`];
      }
    }
    const validate = this.compile(`${method} ${template} ${key} ${type}`, media.schema);
    if (!validate(body)) problems.push(`${where}: ${this.ajv.errorsText(validate.errors)} in ${answer.text.slice(0, 300)}`);
    return problems;
  }

  /** Every documented `METHOD template status` (default responses apart). */
  documentedResponses(): string[] {
    return Object.entries(this.doc.paths as Record<string, Json>).flatMap(([template, item]) =>
      OPERATIONS.filter((method) => item[method]).flatMap((method) =>
        Object.keys(item[method].responses).filter((status) => status !== 'default').map((status) => `${method.toUpperCase()} ${template} ${status}`)));
  }

  /** Every `METHOD template` the document has an operation for. */
  operations(): string[] {
    return Object.entries(this.doc.paths as Record<string, Json>).flatMap(([template, item]) =>
      OPERATIONS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${template}`));
  }
}

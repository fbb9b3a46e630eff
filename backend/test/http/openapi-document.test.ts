// The OpenAPI document and the SSE event schemas as documents: the committed files are what the code
// generates, `redocly lint` (the field's linter, recommended rules, backend/http/redocly.yaml) finds nothing,
// every code of the error catalogue is documented with its status and example, the event schema
// files are valid 2020-12 schemas in strict Ajv, and the document's operations are exactly the
// routes of the Koa router (walked layer by layer), so neither can gain a route the other lacks.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import Router from '@koa/router';
import { Registry } from 'prom-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryBus } from '../../bus/memory.ts';
import { fixedUniverse } from '../../cluster/shared-universe.ts';
import { createApp } from '../../http/app.ts';
import { ERROR_EXAMPLES, exampleErrors } from '../../http/error-examples.ts';
import { openApiDocument } from '../../http/openapi.ts';
import { openLog } from '../../log/log.ts';
import { silentLogger } from '../../logger.ts';
import { BUILTIN_UNIVERSE } from '../../simulator/universe.ts';
import { EVENT_KEYS } from '../../log/event-json.ts';
import { QUOTE_EXAMPLE, SSE_EVENTS, STATUS_EXAMPLE, TICK_EXAMPLE } from '../../stream/event-schemas.ts';
import { createHub } from '../../stream/hub.ts';
import { OPENAPI_FILE, staleDocuments } from '../../../scripts/lib/api-documents.ts';
import { ROOT } from '../../../scripts/lib/readme.ts';
import { OpenApiChecker, readEventSchema, readOpenApiDocument, strictAjv } from '../helpers/openapi.ts';
import { tempDir } from '../helpers/server.ts';

const run = promisify(execFile);
const doc = readOpenApiDocument();

test('the committed OpenAPI document and event schemas are what the code generates (`npm run openapi`)', () => {
  assert.equal(staleDocuments(), []);
  assert.equal(doc, openApiDocument());
});

test('`redocly lint` finds no error and no warning', async () => {
  // Its own CLI, once per test file: it takes a second or two to start.
  const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
  const args = [cli, 'lint', '--config', path.join(ROOT, 'backend/http/redocly.yaml'), '--format', 'json', path.join(ROOT, OPENAPI_FILE)];
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch(
    (err: { stdout: string; stderr: string }) => {
      // Exit 1 when it finds errors: the report is on stdout all the same.
      if (!err.stdout) throw new Error(`redocly lint did not run: ${err.stderr}`);
      return err;
    },
  );
  const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
  const problems = report.problems.map((p: { ruleId: string; message: string; location: { pointer: string }[] }) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
  assert.equal(problems, []);
  assert.equal(report.totals, { errors: 0, warnings: 0, ignored: 0 });
});

test('the document is OpenAPI 3.1 and served relative to where it is fetched from', () => {
  assert.match(doc.openapi, /^3\.1\./);
  assert.equal(doc.servers, [{ url: '.', description: doc.servers[0].description }]);
});

test('every code of the error catalogue is documented: in the Error schema, with its example, under its status', () => {
  const codes = doc.components.schemas.Error.properties.code.enum;
  const responses = Object.values(doc.paths).flatMap((item: any) => Object.values(item).flatMap((op: any) => Object.entries(op.responses)));
  const names = Object.keys(ERROR_EXAMPLES);
  for (const [i, err] of exampleErrors().entries()) {
    assert.ok(codes.includes(err.code), `${err.code} in components.schemas.Error`);
    assert.equal(doc.components.examples[names[i]].value, { error: err.message, code: err.code });
    const under = responses.filter(([status, response]: [string, any]) =>
      (status === String(err.status) || status === 'default') && response.content['application/json'].schema.properties?.code?.enum?.includes(err.code));
    assert.ok(under.length > 0, `${err.code} listed by some response of status ${err.status} (or a default)`);
    for (const header of Object.keys(err.headers)) assert.ok(doc.components.headers[header], `${err.code}'s ${header} header is documented`);
  }
  assert.equal(codes, [...new Set(exampleErrors().map((err) => err.code))], 'each code once');
});

test('the event schema files are valid JSON Schema 2020-12 and accept their examples', () => {
  const ajv = strictAjv();
  for (const event of Object.keys(SSE_EVENTS)) {
    const schema = readEventSchema(event);
    assert.is(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    const validate = ajv.compile(schema);
    for (const example of schema.examples) assert.ok(validate(example), `${event}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('each market event has its kind\'s keys, all required, and later fields still validate; a missing or malformed one does not', () => {
  const ajv = strictAjv();
  const examples = { tick: TICK_EXAMPLE, quote: QUOTE_EXAMPLE, status: STATUS_EXAMPLE };
  for (const [kind, example] of Object.entries(examples)) {
    const schema = readEventSchema(kind);
    // The schema's keys are the wire order of the log's serialisation (log/event-json.ts).
    assert.equal(Object.keys(schema.properties), EVENT_KEYS[kind as keyof typeof EVENT_KEYS]);
    assert.equal(schema.required, EVENT_KEYS[kind as keyof typeof EVENT_KEYS]);
    const validate = ajv.compile(schema);
    assert.ok(validate(example), `${kind}: ${ajv.errorsText(validate.errors)}`);
    assert.ok(validate({ ...example, addedLater: 1 }), `${kind} with a field a later issue adds`);
    const { marketTime: _, ...missing } = example;
    assert.not.ok(validate(missing), `${kind} without marketTime`);
    assert.not.ok(validate({ ...example, marketTime: '2026-03-02T09:30:00Z' }), `${kind} with a market time without the New York offset`);
    assert.not.ok(validate({ ...example, session: 'open' }), `${kind} with an unknown session`);
    for (const other of Object.keys(examples).filter((k) => k !== kind)) {
      assert.not.ok(validate({ ...example, kind: other }), `${kind} calling itself ${other}`);
    }
  }
  const tick = ajv.compile(readEventSchema('tick'));
  assert.not.ok(tick({ ...TICK_EXAMPLE, bidSize: 1.5 }), 'a fractional size');
  assert.not.ok(tick({ ...TICK_EXAMPLE, askSize: -100 }), 'a negative size');
});

test('a parsed SSE event of an unknown type is not one of ours, and ours need their ids', () => {
  const checker = new OpenApiChecker(doc);
  const validate = checker.schema('SseEvent');
  assert.ok(validate({ event: 'tick', id: '1042', data: JSON.stringify(TICK_EXAMPLE) }));
  assert.ok(validate({ event: 'quote', id: '1054', data: JSON.stringify(QUOTE_EXAMPLE) }));
  assert.ok(validate({ event: 'status', id: '1', data: JSON.stringify(STATUS_EXAMPLE) }));
  assert.ok(validate({ event: 'reset', data: '{"reason":"unknown","oldestId":1,"latestId":2}' }));
  assert.not.ok(validate({ event: 'tick', data: '{}' }), 'a tick without an id');
  assert.not.ok(validate({ event: 'quote', data: JSON.stringify(QUOTE_EXAMPLE) }), 'a quote without an id');
  assert.not.ok(validate({ event: 'status', id: '', data: JSON.stringify(STATUS_EXAMPLE) }), 'a status with an empty id');
  assert.not.ok(validate({ event: 'reset', id: '5', data: '{}' }), 'a reset with an id');
});

/** The router createApp builds, from real pieces, found the way Koa's own middleware list has it. */
function appRouter(serveStream: boolean): { router: Router; close: () => void } {
  const log = openLog({ path: path.join(tempDir(), 'ticks.db'), retention: 1000 });
  const app = createApp({
    role: 'all',
    universe: fixedUniverse(BUILTIN_UNIVERSE),
    log,
    bus: createMemoryBus(),
    hub: createHub({ heartbeatMs: 15000 }),
    metrics: new Registry(),
    generator: null,
    adminToken: null,
    distDir: tempDir(),
    logger: silentLogger,
    serveStream,
  });
  // @koa/router's routes() middleware carries its router (`dispatch.router`).
  const dispatch = app.middleware.find((fn) => (fn as { router?: unknown }).router instanceof Router) as { router: Router } | undefined;
  if (!dispatch) throw new Error('createApp installed no @koa/router middleware');
  return { router: dispatch.router, close: () => log.close() };
}

/** `GET /assets/{file}` for each method of each layer; HEAD is implied by GET (the router adds it to every GET). */
function routerOperations(router: Router): string[] {
  return router.stack
    .flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`))
    .sort();
}

test('the document has an operation for every route of the router, and no other', () => {
  const { router, close } = appRouter(true);
  try {
    const routes = routerOperations(router);
    assert.ok(routes.length >= 12, `walked ${routes.length} routes`);
    assert.equal(new OpenApiChecker(doc).operations().sort(), routes);
    for (const layer of router.stack) {
      if (layer.methods.includes('GET')) assert.ok(layer.methods.includes('HEAD'), `${layer.path} answers HEAD too, as the document says`);
    }
  } finally {
    close();
  }
});

test('the walk sees a route the document lacks: a simulator node\'s router has no /stream', () => {
  const { router, close } = appRouter(false);
  try {
    const routes = routerOperations(router);
    const documented = new OpenApiChecker(doc).operations().sort();
    assert.equal(documented.filter((op) => !routes.includes(op)), ['GET /stream']);
  } finally {
    close();
  }
});

test.run();

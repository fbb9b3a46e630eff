// Example arguments for every entry of the error catalogue (errors.ts), so that the documents made
// from it (README.md's table of codes, the OpenAPI document's examples) show the very message a
// client gets. The type makes an entry without an example a compile error: a new code cannot be
// left out of either.
import { EVENT_KINDS } from '../types.ts';
import { errors, type HttpError } from './errors.ts';

export type ErrorName = keyof typeof errors;
type Examples = { [K in ErrorName]: Parameters<(typeof errors)[K]> };

export const ERROR_EXAMPLES: Examples = {
  unknownSymbol: ['symbols', ['NOPE']],
  badSymbols: ['symbols', 'AAPL,'],
  badLastEventId: ['Last-Event-ID header', 'abc'],
  badEpoch: ['v1'],
  badInteger: ['history', '501', 'a whole number of prices per symbol from 0 to 500'],
  badChoice: ['events', 'trade', EVENT_KINDS],
  notFound: ['GET', '/nope'],
  methodNotAllowed: ['DELETE', '/stream', 'HEAD, GET'],
  frontendMissing: [],
  adminDisabled: [],
  unauthorized: ['admin token'],
  forbidden: ['admin token'],
  notGenerating: ['edge'],
  badBody: ['the request body is not valid JSON'],
  unsupportedMediaType: [],
  bodyTooLarge: [16 * 1024],
  requestTimeout: [10],
  tooManyClients: [10000, 5],
  tooManyClientsFromAddress: [256, 5],
  logUnavailable: [],
  internal: [],
  badRequest: [400, 'bad request'],
};

/** Every entry of the catalogue, in its order, built with its example arguments. */
export function exampleErrors(): HttpError[] {
  return (Object.keys(ERROR_EXAMPLES) as ErrorName[]).map((name) => (errors[name] as (...args: unknown[]) => HttpError)(...ERROR_EXAMPLES[name]));
}

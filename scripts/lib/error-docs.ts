// README.md's table of error codes, generated from the catalogue (backend/http/errors.ts): each
// entry called with the example arguments below, so the table shows its code, status, extra
// headers and the very message a client gets. The type makes an entry without an example a
// compile error, so a new code cannot be left out of the README.
import { errors, type HttpError } from '../../backend/http/errors.ts';

type Examples = { [K in keyof typeof errors]: Parameters<(typeof errors)[K]> };

const EXAMPLES: Examples = {
  unknownSymbol: ['symbols', ['NOPE']],
  badSymbols: ['symbols', 'AAPL,'],
  badLastEventId: ['Last-Event-ID header', 'abc'],
  badEpoch: ['v1'],
  badInteger: ['history', '501', 'a whole number of prices per symbol from 0 to 500'],
  notFound: ['GET', '/nope'],
  methodNotAllowed: ['DELETE', '/stream', 'HEAD, GET'],
  frontendMissing: [],
  adminDisabled: [],
  unauthorized: [],
  forbidden: [],
  notGenerating: ['edge'],
  badBody: ['the request body is not valid JSON'],
  unsupportedMediaType: [],
  bodyTooLarge: [16 * 1024],
  logUnavailable: [],
  internal: [],
  badRequest: [400, 'bad request'],
};

// Messages are plain text: keep `|` from ending the cell and `<…>` from reading as HTML.
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('<', '&lt;');

/** Every code of the catalogue, in its order, with its status and an example message. */
export function errorsMarkdownTable(): string {
  const rows = (Object.keys(EXAMPLES) as (keyof typeof errors)[]).map((name) => {
    const err = (errors[name] as (...args: unknown[]) => HttpError)(...EXAMPLES[name]);
    const headers = Object.entries(err.headers).map(([key, value]) => `, \`${key}: ${value}\``).join('');
    return `| \`${err.code}\` | \`${err.status}\`${cell(headers)} | ${cell(err.message)} |`;
  });
  return ['| code | status | example `error` |', '|---|---|---|', ...rows].join('\n') + '\n';
}

// README.md's table of error codes, generated from the catalogue (backend/http/errors.ts): each
// entry called with its example arguments (backend/http/error-examples.ts), so the table shows its
// code, status, extra headers and the very message a client gets.
import { exampleErrors } from '../../backend/http/error-examples.ts';

// Messages are plain text: keep `|` from ending the cell and `<…>` from reading as HTML.
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('<', '&lt;');

/** Every code of the catalogue, in its order, with its status and an example message. */
export function errorsMarkdownTable(): string {
  const rows = exampleErrors().map((err) => {
    const headers = Object.entries(err.headers).map(([key, value]) => `, \`${key}: ${value}\``).join('');
    return `| \`${err.code}\` | \`${err.status}\`${cell(headers)} | ${cell(err.message)} |`;
  });
  return ['| code | status | example `error` |', '|---|---|---|', ...rows].join('\n') + '\n';
}

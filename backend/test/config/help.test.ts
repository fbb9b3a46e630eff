// --help and the README table are generated from the option table; both list every option.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { OPTIONS, helpText, optionsMarkdownTable, parseOptions } from '../../config.ts';

const EVERY_OPTION: [string, string][] = [
  ['--port', 'PORT'],
  ['--host', 'HOST'],
  ['--db', 'TICKTAPE_DB'],
  ['--redis', 'REDIS_URL'],
  ['--symbols', 'TICKTAPE_SYMBOLS'],
  ['--config', 'TICKTAPE_CONFIG'],
  ['--interval', 'TICKTAPE_INTERVAL_MS'],
  ['--speed', 'TICKTAPE_SPEED'],
  ['--hours', 'TICKTAPE_HOURS'],
  ['--start-date', 'TICKTAPE_START_DATE'],
  ['--max-events-per-second', 'TICKTAPE_MAX_EVENTS_PER_SECOND'],
  ['--seed', 'TICKTAPE_SEED'],
  ['--retention', 'TICKTAPE_RETENTION'],
  ['--heartbeat', 'TICKTAPE_HEARTBEAT_MS'],
  ['--role', 'TICKTAPE_ROLE'],
  ['--admin-token', 'TICKTAPE_ADMIN_TOKEN'],
  ['--max-clients', 'TICKTAPE_MAX_CLIENTS'],
  ['--max-clients-per-ip', 'TICKTAPE_MAX_CLIENTS_PER_IP'],
  ['--cors-origin', 'TICKTAPE_CORS_ORIGIN'],
  ['--frame-ancestors', 'TICKTAPE_FRAME_ANCESTORS'],
  ['--metrics-token', 'TICKTAPE_METRICS_TOKEN'],
];

test('the option table is exactly the contract\'s options', () => {
  assert.equal(
    Object.values(OPTIONS).map((o) => [o.flag, o.env]),
    EVERY_OPTION,
  );
});

test('--help and -h answer with the help text, even beside bad options', () => {
  for (const argv of [['--help'], ['-h'], ['--port', 'abc', '--help'], ['--foo', '-h'], ['--port', '--help']]) {
    assert.equal(parseOptions(argv, { PORT: 'bad' }), { kind: 'help', text: helpText() }, JSON.stringify(argv));
  }
});

test('--help lists every flag with its environment variable and default', () => {
  const text = helpText();
  for (const [flag, env] of EVERY_OPTION) {
    const line = text.split('\n').find((l) => l.trimStart().startsWith(`${flag} `));
    assert.ok(line, `no line for ${flag}`);
    assert.ok(line.includes(env), `${flag}'s line lacks ${env}: ${line}`);
    assert.ok(line.includes('default:'), line);
  }
  assert.match(text, /--help/);
  assert.match(text, /8080/);
  assert.match(text, /db\/ticktape\.db/);
  assert.match(text, /all, simulator|all: /);
});

test('--help has no Markdown backticks and no overlong lines', () => {
  const text = helpText();
  assert.not.match(text, '`');
  for (const line of text.split('\n')) assert.ok(line.length <= 100, `too long: ${line}`);
});

test('the Markdown table has a header and one row per option, in the contract\'s columns', () => {
  const lines = optionsMarkdownTable().trimEnd().split('\n');
  assert.is(lines[0], '| flag | env | default | meaning |');
  assert.is(lines[1], '|---|---|---|---|');
  assert.is(lines.length, 2 + EVERY_OPTION.length);
  EVERY_OPTION.forEach(([flag, env], i) => assert.ok(lines[i + 2].startsWith(`| \`${flag}\` | \`${env}\` | `), lines[i + 2]));
});

test.run();

// Shared by the config tests: parse to a Config, or to the ConfigError it throws.
import * as assert from 'uvu/assert';

import { ConfigError, parseOptions, type Config } from '../../config.ts';

export type Env = Record<string, string | undefined>;

export function configOf(argv: string[], env: Env = {}): Config {
  const result = parseOptions(argv, env);
  if (result.kind !== 'config') throw new Error(`expected a config, got ${result.kind}`);
  return result.config;
}

export function errorOf(argv: string[], env: Env = {}): ConfigError {
  try {
    parseOptions(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.unreachable(`expected a ConfigError for ${JSON.stringify(argv)} ${JSON.stringify(env)}`);
  throw new Error('unreachable');
}

/** The error names `option` as its source, starts its one-line message with it, and says `detail`. */
export function assertRejected(error: ConfigError, option: string, detail: string | RegExp): void {
  assert.is(error.option, option);
  assert.ok(error.message.startsWith(`${option}: `) || error.message.includes(option), error.message);
  assert.not.match(error.message, /\n/);
  if (typeof detail === 'string') assert.ok(error.message.includes(detail), `"${error.message}" lacks "${detail}"`);
  else assert.match(error.message, detail);
}

// The hover titles' symbol names are fetched once per API address, but a refused or failed request
// is not remembered as "no names": the next table asks again. (Unit test with a fake fetch.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { symbolNames } from '../src/symbol-names.ts';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

test('a 503 from /api/symbols is retried by the next caller; a good answer is cached', async () => {
  const asked: string[] = [];
  const answers = [json(503, { error: 'log unavailable', code: 'UNAVAILABLE' }), json(200, { symbols: [{ symbol: 'AAPL', name: 'Apple Inc.' }] })];
  const fetchFn = (async (url: string) => {
    asked.push(url);
    return answers.shift()!;
  }) as typeof fetch;
  const src = new URL('http://names.test/stream');

  assert.equal([...(await symbolNames(src, fetchFn))], []);
  assert.equal([...(await symbolNames(src, fetchFn))], [['AAPL', 'Apple Inc.']], 'asked again after the 503');
  assert.equal([...(await symbolNames(src, fetchFn))], [['AAPL', 'Apple Inc.']]);
  assert.equal(asked, ['http://names.test/api/symbols', 'http://names.test/api/symbols'], 'then cached');
});

test.run();

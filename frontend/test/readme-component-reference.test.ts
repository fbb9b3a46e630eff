// <ticker-table>'s reference is stated once: the JSDoc header of its component, which must agree
// with the code (every attribute of `static properties`, every public property, every custom
// property the styles read, with its defaults), and whose tables stand verbatim in
// frontend/README.md and nowhere else.
import { readFileSync } from 'node:fs';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { readComponentSource } from '../../scripts/lib/component-docs.ts';
import { blockProblem, GENERATED_BLOCKS } from '../../scripts/lib/readme.ts';

const source = readComponentSource();
const tagged = (tag: string) => source.tags.filter((t) => t.tag === tag);
const sorted = (names: Iterable<string>) => [...names].sort();

test('every attribute of static properties has an @attr, and every @attr is one', () => {
  assert.equal(sorted(tagged('attr').map((t) => t.name)), sorted(source.reactive.map((r) => r.attribute)));
});

test('every public property has an @attr (through its attribute) or an @prop', () => {
  const documented = [
    ...tagged('attr').map((t) => source.reactive.find((r) => r.attribute === t.name)?.property ?? `(no property for ${t.name})`),
    ...tagged('prop').map((t) => t.name),
  ];
  assert.equal(sorted(documented), sorted(source.publicMembers));
});

test('every custom property the styles read has a @cssproperty, and every @cssproperty is read', () => {
  assert.equal(sorted(tagged('cssproperty').map((t) => t.name)), sorted(source.customProperties.keys()));
});

test('each @cssproperty default names the values of the styles\' fallbacks', () => {
  // Colours, lengths, durations and percentages; `var(--_x)` and font names are described in words.
  const VALUE = /#[0-9a-f]{3,8}\b|\b\d+(?:\.\d+)?(?:%|px|rem|em|ms|s)\b|\.\d+(?:rem|em)\b/gi;
  const compact = (text: string) => text.replace(/\s+%/g, '%').toLowerCase();
  for (const t of tagged('cssproperty')) {
    for (const fallback of source.customProperties.get(t.name) ?? []) {
      for (const value of fallback.match(VALUE) ?? []) {
        assert.ok(compact(t.default ?? '').includes(value.toLowerCase()), `${t.name}: the styles fall back to ${fallback}, the header's default says "${t.default}"`);
      }
    }
  }
});

for (const block of GENERATED_BLOCKS.filter((b) => b.file === 'frontend/README.md')) {
  test(`frontend/README.md contains the generated ${block.name} table, verbatim`, () => {
    assert.is(blockProblem(block), null);
  });
}

test('README.md does not restate the component\'s tables', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const restated = readme.split('\n').filter((line) => /^\|\s*(attribute|`--ticker-|`ticker-(tick|state)`)/.test(line) || /^Parts: `base`/.test(line));
  assert.equal(restated, [], 'README.md restates part of <ticker-table>\'s reference; link to frontend/README.md instead');
});

test.run();

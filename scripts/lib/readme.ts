// The parts of the READMEs generated from the code, each stated once: the options table (OPTIONS in
// backend/config.ts), the error codes (backend/http/errors.ts) and <ticker-table>'s reference (the
// JSDoc header of its component). In a README a block stands between two comment lines,
//
//   <!-- generated: NAME; edit SOURCE, then run `npm run readme` -->
//   …
//   <!-- end generated: NAME -->
//
// `npm run readme` (scripts/readme.ts) rewrites every block; the drift tests compare them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { optionsMarkdownTable } from '../../backend/config.ts';
import {
  attributesMarkdownTable,
  customPropertiesMarkdownTable,
  eventsMarkdownTable,
  partsMarkdownTable,
  readComponentSource,
} from './component-docs.ts';
import { errorsMarkdownTable } from './error-docs.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface GeneratedBlock {
  /** The README, relative to the repository root. */
  file: string;
  name: string;
  /** What to edit to change the block. */
  source: string;
  render: () => string;
}

const COMPONENT = 'the JSDoc header of frontend/src/ticker-table/ticker-table.component.ts';

export const GENERATED_BLOCKS: GeneratedBlock[] = [
  { file: 'README.md', name: 'options', source: 'OPTIONS in backend/config.ts', render: optionsMarkdownTable },
  { file: 'README.md', name: 'error codes', source: 'backend/http/errors.ts', render: errorsMarkdownTable },
  { file: 'frontend/README.md', name: 'attributes and properties', source: COMPONENT, render: () => attributesMarkdownTable(readComponentSource()) },
  { file: 'frontend/README.md', name: 'events', source: COMPONENT, render: () => eventsMarkdownTable(readComponentSource()) },
  { file: 'frontend/README.md', name: 'parts', source: COMPONENT, render: () => partsMarkdownTable(readComponentSource()) },
  { file: 'frontend/README.md', name: 'custom properties', source: COMPONENT, render: () => customPropertiesMarkdownTable(readComponentSource()) },
];

const beginMarker = (block: GeneratedBlock) => `<!-- generated: ${block.name}; edit ${block.source}, then run \`npm run readme\` -->\n`;
const endMarker = (block: GeneratedBlock) => `<!-- end generated: ${block.name} -->`;

/** The block as it should stand in its README, markers included. */
export function expectedBlock(block: GeneratedBlock): string {
  return beginMarker(block) + block.render() + endMarker(block);
}

/** Where the block stands in `text` (from its begin marker through its end marker), or null. */
function locate(text: string, block: GeneratedBlock): { start: number; end: number } | null {
  const begin = new RegExp(`^<!-- generated: ${block.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[;\\s]`, 'm').exec(text);
  if (!begin) return null;
  const end = text.indexOf(endMarker(block), begin.index);
  return end < 0 ? null : { start: begin.index, end: end + endMarker(block).length };
}

/** The block as it stands in its README now, or null when its markers are missing. */
export function currentBlock(block: GeneratedBlock): string | null {
  const text = readFileSync(ROOT + block.file, 'utf8');
  const at = locate(text, block);
  return at && text.slice(at.start, at.end);
}

/** `text` with the block replaced by its current version; throws when its markers are missing. */
export function withBlockRegenerated(text: string, block: GeneratedBlock): string {
  const at = locate(text, block);
  if (!at) throw new Error(`${block.file} has no "${beginMarker(block).trim()}" … "${endMarker(block)}" block`);
  return text.slice(0, at.start) + expectedBlock(block) + text.slice(at.end);
}

/** The block named `name` (`options`, `error codes`, `parts`, …). */
export function generatedBlock(name: string): GeneratedBlock {
  const block = GENERATED_BLOCKS.find((b) => b.name === name);
  if (!block) throw new Error(`no generated README block named ${name}`);
  return block;
}

/** Why the block's README does not hold it as generated now (no markers, or other text), or null. */
export function blockProblem(block: GeneratedBlock): string | null {
  const current = currentBlock(block);
  if (current === null) return `${block.file} has no <!-- generated: ${block.name} … --> block; add its two marker lines and run \`npm run readme\``;
  if (current !== expectedBlock(block)) return `${block.file}: the ${block.name} table differs from ${block.source}; run \`npm run readme\``;
  return null;
}

/** What is wrong with each generated block, for `npm run readme -- --check`. */
export function staleBlocks(): string[] {
  return GENERATED_BLOCKS.map(blockProblem).filter((problem) => problem !== null);
}

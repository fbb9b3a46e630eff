// The reference of <ticker-table>, read from its source: the JSDoc header of the class (`@attr`,
// `@prop`, `@event`, `@csspart`, `@cssproperty`, Shoelace style) and the code it documents (Lit's
// `static properties`, the public getters, the styles' `var(--ticker-…)`). `npm run readme` writes
// the tables into frontend/README.md; frontend/test/readme-component-reference.test.ts checks that
// the header and the code agree and that the README is current.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const COMPONENT = new URL('../../frontend/src/ticker-table/ticker-table.component.ts', import.meta.url);
const STYLES = new URL('../../frontend/src/ticker-table/ticker-table.styles.ts', import.meta.url);
const CLASS_NAME = 'TickerTable';

/** One tag of the header: `@attr [name=default] - meaning` (the default is optional). */
export interface DocTag {
  tag: string;
  name: string;
  default: string | null;
  meaning: string;
}

/** A reactive property of `static properties`, as Lit sees it. */
export interface ReactiveProperty {
  property: string;
  /** The attribute it is read from (Lit's default: the property name in lower case). */
  attribute: string;
  reflect: boolean;
}

export interface ComponentSource {
  tags: DocTag[];
  reactive: ReactiveProperty[];
  /** Public instance members: `declare`d fields and getters. */
  publicMembers: string[];
  /** Each `--ticker-*` the styles read, with the fallbacks they give it (one per `var()`). */
  customProperties: Map<string, string[]>;
}

export function readComponentSource(): ComponentSource {
  const file = ts.createSourceFile('component.ts', readFileSync(COMPONENT, 'utf8'), ts.ScriptTarget.Latest, true);
  const cls = file.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === CLASS_NAME);
  if (!cls) throw new Error(`${COMPONENT.pathname}: no class ${CLASS_NAME}`);
  const header = ts.getJSDocCommentsAndTags(cls).find(ts.isJSDoc);
  if (!header) throw new Error(`${CLASS_NAME} has no JSDoc header`);
  return {
    tags: parseTags(header.getText()),
    reactive: reactiveProperties(cls),
    publicMembers: publicMembers(cls),
    customProperties: customPropertiesOf(readFileSync(STYLES, 'utf8')),
  };
}

/** The tags that make the reference; others (`@summary`) are left alone. */
const REFERENCE_TAGS = new Set(['attr', 'prop', 'event', 'csspart', 'cssproperty']);

/**
 * The reference tags of a JSDoc block. A tag runs on over the lines below it up to a blank line or the next
 * tag, so free text after a blank line belongs to no tag.
 */
export function parseTags(jsdoc: string): DocTag[] {
  const lines = jsdoc
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim());
  const texts: string[] = [];
  let open = false;
  for (const line of lines) {
    if (line.startsWith('@')) {
      texts.push(line);
      open = true;
    } else if (line === '') open = false;
    else if (open) texts[texts.length - 1] += ` ${line}`;
  }
  return texts.filter((text) => REFERENCE_TAGS.has(text.split(/\s/, 1)[0].slice(1))).map((text) => {
    const match = /^@(\w+)\s+(?:\[([^=\]]+)=([^\]]*)\]|(\S+))(?:\s+-\s+(.*))?$/.exec(text);
    if (!match) throw new Error(`cannot read the JSDoc tag "${text}"; expected @tag name - meaning, or @tag [name=default] - meaning`);
    return { tag: match[1], name: match[2] ?? match[4], default: match[3] ?? null, meaning: match[5] ?? '' };
  });
}

function propertyName(name: ts.PropertyName): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText();
}

function reactiveProperties(cls: ts.ClassDeclaration): ReactiveProperty[] {
  const declaration = cls.members.find(
    (m): m is ts.PropertyDeclaration =>
      ts.isPropertyDeclaration(m) && propertyName(m.name) === 'properties' && !!m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword),
  );
  if (!declaration?.initializer || !ts.isObjectLiteralExpression(declaration.initializer)) throw new Error(`${CLASS_NAME} has no static properties table`);
  return declaration.initializer.properties.filter(ts.isPropertyAssignment).map((entry) => {
    const property = propertyName(entry.name);
    let attribute = property.toLowerCase();
    let reflect = false;
    if (ts.isObjectLiteralExpression(entry.initializer)) {
      for (const option of entry.initializer.properties.filter(ts.isPropertyAssignment)) {
        const key = propertyName(option.name);
        if (key === 'attribute' && ts.isStringLiteral(option.initializer)) attribute = option.initializer.text;
        if (key === 'reflect') reflect = option.initializer.kind === ts.SyntaxKind.TrueKeyword;
      }
    }
    return { property, attribute, reflect };
  });
}

function publicMembers(cls: ts.ClassDeclaration): string[] {
  const names: string[] = [];
  for (const member of cls.members) {
    if (!member.name || ts.isPrivateIdentifier(member.name)) continue;
    const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
    const kinds = new Set(modifiers.map((m) => m.kind));
    if (kinds.has(ts.SyntaxKind.StaticKeyword) || kinds.has(ts.SyntaxKind.PrivateKeyword) || kinds.has(ts.SyntaxKind.ProtectedKeyword)) continue;
    if ((ts.isPropertyDeclaration(member) && kinds.has(ts.SyntaxKind.DeclareKeyword)) || ts.isGetAccessorDeclaration(member)) {
      names.push(propertyName(member.name));
    }
  }
  return names;
}

/** `var(--ticker-x, FALLBACK)` → `--ticker-x` → [FALLBACK, …]; the fallback may hold nested parentheses. */
export function customPropertiesOf(css: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const match of css.matchAll(/var\(\s*(--ticker-[\w-]+)\s*(,)?/g)) {
    let fallback = '';
    if (match[2]) {
      let depth = 1;
      let i = match.index + match[0].length;
      for (; i < css.length && depth > 0; i++) {
        if (css[i] === '(') depth++;
        else if (css[i] === ')') depth--;
      }
      fallback = css.slice(match.index + match[0].length, i - 1).replace(/\s+/g, ' ').trim();
    }
    found.set(match[1], [...(found.get(match[1]) ?? []), fallback]);
  }
  return found;
}

const cell = (markdown: string) => markdown.replaceAll('|', '\\|');
const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;

function tagsOf(source: ComponentSource, tag: string): DocTag[] {
  return source.tags.filter((t) => t.tag === tag);
}

/** Attributes with the property each sets (from `static properties`), then the read-only properties. */
export function attributesMarkdownTable(source: ComponentSource = readComponentSource()): string {
  const rows = tagsOf(source, 'attr').map((t) => {
    const reactive = source.reactive.find((r) => r.attribute === t.name);
    if (!reactive) throw new Error(`@attr ${t.name}: no property of static properties reads that attribute`);
    return row([`\`${t.name}\`${reactive.reflect ? ' (reflected)' : ''}`, `\`${reactive.property}\``, t.default ?? '', t.meaning]);
  });
  const readOnly = tagsOf(source, 'prop').map((t) => row(['', `\`${t.name}\``, '', t.meaning]));
  return ['| attribute | property | default | meaning |', '|---|---|---|---|', ...rows, ...readOnly].join('\n') + '\n';
}

export function eventsMarkdownTable(source: ComponentSource = readComponentSource()): string {
  const rows = tagsOf(source, 'event').map((t) => row([`\`${t.name}\``, t.meaning]));
  return ['| event | when |', '|---|---|', ...rows].join('\n') + '\n';
}

export function partsMarkdownTable(source: ComponentSource = readComponentSource()): string {
  const rows = tagsOf(source, 'csspart').map((t) => row([`\`${t.name}\``, t.meaning]));
  return ['| part | what |', '|---|---|', ...rows].join('\n') + '\n';
}

export function customPropertiesMarkdownTable(source: ComponentSource = readComponentSource()): string {
  const rows = tagsOf(source, 'cssproperty').map((t) => row([`\`${t.name}\``, t.default ?? '', t.meaning]));
  return ['| custom property | default | what |', '|---|---|---|', ...rows].join('\n') + '\n';
}

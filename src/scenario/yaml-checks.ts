/**
 * Checks on a parsed YAML document before it becomes data: what YAML allows but a scenario
 * must not use, each placed at its node. Unknown tags (`!foo`) would otherwise be read as plain
 * strings; nesting deeper than any scenario needs overflows the stack of whatever walks it
 * next; and aliases can make a small file expand into billions of values ("billion laughs") or
 * into itself (`&a [*a]`), which no walk of the data survives.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import { LIMITS } from './limits.js';

/** A problem at a character offset of the file. */
export interface YamlProblem {
  offset: number;
  message: string;
  hint?: string;
}

export function yamlShapeProblems(doc: Document): YamlProblem[] {
  const tags = tagProblems(doc);
  const deep = tooDeep(doc.contents);
  if (deep) return [...tags, deep]; // past the depth limit, walking the aliases could overflow
  const expansion = expansionProblem(doc.contents);
  if (expansion) return [...tags, expansion];
  return [...tags, ...mergeProblems(doc)];
}

/** YAML's core types: a value tagged with one reads as what the tag says. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((type) => `tag:yaml.org,2002:${type}`));

/**
 * Tags other than the core types, each once: unknown ones (`!foo`, which the parser warns about)
 * and YAML 1.1's `!!set`, `!!omap`, `!!binary`, `!!timestamp`, which it resolves to values the
 * schema cannot read (a set's keys would be dropped without a word).
 */
function tagProblems(doc: Document): YamlProblem[] {
  const unresolved = doc.warnings.filter((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  // The parser's warning places an unknown tag at the tag itself; the rest are found on their nodes.
  const problems = unresolved.map((warning) => tagProblem(warning.pos[0], tagAsWritten(warning.message)));
  const warned = new Set(unresolved.map((warning) => /tag: (\S+)/.exec(warning.message)?.[1]));
  visit(doc, (_, node) => {
    if ((isMap(node) || isSeq(node) || isScalar(node)) && node.tag && !CORE_TAGS.has(node.tag) && !warned.has(node.tag)) {
      problems.push(tagProblem(node.range?.[0] ?? 0, tagAsWritten(`tag: ${node.tag}`)));
    }
  });
  return problems.sort((a, b) => a.offset - b.offset);
}

function tagProblem(offset: number, tag: string): YamlProblem {
  return { offset, message: `unknown tag: ${tag} is not a YAML type a scenario can use`, hint: 'remove the tag; scenario values are plain strings, numbers, lists and maps' };
}

/** Merge keys (`<<`) whose value is not a map, an alias of one, or a list of those: YAML cannot merge them. */
function mergeProblems(doc: Document): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const isMapLike = (node: unknown): boolean => isMap(node) || (isAlias(node) && isMap(node.resolve(doc)));
  visit(doc, {
    Pair(_, pair) {
      // With merge keys on, the parser gives `<<` a symbol for its value; its source says what was written.
      if (!isScalar(pair.key) || pair.key.source !== '<<') return;
      const value = pair.value;
      if (isMapLike(value) || (isSeq(value) && value.items.every(isMapLike))) return;
      const offset = (isScalar(value) || isMap(value) || isSeq(value) || isAlias(value) ? value.range?.[0] : undefined) ?? pair.key.range?.[0] ?? 0;
      problems.push({ offset, message: 'a merge key (<<) merges maps only, and this value is not a map', hint: 'write <<: *anchor where the anchor names a map, or a list of such aliases' });
    },
  });
  return problems;
}

/**
 * The offset of the first flow bracket (`[`, `{`) nested deeper than LIMITS.depth, found by
 * scanning the text before parsing it: the YAML parser takes seconds over a file of 100 000
 * brackets before its stack overflows. Quoted strings and comments are skipped; brackets in
 * plain text would need more than 64 unclosed ones in a row to count, which no scenario has.
 * Block nesting needs no scan: indentation makes it quadratic in the file's size.
 */
export function tooDeepFlow(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      // Skip to the closing quote: '' escapes a single quote, \ escapes in double quotes.
      for (i++; i < text.length; i++) {
        if (c === '"' && text[i] === '\\') i++;
        else if (text[i] === c && !(c === "'" && text[i + 1] === "'")) break;
        else if (c === "'" && text[i] === "'") i++;
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > LIMITS.depth) return i;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/** `Unresolved tag: tag:yaml.org,2002:js/function` -> `!!js/function`, as the file wrote it. */
function tagAsWritten(message: string): string {
  const tag = /tag: (\S+)/.exec(message)?.[1];
  return tag === undefined ? 'this tag' : tag.replace(/^tag:yaml\.org,2002:/, '!!');
}

/** The first node nested deeper than LIMITS.depth, walked without recursion. */
function tooDeep(root: unknown): YamlProblem | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= LIMITS.depth) {
      return { offset: node.range?.[0] ?? 0, message: `the file is nested more than ${LIMITS.depth} levels deep here; a scenario needs far fewer`, hint: 'maps and lists inside each other this deep are not a scenario' };
    }
    // Reversed, so the first item is checked first and the problem is the earliest in the file.
    for (const item of [...node.items].reverse()) {
      if (isPair(item)) stack.push([item.value, depth + 1], [item.key, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Counts the values aliases add to the document once each is replaced by what it names, in
 * document order, and stops at the alias that takes the count past LIMITS.yamlValues, that
 * names a value containing it, or that is one alias more than LIMITS.yamlAliases. Aliases only name anchors earlier in the file, so each anchor's
 * size is known by the time an alias uses it; recursion is bounded by the depth check.
 */
function expansionProblem(root: unknown): YamlProblem | undefined {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  let total = 0;
  let aliases = 0;
  let problem: YamlProblem | undefined;

  const count = (node: unknown): number => {
    if (problem) return 0;
    if (isAlias(node)) {
      if (++aliases > LIMITS.yamlAliases) {
        problem = { offset: node.range?.[0] ?? 0, message: `the file has more than ${LIMITS.yamlAliases} aliases`, hint: 'a scenario needs a handful; each one costs the YAML reader a walk of the file' };
        return 0;
      }
      const target = anchors.get(node.source);
      const size = target && sizes.get(target);
      if (target && size === undefined) {
        problem = { offset: node.range?.[0] ?? 0, message: `the alias *${node.source} is inside the value it names, so it never ends`, hint: 'an alias may only name a value it is not part of' };
        return 0;
      }
      total += size ?? 1;
      if (total > LIMITS.yamlValues) {
        problem = { offset: node.range?.[0] ?? 0, message: `the aliases expand the file past ${LIMITS.yamlValues} values here (an alias bomb?)`, hint: 'a scenario is far smaller; use fewer aliases of aliases' };
        return 0;
      }
      return size ?? 1;
    }
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) return 0;
    if (node.anchor) anchors.set(node.anchor, node);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) size += isPair(item) ? count(item.key) + count(item.value) : count(item);
    }
    sizes.set(node, size);
    return size;
  };
  count(root);
  return problem;
}

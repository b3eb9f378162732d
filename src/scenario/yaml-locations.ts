/**
 * Where things are in a YAML scenario file: turns a path into the data (`variants[1].name`)
 * into a line and column, so every problem can be reported where the user has to fix it.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ScenarioProblem } from '../errors.js';

/** A path into the parsed data: map keys and list indices. */
export type YamlPath = readonly (string | number)[];

/** A problem that knows its path into the data but not yet its place in the file. */
export interface Finding {
  path: YamlPath;
  message: string;
  hint?: string;
  /** Point at the key instead of its value: the key itself is what is wrong (e.g. unknown). */
  atKey?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `variants[1].connections`; keys that are not plain words are quoted: `headers["x y"]`. */
export function formatPath(path: YamlPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * A node as written at its place in the text: an alias is not followed, since what it names is
 * written elsewhere (and may contain the alias: `&a [*a]`).
 */
function written(value: unknown): Node | undefined {
  return isMap(value) || isSeq(value) || isScalar(value) ? value : undefined;
}

/** `<<`, YAML's merge key: its pairs hold the maps whose keys the map takes in. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.source === '<<';
}

/** Merges of merges are followed this deep, which no real file reaches (and a cycle stops). */
const MAX_MERGE_DEPTH = 16;
/** Path segments a problem shows; a deeper path ends in `…`. */
const MAX_SHOWN_SEGMENTS = 12;

function keyText(key: unknown): string {
  if (isMergeKey(key)) return '<<';
  return isScalar(key) ? String(key.value) : String(key);
}

export class YamlLocator {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly file: string,
  ) {}

  /**
   * Locates a finding. A path that runs past what the file contains (a missing key) ends at
   * the deepest node that exists, which is the map the key is missing from.
   */
  toProblem(finding: Finding): ScenarioProblem {
    const node = this.nodeAt(finding.path, finding.atKey ?? false);
    const offset = node?.range?.[0];
    const { line, col } = offset === undefined ? { line: 0, col: 0 } : this.lineCounter.linePos(offset);
    const problem: ScenarioProblem = { file: this.file, line, col, path: formatPath(finding.path), message: finding.message };
    if (finding.hint !== undefined) problem.hint = finding.hint;
    return problem;
  }

  /** A problem at a character offset, as the YAML parser reports its errors. */
  problemAtOffset(offset: number, message: string, hint?: string): ScenarioProblem {
    const { line, col } = this.lineCounter.linePos(offset);
    const path = this.pathAt(offset);
    // A path through a file nested hundreds deep would be longer than the message.
    const shown = path.length > MAX_SHOWN_SEGMENTS ? `${formatPath(path.slice(0, MAX_SHOWN_SEGMENTS))}…` : formatPath(path);
    return { file: this.file, line, col, path: shown, message, ...(hint !== undefined && { hint }) };
  }

  /** Whether the file itself holds a value at `path` (a `--set` can add ones it does not). */
  has(path: YamlPath): boolean {
    const { node, complete } = this.walk(path, false);
    return complete && node?.range !== undefined;
  }

  private nodeAt(path: YamlPath, atKey: boolean): Node | undefined {
    return this.walk(path, atKey).node;
  }

  /** The node at `path`, or the deepest one on the way there; `complete` when it is at `path`. */
  private walk(path: YamlPath, atKey: boolean): { node: Node | undefined; complete: boolean } {
    let found = this.resolve(this.doc.contents);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      let next: unknown;
      if (isMap(found)) {
        const pair = this.findPair(found, String(segment), 0);
        if (!pair) return { node: found, complete: false };
        // An empty value (`key:`) has no text of its own to point at; its key does.
        const value = this.resolve(pair.value);
        const empty = !value?.range || value.range[0] === value.range[1];
        const pointAtKey = (atKey && i === path.length - 1) || empty;
        next = pointAtKey ? pair.key : pair.value;
      } else if (isSeq(found) && typeof segment === 'number') {
        next = found.items[segment];
      }
      const node = this.resolve(next);
      if (!node) return { node: found, complete: false };
      found = node;
    }
    return { node: found, complete: true };
  }

  /**
   * The pair for `key` in `map`: its own, else one a merge key (`<<: *base`) brings in, earlier
   * merges first as YAML says, so a merged value is located where its anchor wrote it.
   */
  private findPair(map: YAMLMap, key: string, merges: number): Pair | undefined {
    const own = map.items.find((item) => !isMergeKey(item.key) && keyText(item.key) === key);
    if (own || merges > MAX_MERGE_DEPTH) return own;
    for (const item of map.items.filter((pair) => isMergeKey(pair.key))) {
      const value = this.resolve(item.value);
      const sources = isSeq(value) ? value.items.map((source) => this.resolve(source)) : [value];
      for (const source of sources) {
        const pair = isMap(source) ? this.findPair(source, key, merges + 1) : undefined;
        if (pair) return pair;
      }
    }
    return undefined;
  }

  /** The path of the innermost key or list item whose text contains `offset`. */
  private pathAt(offset: number): YamlPath {
    const path: (string | number)[] = [];
    let node = written(this.doc.contents);
    const contains = (start?: Node | null, end?: Node | null) => {
      const from = start?.range?.[0];
      const to = (end ?? start)?.range?.[2];
      return from !== undefined && to !== undefined && from <= offset && offset < to;
    };
    while (node) {
      let next: Node | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => contains(item.key as Node, item.value as Node));
        if (pair) {
          path.push(keyText(pair.key));
          next = written(pair.value);
        }
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => contains(item as Node));
        if (index >= 0) {
          path.push(index);
          next = written(node.items[index]);
        }
      }
      node = next;
    }
    return path;
  }

  private resolve(value: unknown): Node | undefined {
    if (isAlias(value)) return this.resolve(value.resolve(this.doc));
    return value !== null && typeof value === 'object' && 'range' in value ? (value as Node) : undefined;
  }
}

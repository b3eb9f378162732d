/**
 * `--set key=value` overrides: `--set upstream.latency=13ms`, `--set variants.0.connections=20`.
 * They change the parsed YAML before validation, so an overridden value is checked exactly as
 * if it had been written in the file — and a bad one is reported against the `--set` that
 * supplied it. This makes "the same scenario with 30 % more latency" one flag, for CI
 * experiments and the gate's own tests.
 */
import { isSeq, parseDocument, type Document } from 'yaml';
import { tooDeepFlow, yamlShapeProblems } from './yaml-checks.js';
import { PoolbenchError, type ScenarioProblem } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatPath, type Finding, type YamlPath } from './yaml-locations.js';

export interface Override {
  /** As given on the command line. */
  text: string;
  path: YamlPath;
  value: unknown;
}

const KEY = /^[A-Za-z_][\w-]*(\.[\w-]+)*$/;

export function parseOverride(text: string): Override {
  const invalid = (message: string) => new PoolbenchError(`--set ${text}: ${message}`, { code: 'POOLBENCH_INVALID_OVERRIDE', exitCode: ExitCode.InvalidInput, hint: 'write --set key.path=value, e.g. --set upstream.latency=13ms or --set variants.0.connections=20' });
  const equals = text.indexOf('=');
  if (equals < 0) throw invalid('expected key=value');
  const key = text.slice(0, equals).trim();
  if (!KEY.test(key)) throw invalid(`expected a dotted key such as upstream.latency, but found ${JSON.stringify(key)}`);
  // The value is YAML, as in the file (13ms is a string, 20 a number, [1, 2] a list), and passes
  // the same checks as the file: tags, nesting, aliases and merge keys.
  const source = text.slice(equals + 1);
  if (tooDeepFlow(source) !== undefined) throw invalid('the value is nested too deeply');
  const doc = parseDocument(source, { merge: true, logLevel: 'silent' });
  if (doc.errors.length > 0) throw invalid(`the value is not valid YAML: ${doc.errors[0].message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  const shape = yamlShapeProblems(doc)[0];
  if (shape !== undefined) throw invalid(shape.message);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    // An alias with no anchor in the value (`*a`): the value is all the YAML there is.
    throw invalid(`the value is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return { text, path: key.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)), value };
}

export function applyOverrides(doc: Document, overrides: readonly Override[]): void {
  for (const override of overrides) {
    checkListIndices(doc, override);
    try {
      doc.setIn(override.path, doc.createNode(override.value));
    } catch {
      // yaml refuses to descend into a scalar, e.g. upstream.latency.min when latency is `10ms`.
      throw new PoolbenchError(`--set ${override.text}: ${formatPath(override.path.slice(0, -1))} is not a map or list in the scenario, so it has no key ${JSON.stringify(override.path.at(-1))}`, {
        code: 'POOLBENCH_INVALID_OVERRIDE',
        exitCode: ExitCode.InvalidInput,
        hint: 'set the whole value instead, e.g. --set "upstream.latency={distribution: uniform, min: 5ms, max: 15ms}"',
      });
    }
  }
}

/**
 * A list is indexed from 0 up to its length (which appends): yaml would otherwise fill a gap
 * with empty items, or take `-1` as a map key of a list.
 */
function checkListIndices(doc: Document, override: Override): void {
  override.path.forEach((segment, depth) => {
    const list = doc.getIn(override.path.slice(0, depth), true);
    if (!isSeq(list)) return;
    const listPath = formatPath(override.path.slice(0, depth));
    const fail = (message: string) => new PoolbenchError(`--set ${override.text}: ${message}`, { code: 'POOLBENCH_INVALID_OVERRIDE', exitCode: ExitCode.InvalidInput, hint: 'list items are numbered from 0: variants.0 is the first variant' });
    if (typeof segment !== 'number') throw fail(`${listPath} is a list, so ${JSON.stringify(segment)} is not one of its items`);
    if (segment > list.items.length) throw fail(`${listPath} has ${list.items.length} item${list.items.length === 1 ? '' : 's'}, so there is no ${formatPath(override.path.slice(0, depth + 1))}`);
  });
}

/**
 * A problem in an overridden value, reported against its `--set`: the file never said it.
 * That is a problem at or below an override's path, or above it at a key the file does not
 * hold (`--set foo.bar=1` makes a key `foo`, which is unknown). `inFile` says what the file holds.
 */
export function problemFromOverride(finding: Finding, overrides: readonly Override[], inFile: (path: YamlPath) => boolean = () => true): ScenarioProblem | undefined {
  const startsWith = (path: YamlPath, prefix: YamlPath) => prefix.length <= path.length && prefix.every((segment, i) => String(path[i]) === String(segment));
  const madeBy = (o: Override) => startsWith(finding.path, o.path) || (startsWith(o.path, finding.path) && !inFile(finding.path));
  const source = [...overrides].reverse().find(madeBy);
  if (!source) return undefined; // the last --set of a path wins, as it does when applied
  // A key the override made is named by the override's text, so the path would only repeat it.
  const path = finding.atKey ? '' : formatPath(finding.path);
  const problem: ScenarioProblem = { file: `--set ${source.text}`, line: 0, col: 0, path, message: finding.message };
  if (finding.hint !== undefined) problem.hint = finding.hint;
  return problem;
}

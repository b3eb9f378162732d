/**
 * Loading a scenario file: YAML -> validated, matrix-expanded `Scenario`, or a ScenarioError
 * listing every problem in the file at once, each at its line and column.
 */
import { open } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { PoolbenchError, ScenarioError, type ScenarioProblem } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { didYouMean } from './did-you-mean.js';
import { formatLimitSize, LIMITS } from './limits.js';
import { expandVariants, type ExpandedVariant } from './matrix.js';
import { defaultUpstream, ScenarioSchema, type Scenario, type ScenarioInput } from './schema.js';
import { validate } from './validate.js';
import { tooDeepFlow, yamlShapeProblems } from './yaml-checks.js';
import { formatPath, YamlLocator, type Finding, type YamlPath } from './yaml-locations.js';
import { applyOverrides, problemFromOverride, type Override } from './overrides.js';
import { targetTlsFileFindings, targetTlsOf } from './target-tls.js';

/** Problems listed for one file; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 100;

/** How long each variant runs when the scenario gives neither `load.duration` nor `load.requests`. */
export const DEFAULT_DURATION_MS = 10_000;

/** Reads and parses a scenario file; the result remembers the file in `scenario.file`. */
export async function loadScenarioFile(path: string, overrides: readonly Override[] = []): Promise<Scenario> {
  return { ...parseScenario(await readScenarioText(path), path, overrides), file: path };
}

/** The file's text: at most LIMITS.fileSize bytes (read no further, so /dev/zero cannot fill memory) of UTF-8. */
async function readScenarioText(path: string): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readAtMost(path, LIMITS.fileSize);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((cause as Error).message);
    throw new PoolbenchError(`cannot read the scenario file ${path}: ${reason}`, {
      code: 'POOLBENCH_FILE_NOT_FOUND',
      exitCode: ExitCode.InvalidInput,
      hint: code === 'ENOENT' ? 'check the path; a relative path starts from the current directory' : undefined,
      cause,
    });
  }
  if (bytes === undefined) {
    throw new PoolbenchError(`the scenario file ${path} is larger than ${formatLimitSize(LIMITS.fileSize)}, the most a scenario file may be`, {
      code: 'POOLBENCH_FILE_TOO_LARGE',
      exitCode: ExitCode.InvalidInput,
      hint: 'a scenario is a few kilobytes of YAML; check that this is the file you meant',
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Replacement characters mark the bytes that are not UTF-8; the first one is the place to show.
    const lossy = bytes.toString('utf8');
    const at = lineAndColumn(lossy, Math.max(lossy.indexOf('\uFFFD'), 0));
    throw new ScenarioError([{ file: path, ...at, path: '', message: 'the file is not UTF-8 text: this is the first byte that is not', hint: 'save the file as UTF-8' }]);
  }
}

/** The file's bytes, or undefined when it holds more than `max`. */
async function readAtMost(path: string, max: number): Promise<Buffer | undefined> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      total += bytesRead;
      if (total > max) return undefined;
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/** Parses scenario YAML; `file` only names the source in problems. Throws ScenarioError. */
export function parseScenario(text: string, file: string, overrides: readonly Override[] = []): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseYaml(text, lineCounter, file);
  const locator = new YamlLocator(doc, lineCounter, file);
  // Past a syntax error the data is a guess, and problems found in it would only mislead.
  if (doc.errors.length > 0) {
    throw new ScenarioError(doc.errors.map((error) => locator.problemAtOffset(error.pos[0], yamlErrorMessage(error))));
  }
  if (doc.contents === null) {
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: 'the file is empty', hint: 'a scenario needs at least a name and a list of variants' }]);
  }
  const shapeProblems = yamlShapeProblems(doc);
  if (shapeProblems.length > 0) {
    throw new ScenarioError(shapeProblems.map((problem) => locator.problemAtOffset(problem.offset, problem.message, problem.hint)));
  }

  applyOverrides(doc, overrides);
  const written = withoutExtensions(documentData(doc, file));
  const checked = validate(ScenarioSchema, written);
  const findings: Finding[] = checked.ok ? [] : [...checked.findings];
  findings.push(...checkUpstreamOrTarget(written), ...checkTargetFaults(written), ...targetTlsFileFindings(written, file));

  const writtenVariants = isPlainObject(written) && Array.isArray(written.variants) ? written.variants : [];
  const { variants, findings: variantFindings } = expandVariants(writtenVariants);
  findings.push(...variantFindings);
  findings.push(...checkDuplicateNames(variants), ...checkFetchKeepAlive(variants), ...checkFetchTargetTls(variants, written), ...checkAutocannonInstances(variants, written));
  // Only a complete list of names can prove that the baseline names none of them.
  const allVariantsValid = !findings.some((finding) => finding.path[0] === 'variants');
  if (allVariantsValid) findings.push(...checkBaseline(written, variants));

  if (findings.length > 0 || !checked.ok) {
    const inFile = (path: YamlPath) => locator.has(path);
    const problems = findings.map((finding) => problemFromOverride(finding, overrides, inFile) ?? locator.toProblem(finding)).sort(byPosition);
    // A generated file can be wrong thousands of times over; the first ones say what to fix.
    if (problems.length <= MAX_PROBLEMS_SHOWN) throw new ScenarioError(problems);
    const more = { file, line: 0, col: 0, path: '', message: `and ${problems.length - MAX_PROBLEMS_SHOWN} more problems not shown` };
    throw new ScenarioError([...problems.slice(0, MAX_PROBLEMS_SHOWN), more], problems.length);
  }

  const input = checked.value;
  const stagesDuration = input.load.stages?.reduce((sum, stage) => sum + stage.duration, 0);
  const load = stagesDuration !== undefined ? { ...input.load, duration: stagesDuration } : input.load.duration === undefined && input.load.requests === undefined ? { ...input.load, duration: DEFAULT_DURATION_MS } : input.load;
  return {
    name: input.name,
    ...(input.description !== undefined && { description: input.description }),
    ...(input.target !== undefined ? targetOf(input, file) : { upstream: input.upstream ?? defaultUpstream() }),
    request: input.request,
    load,
    variants: variants.map(({ variant }) => variant),
    baseline: input.baseline ?? variants[0].variant.name,
    ...(input.plan !== undefined && { plan: input.plan }),
    ...(input.thresholds !== undefined && { thresholds: input.thresholds }),
    ...(input.gate !== undefined && { gate: input.gate }),
  };
}

/**
 * The YAML document, merge keys (`<<: *base`) on. Brackets nested deep enough overflow the
 * parser's stack after seconds of work, so they are looked for first and reported as what
 * they are, not as a crash or as "invalid YAML".
 */
function parseYaml(text: string, lineCounter: LineCounter, file: string): Document {
  const deep = tooDeepFlow(text);
  if (deep !== undefined) throw new ScenarioError([{ file, ...lineAndColumn(text, deep), path: '', message: TOO_DEEP }]);
  try {
    return parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: `the file is nested too deeply to read; a scenario needs under ${LIMITS.depth} levels` }]);
  }
}

const TOO_DEEP = `the file is nested more than ${LIMITS.depth} levels deep here; a scenario needs far fewer`;

/** 1-based line and column of `offset` in `text`, for problems found before the YAML is parsed. */
function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  return { line: text.slice(0, offset).split('\n').length, col: offset - text.lastIndexOf('\n', offset - 1) };
}

/**
 * The document as data. yaml's own alias heuristic is off: yamlShapeProblems counted the
 * expansion exactly, and located it. The file's merge keys were checked there too; one that
 * still fails came in with a `--set` value.
 */
function documentData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    if (!(error instanceof Error) || !/^Merge sources/.test(error.message)) throw error;
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: 'a merge key (<<) in a --set value merges maps only, and its value is not a map' }]);
  }
}

/**
 * Top-level keys starting with `x-` are the file's own (docker-compose's convention): a home
 * for anchors that variants merge in. poolbench ignores them.
 */
function withoutExtensions(written: unknown): unknown {
  if (!isPlainObject(written)) return written;
  return Object.fromEntries(Object.entries(written).filter(([key]) => !key.startsWith('x-')));
}

/** The target as the runner takes it: the URL as a string, TLS settings and caps beside it. */
function targetOf(input: ScenarioInput, file: string): Pick<Scenario, 'target' | 'targetTls' | 'targetSafety' | 'faults'> {
  const written = input.target!;
  const tls = typeof written === 'string' ? undefined : targetTlsOf(written, file);
  return {
    target: typeof written === 'string' ? written : written.url,
    ...(tls && { targetTls: tls }),
    targetSafety: input.targetSafety,
    ...(input.faults && { faults: input.faults }),
  };
}

function yamlErrorMessage(error: YAMLError): string {
  if (/call stack/i.test(error.message)) return TOO_DEEP;
  // The problem's path names the key, so the message need not.
  if (error.code === 'DUPLICATE_KEY') return 'duplicate key: a key may appear only once in a map';
  return `invalid YAML: ${error.message}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkUpstreamOrTarget(written: unknown): Finding[] {
  if (isPlainObject(written) && written.target === undefined && written.targetSafety !== undefined) {
    return [{ path: ['targetSafety'], atKey: true, message: 'targetSafety caps the load sent to a target, and this scenario has none', hint: 'the bundled upstream runs on this machine and is never capped' }];
  }
  if (!isPlainObject(written) || written.upstream === undefined || written.target === undefined) return [];
  return [{
    path: ['target'],
    atKey: true,
    message: 'give either upstream or target, not both',
    hint: 'upstream configures the bundled fake server; target points at a real one',
  }];
}

/** Top-level faults go to the fault proxy, which needs a target, and forwards TCP only in the clear. */
function checkTargetFaults(written: unknown): Finding[] {
  if (!isPlainObject(written) || written.faults === undefined) return [];
  if (written.target === undefined) {
    return [{ path: ['faults'], atKey: true, message: 'faults (top level) apply to a target, through the fault proxy', hint: 'for the bundled upstream, put them under upstream.faults' }];
  }
  const { url, path } = writtenTargetUrl(written.target);
  if (url?.startsWith('https:')) {
    return [{ path, message: 'the fault proxy forwards TCP and speaks no TLS: it cannot reach an https target, whose certificate would not match the proxy\'s address', hint: 'use an http:// target with faults' }];
  }
  return [];
}

/** The target's URL as written, and where: `target` itself, or the object form's `target.url`. */
function writtenTargetUrl(target: unknown): { url?: string; path: string[] } {
  if (typeof target === 'string') return { url: target, path: ['target'] };
  if (isPlainObject(target) && typeof target.url === 'string') return { url: target.url, path: ['target', 'url'] };
  return { path: ['target'] };
}

/** Node's global fetch takes no TLS settings per request: what it cannot honour is refused at the variant. */
function checkFetchTargetTls(variants: ExpandedVariant[], written: unknown): Finding[] {
  if (!isPlainObject(written) || !isPlainObject(written.target)) return [];
  const target = written.target;
  const unsupported = (['serverName', 'cert', 'key', 'insecure'] as const).filter((key) => target[key] !== undefined && target[key] !== false);
  if (unsupported.length === 0) return [];
  const findings = new Map<string, Finding>(); // by path: every expansion of one variant shares it
  for (const { variant, sourceOf } of variants) {
    if (variant.client !== 'fetch') continue;
    const path = sourceOf('client');
    findings.set(formatPath(path), {
      path,
      message: `fetch cannot use the target's ${unsupported.join(', ')}: Node's global fetch takes no TLS settings per request`,
      hint: 'use undici or node-http for this target; fetch trusts an extra CA only through NODE_EXTRA_CA_CERTS',
    });
  }
  return [...findings.values()];
}

function checkDuplicateNames(variants: ExpandedVariant[]): Finding[] {
  const firstByName = new Map<string, ExpandedVariant>();
  const findings: Finding[] = [];
  for (const expanded of variants) {
    const first = firstByName.get(expanded.variant.name);
    if (first === undefined) {
      firstByName.set(expanded.variant.name, expanded);
      continue;
    }
    findings.push({
      path: expanded.sourceOf('name'),
      message: `duplicate variant name ${JSON.stringify(expanded.variant.name)}`,
      hint: `${formatPath(first.sourceOf('name'))} has the same name; variant names must be unique`,
    });
  }
  return findings;
}

function checkFetchKeepAlive(variants: ExpandedVariant[]): Finding[] {
  const findings = new Map<string, Finding>(); // by path: every expansion of one variant shares it
  for (const { variant, sourceOf } of variants) {
    if (variant.client !== 'fetch' || variant.keepAlive) continue;
    const path = sourceOf('keepAlive');
    findings.set(formatPath(path), {
      path,
      message: 'fetch has no keep-alive switch: it always reuses connections',
      hint: 'use undici or node-http to measure keepAlive: false',
    });
  }
  return [...findings.values()];
}

/** autocannon gives each instance whole connections: with fewer than the instances, some instance would get no request. */
function checkAutocannonInstances(variants: ExpandedVariant[], written: unknown): Finding[] {
  const upstream = isPlainObject(written) && isPlainObject(written.upstream) ? written.upstream : undefined;
  const instances = typeof upstream?.instances === 'number' ? upstream.instances : 1;
  const findings = new Map<string, Finding>(); // by path: every expansion of one variant shares it
  for (const { variant, sourceOf } of variants) {
    if (variant.client !== 'autocannon' || variant.connections >= instances) continue;
    const path = sourceOf('connections');
    findings.set(formatPath(path), {
      path,
      message: `autocannon spreads its connections over the ${instances} upstream instances, but has ${variant.connections}: some instance would get no request`,
      hint: `give variant "${variant.name}" at least ${instances} connections, or lower upstream.instances`,
    });
  }
  return [...findings.values()];
}

function checkBaseline(written: unknown, variants: ExpandedVariant[]): Finding[] {
  if (!isPlainObject(written) || typeof written.baseline !== 'string') return [];
  const names = variants.map(({ variant }) => variant.name);
  if (names.includes(written.baseline)) return [];
  return [{
    path: ['baseline'],
    message: `unknown baseline ${JSON.stringify(written.baseline)}: no variant has that name`,
    hint: didYouMean(written.baseline, names) ?? `the variants are ${names.map((name) => JSON.stringify(name)).join(', ')}`,
  }];
}

function byPosition(a: ScenarioProblem, b: ScenarioProblem): number {
  return a.line - b.line || a.col - b.col;
}

/**
 * Loading a scenario file: YAML -> validated, matrix-expanded `Scenario`, or a ScenarioError
 * listing every problem in the file at once, each at its line and column.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { PoolbenchError, ScenarioError, type ScenarioProblem } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { didYouMean } from './did-you-mean.js';
import { expandVariant, type ExpandedVariant } from './matrix.js';
import { defaultUpstream, ScenarioSchema, type Scenario, type ScenarioInput } from './schema.js';
import { validate } from './validate.js';
import { formatPath, YamlLocator, type Finding } from './yaml-locations.js';
import { applyOverrides, problemFromOverride, type Override } from './overrides.js';
import { targetTlsFileFindings, targetTlsOf } from './target-tls.js';

/** How long each variant runs when the scenario gives neither `load.duration` nor `load.requests`. */
export const DEFAULT_DURATION_MS = 10_000;

/** Reads and parses a scenario file; the result remembers the file in `scenario.file`. */
export async function loadScenarioFile(path: string, overrides: readonly Override[] = []): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
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
  return { ...parseScenario(text, path, overrides), file: path };
}

/** Parses scenario YAML; `file` only names the source in problems. Throws ScenarioError. */
export function parseScenario(text: string, file: string, overrides: readonly Override[] = []): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const locator = new YamlLocator(doc, lineCounter, file);
  // Past a syntax error the data is a guess, and problems found in it would only mislead.
  if (doc.errors.length > 0) {
    throw new ScenarioError(doc.errors.map((error) => locator.problemAtOffset(error.pos[0], yamlErrorMessage(error))));
  }
  if (doc.contents === null) {
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: 'the file is empty', hint: 'a scenario needs at least a name and a list of variants' }]);
  }

  applyOverrides(doc, overrides);
  const written: unknown = doc.toJS();
  const checked = validate(ScenarioSchema, written);
  const findings: Finding[] = checked.ok ? [] : [...checked.findings];
  findings.push(...checkUpstreamOrTarget(written), ...checkTargetFaults(written), ...targetTlsFileFindings(written, file));

  const variants: ExpandedVariant[] = [];
  const writtenVariants = isPlainObject(written) && Array.isArray(written.variants) ? written.variants : [];
  writtenVariants.forEach((writtenVariant, index) => {
    const expansion = expandVariant(writtenVariant, index);
    variants.push(...expansion.variants);
    findings.push(...expansion.findings);
  });
  findings.push(...checkDuplicateNames(variants), ...checkFetchKeepAlive(variants), ...checkFetchTargetTls(variants, written));
  // Only a complete list of names can prove that the baseline names none of them.
  const allVariantsValid = !findings.some((finding) => finding.path[0] === 'variants');
  if (allVariantsValid) findings.push(...checkBaseline(written, variants));

  if (findings.length > 0 || !checked.ok) {
    throw new ScenarioError(findings.map((finding) => problemFromOverride(finding, overrides) ?? locator.toProblem(finding)).sort(byPosition));
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
  };
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

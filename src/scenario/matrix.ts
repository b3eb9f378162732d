/**
 * Matrix expansion: a variant with `matrix: {connections: [1, 10], pipelining: [1, 4]}` becomes
 * one variant per combination, named `<name> connections=1 pipelining=4`.
 */
import { didYouMean } from './did-you-mean.js';
import { LIMITS } from './limits.js';
import { variantSchemas, type Variant } from './schema.js';
import { validate } from './validate.js';
import { formatPath, type Finding, type YamlPath } from './yaml-locations.js';

/** A variant ready to run, and where in the file each of its fields was written. */
export interface ExpandedVariant {
  variant: Variant;
  /** The path that supplied `field`: the variant's own key, or the matrix value substituted for it. */
  sourceOf(field: string): YamlPath;
}

export interface Expansion {
  variants: ExpandedVariant[];
  findings: Finding[];
}

/** Fields a matrix may not vary: they identify the variant rather than configure it. */
const FIXED_FIELDS = new Set(['name', 'client', 'matrix']);

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Expands every variant as written in the file, refusing (before building any of them) the
 * variant that would take the scenario past LIMITS.variants: five matrix keys of 100 values
 * are ten billion variants, which would exhaust memory long before anything said so.
 */
export function expandVariants(written: readonly unknown[]): Expansion {
  const expansion: Expansion = { variants: [], findings: [] };
  let total = 0;
  written.forEach((variant, index) => {
    const count = variantCount(variant);
    total += count;
    if (total > LIMITS.variants) {
      if (total - count <= LIMITS.variants) expansion.findings.push(tooManyVariants(variant, index, count, total));
      return;
    }
    const one = expandVariant(variant, index);
    expansion.variants.push(...one.variants);
    expansion.findings.push(...one.findings);
  });
  return expansion;
}

/** How many variants `written` expands into: the product of its matrix's value counts. */
function variantCount(written: unknown): number {
  if (!isPlainObject(written) || !isPlainObject(written.matrix)) return 1;
  return Object.values(written.matrix).reduce<number>((product, values) => product * (Array.isArray(values) ? Math.max(values.length, 1) : 1), 1);
}

function tooManyVariants(written: unknown, index: number, count: number, total: number): Finding {
  const hasMatrix = isPlainObject(written) && written.matrix !== undefined;
  const big = (n: number) => (n < 1e15 ? String(n) : n.toExponential(1));
  return {
    path: hasMatrix ? ['variants', index, 'matrix'] : ['variants', index],
    atKey: hasMatrix,
    message: hasMatrix
      ? `this matrix expands to ${big(count)} variants, ${big(total)} in all with the variants before it; a scenario may have at most ${LIMITS.variants}`
      : `this is variant ${big(total)} (matrices expanded); a scenario may have at most ${LIMITS.variants}`,
    hint: 'split the scenario, or vary fewer settings at once',
  };
}

/**
 * Expands `variants[index]` as written in the file. Problems the variant has as written are
 * reported by the scenario schema, so this reports only what the matrix adds: unknown matrix
 * keys and substituted values the client rejects, located at the matrix value. A variant that
 * cannot be validated yields no variants.
 */
export function expandVariant(written: unknown, index: number): Expansion {
  const nothing: Expansion = { variants: [], findings: [] };
  if (!isPlainObject(written) || typeof written.client !== 'string' || !Object.hasOwn(variantSchemas, written.client)) return nothing;
  const schema = variantSchemas[written.client as keyof typeof variantSchemas];
  const variantPath: YamlPath = ['variants', index];
  const { matrix = {}, ...fields } = written;
  if (!isPlainObject(matrix) || !Object.values(matrix).every((values) => Array.isArray(values) && values.length > 0)) return nothing;
  const axes = Object.entries(matrix as Record<string, unknown[]>);

  const variable = Object.keys(schema.shape).filter((key) => !FIXED_FIELDS.has(key));
  const unknownKeys = axes.filter(([key]) => !variable.includes(key));
  if (unknownKeys.length > 0) {
    return {
      variants: [],
      findings: unknownKeys.map(([key]) => {
        const finding: Finding = {
          path: [...variantPath, 'matrix', key],
          atKey: true,
          message: `unknown matrix key ${JSON.stringify(key)}: ${written.client} variants have no such setting`,
        };
        const hint = didYouMean(key, variable);
        return hint === undefined ? finding : { ...finding, hint };
      }),
    };
  }

  // A key beside the matrix and in it: the matrix would silently win, so say which to remove.
  const both = axes.filter(([key]) => Object.hasOwn(fields, key));
  if (both.length > 0) {
    return {
      variants: [],
      findings: both.map(([key]) => ({
        path: [...variantPath, 'matrix', key],
        atKey: true,
        message: `${key} is set both beside the matrix (${formatPath([...variantPath, key])}) and in it`,
        hint: 'remove one: the matrix would override the value beside it',
      })),
    };
  }

  const expansion: Expansion = { variants: [], findings: [] };
  const reported = new Set<string>();
  for (const combination of cartesianProduct(axes.map(([, values]) => values.length))) {
    const candidate: PlainObject = { ...fields };
    const substituted = new Map<string, YamlPath>();
    const labels: string[] = [];
    axes.forEach(([key, values], axis) => {
      const choice = combination[axis];
      candidate[key] = values[choice];
      substituted.set(key, [...variantPath, 'matrix', key, choice]);
      labels.push(`${key}=${typeof values[choice] === 'string' ? values[choice] : JSON.stringify(values[choice])}`);
    });
    if (labels.length > 0) candidate.name = `${String(fields.name)} ${labels.join(' ')}`;

    const result = validate(schema, candidate);
    if (result.ok) {
      expansion.variants.push({
        variant: result.value as Variant,
        sourceOf: (field) => substituted.get(field) ?? [...variantPath, field],
      });
      continue;
    }
    for (const finding of result.findings) {
      const source = substituted.get(String(finding.path[0]));
      if (source === undefined) continue; // as written, so the scenario schema reports it
      const located = { ...finding, path: [...source, ...finding.path.slice(1)] };
      const key = `${formatPath(located.path)}\0${located.message}`;
      if (!reported.has(key)) {
        reported.add(key);
        expansion.findings.push(located);
      }
    }
  }
  return expansion;
}

/** Every combination of one index per axis, the first axis varying slowest. */
function cartesianProduct(sizes: number[]): number[][] {
  return sizes.reduce<number[][]>(
    (combinations, size) => combinations.flatMap((prefix) => Array.from({ length: size }, (_, i) => [...prefix, i])),
    [[]],
  );
}

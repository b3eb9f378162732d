/**
 * README's "Limits" table, generated from the scenario's JSON Schema (which carries every bound
 * of the zod schema) and the limits that span several keys. A test checks the README holds
 * exactly this table, and that every number in the schema has a bound.
 *
 * Usage: node dist/src/scenario/limits-table.js [README.md]   (prints the table, or rewrites
 * it in place between the `<!-- limits:start -->` and `<!-- limits:end -->` markers)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatLimitDuration, formatLimitSize, LIMITS } from './limits.js';
import { scenarioJsonSchema } from './write-json-schema.js';

interface JsonSchema {
  type?: string | string[];
  maximum?: number;
  exclusiveMaximum?: number;
  maxItems?: number;
  maxLength?: number;
  maxProperties?: number;
  'x-limit'?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** One bound: the key it applies to (`load.stages[].duration`) and the bound as people write it. */
export interface Bound {
  key: string;
  limit: string;
}

/** Limits that no single key carries; load.ts, matrix.ts, yaml-checks.ts and the schema's refinements enforce them. */
export const CROSS_KEY_LIMITS: readonly Bound[] = [
  { key: 'the scenario file', limit: formatLimitSize(LIMITS.fileSize) },
  { key: 'nesting of maps and lists in the file', limit: `${LIMITS.depth} levels` },
  { key: 'values YAML aliases add to the file once expanded', limit: String(LIMITS.yamlValues) },
  { key: 'aliases (`*name`) in the file', limit: String(LIMITS.yamlAliases) },
  { key: 'variants, after matrix expansion', limit: String(LIMITS.variants) },
  { key: 'load.stages: their durations added up', limit: formatLimitDuration(LIMITS.duration) },
  { key: 'load.stages[].target with the closed model (a concurrency)', limit: String(LIMITS.connections) },
  { key: 'upstream.instances × upstream.workers (processes)', limit: String(LIMITS.processes) },
  { key: 'upstream bodies added up (response and routes)', limit: formatLimitSize(LIMITS.totalBodySize) },
];

/** Every bound the JSON Schema carries, by key, in schema order. */
export function schemaBounds(schema: JsonSchema = scenarioJsonSchema() as JsonSchema): Bound[] {
  const seen = new Set<string>();
  return collect(schema, '').filter((bound) => {
    const id = `${bound.key}\0${bound.limit}`;
    return !seen.has(id) && (seen.add(id), true);
  });
}

function collect(node: JsonSchema, key: string): Bound[] {
  const bounds: Bound[] = [];
  const own = limitOf(node);
  if (own !== undefined && key !== '') bounds.push({ key, limit: own });
  for (const [name, child] of Object.entries(node.properties ?? {})) bounds.push(...collect(child, key ? `${key}.${name}` : name));
  if (node.items) bounds.push(...collect(node.items, `${key}[]`));
  if (typeof node.additionalProperties === 'object') bounds.push(...collect(node.additionalProperties, `${key}.*`));
  if (node.propertyNames) bounds.push(...collect(node.propertyNames, `${key} (names)`));
  const branches = node.anyOf ?? node.oneOf;
  if (branches) {
    // A union (a latency: a duration or a distribution of them) is one key to its user: one row
    // when every branch has the same bound.
    const inner = branches.flatMap((branch) => collect(branch, key));
    const limits = new Set(inner.map((bound) => bound.limit));
    bounds.push(...(limits.size === 1 ? [{ key, limit: [...limits][0] }] : inner));
  }
  return bounds;
}

function limitOf(node: JsonSchema): string | undefined {
  if (node['x-limit'] !== undefined) return node['x-limit'];
  if (node.maximum !== undefined) return String(node.maximum);
  if (node.exclusiveMaximum !== undefined) return `less than ${node.exclusiveMaximum}`;
  if (node.maxItems !== undefined) return `${node.maxItems} items`;
  if (node.maxLength !== undefined) return `${node.maxLength} characters`;
  if (node.maxProperties !== undefined) return `${node.maxProperties} entries`;
  return undefined;
}

/** Keys of numbers without an upper bound (JSON Schema's default bound for integers is none). */
export function unboundedNumbers(schema: JsonSchema = scenarioJsonSchema() as JsonSchema, key = ''): string[] {
  const types = [schema.type ?? []].flat();
  const numeric = types.includes('number') || types.includes('integer');
  const bounded = (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER) || schema.exclusiveMaximum !== undefined;
  const found = numeric && !bounded ? [key] : [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) found.push(...unboundedNumbers(child, key ? `${key}.${name}` : name));
  if (schema.items) found.push(...unboundedNumbers(schema.items, `${key}[]`));
  if (typeof schema.additionalProperties === 'object') found.push(...unboundedNumbers(schema.additionalProperties, `${key}.*`));
  for (const branch of schema.anyOf ?? schema.oneOf ?? []) found.push(...unboundedNumbers(branch, key));
  return found;
}


/** The Markdown table: one row per bound, keys with the same bound together. */
export function limitsTable(): string {
  const byLimit = new Map<string, string[]>();
  for (const { key, limit } of [...schemaBounds(), ...CROSS_KEY_LIMITS]) byLimit.set(limit, [...(byLimit.get(limit) ?? []), key]);
  // 1000000000 -> 1,000,000,000: the table is read, the messages quote the number as written.
  const readable = (limit: string) => limit.replace(/^\d{5,}/, (digits) => Number(digits).toLocaleString('en-US'));
  const rows = [...byLimit].map(([limit, keys]) => `| ${readable(limit)} | ${keys.map((key) => (key.includes(' ') ? key : `\`${key}\``)).join(', ')} |`);
  return ['| at most | keys |', '|---|---|', ...rows].join('\n');
}

export const LIMITS_START = '<!-- limits:start (generated: node dist/src/scenario/limits-table.js README.md) -->';
export const LIMITS_END = '<!-- limits:end -->';

/** The table as the README holds it, between its markers; undefined when a marker is missing. */
export function limitsTableIn(readme: string): string | undefined {
  const start = readme.indexOf(LIMITS_START);
  const end = readme.indexOf(LIMITS_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + LIMITS_START.length, end).trim();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = process.argv[2];
  if (readmePath === undefined) {
    console.log(limitsTable());
  } else {
    const readme = readFileSync(readmePath, 'utf8');
    if (limitsTableIn(readme) === undefined) {
      console.error(`${readmePath} has no ${LIMITS_START} … ${LIMITS_END} markers`);
      process.exit(2);
    }
    const start = readme.indexOf(LIMITS_START) + LIMITS_START.length;
    writeFileSync(readmePath, `${readme.slice(0, start)}\n${limitsTable()}\n${readme.slice(readme.indexOf(LIMITS_END))}`);
  }
}

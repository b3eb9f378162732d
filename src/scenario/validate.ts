/**
 * Runs a zod schema over parsed YAML and phrases every issue for people, in k6's style
 * ("expected a positive whole number, but found -3"), with did-you-mean hints, as findings
 * that yaml-locations.ts can place in the file.
 */
import { z } from 'zod';
import { describeValue } from './describe-value.js';
import { didYouMean } from './did-you-mean.js';
import type { Finding, YamlPath } from './yaml-locations.js';

export type Validation<T> = { ok: true; value: T } | { ok: false; findings: Finding[] };

export function validate<S extends z.ZodType>(schema: S, input: unknown): Validation<z.output<S>> {
  // reportInput keeps each offending value on its issue, so messages can quote it and a
  // missing key (input undefined) can be told apart from a wrong one.
  const result = schema.safeParse(input, { reportInput: true, error: humanMessage });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, findings: findingsFromIssues(result.error.issues, schema, input, []) };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

/** The zod error map: messages for issues the schema does not word itself. */
const humanMessage: z.core.$ZodErrorMap = (issue) => {
  const found = `but found ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typeName(issue.expected)}, ${found}`;
    case 'too_small':
      if (issue.origin === 'number') return `expected ${numberBound(issue)}, ${found}`;
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return `expected at least ${issue.minimum} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'too_big':
      // Upper bounds in k6's phrasing: "must be at most 10000, but is 100000".
      if (issue.origin === 'number') return `must be ${issue.inclusive ? 'at most' : 'less than'} ${Number(issue.maximum)}, but is ${describeValue(issue.input)}`;
      return `must have at most ${Number(issue.maximum)} ${issue.origin === 'string' ? 'characters' : 'items'}, but has ${lengthOf(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}, ${found}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, ${found}`;
    case 'invalid_format':
      return `expected ${issue.format === 'url' ? 'a URL' : `a ${issue.format}`}, ${found}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, ${found}`;
    case 'invalid_union': {
      const expected = new Set(
        issue.errors.flatMap((branch) => branch.filter((i) => i.code === 'invalid_type' && i.path.length === 0).map((i) => typeName((i as { expected: string }).expected))),
      );
      return expected.size > 0 ? `expected ${[...expected].join(' or ')}, ${found}` : `${describeValue(issue.input)} is not valid here`;
    }
    default:
      return undefined; // zod's own wording (unrecognized keys are reworded per key below)
  }
};

function lengthOf(value: unknown): number | string {
  return typeof value === 'string' || Array.isArray(value) ? value.length : 'more';
}

/** "a positive whole number", "a number of at least 1", ... from a number's lower bound. */
function numberBound(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall>): string {
  // The issue comes from the bound check; the number schema it belongs to knows about `.int()`.
  const noun = (issue as { schema?: { isInt?: boolean } }).schema?.isInt ? 'whole number' : 'number';
  const min = Number(issue.minimum);
  if (min === 0) return issue.inclusive ? `zero or a positive ${noun}` : `a positive ${noun}`;
  return `a ${noun} ${issue.inclusive ? 'of at least' : 'greater than'} ${min}`;
}

function findingsFromIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, input: unknown, prefix: YamlPath): Finding[] {
  return issues.flatMap((issue) => findingsFromIssue(issue, schema, input, [...prefix, ...(issue.path as (string | number)[])]));
}

function findingsFromIssue(issue: z.core.$ZodIssue, schema: z.ZodType, input: unknown, path: YamlPath): Finding[] {
  const value = valueAt(input, path);
  // YAML cannot spell undefined, so an issue about an undefined value is about a missing key.
  if (value === undefined && path.length > 0 && (issue.code === 'invalid_type' || (issue.code === 'invalid_union' && !('discriminator' in issue)))) {
    return [missingKey(path)];
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = Object.keys(objectSchemaAt(schema, input, path)?.shape ?? {});
      return issue.keys.map((key) => withHint({ path: [...path, key], atKey: true, message: `unknown key ${JSON.stringify(key)}` }, didYouMean(key, known)));
    }
    case 'invalid_value':
      if (typeof value === 'string') return [withHint({ path, message: issue.message }, didYouMean(value, issue.values.map(String)))];
      break;
    case 'invalid_union': {
      if ('discriminator' in issue) return [unknownDiscriminator(path, value, (issue as { options?: string[] }).options ?? [])];
      // A union of object shapes (like a latency distribution): when only one branch fits the
      // value's type and tag, its issues are the ones that help; otherwise the union speaks.
      const fitting = issue.errors.filter((branch) => branch.every((i) => !isShapeMismatch(i)));
      if (fitting.length === 1) return findingsFromIssues(fitting[0], schema, input, path);
      break;
    }
  }
  return [{ path, message: issue.message }];
}

/** An issue saying the value is another kind of thing than this branch accepts. */
function isShapeMismatch(issue: z.core.$ZodIssue): boolean {
  const atRoot = issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  return atRoot || issue.code === 'invalid_value';
}

function missingKey(path: YamlPath): Finding {
  return { path: path.slice(0, -1), message: `missing required key ${JSON.stringify(path[path.length - 1])}` };
}

function unknownDiscriminator(path: YamlPath, value: unknown, options: string[]): Finding {
  const key = String(path[path.length - 1]);
  const list = `the ${key}s are ${options.join(', ')}`;
  if (value === undefined) return { ...missingKey(path), hint: list };
  const guess = typeof value === 'string' ? didYouMean(value, options) : undefined;
  return { path, message: `unknown ${key} ${describeValue(value)}`, hint: guess ? `${guess} ${list}` : list };
}

function withHint(finding: Finding, hint: string | undefined): Finding {
  return hint === undefined ? finding : { ...finding, hint };
}

function valueAt(input: unknown, path: YamlPath): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/**
 * The object schema that validates the value at `path`, found by walking the schema alongside
 * the data: unknown-key hints need that object's known keys, which zod's issue does not carry.
 */
function objectSchemaAt(schema: z.ZodType, input: unknown, path: YamlPath): z.ZodObject | undefined {
  let current: z.ZodType | undefined = unwrap(schema, input);
  let value = input;
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = current.shape[segment] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return undefined;
    value = valueAt(value, [segment]);
    current = current && unwrap(current, value);
  }
  return current instanceof z.ZodObject ? current : undefined;
}

/** Sees through optional, default, prefault and transform wrappers, and picks the union member `value` is meant for. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodNullable) return unwrap(schema.unwrap() as z.ZodType, value);
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType, value);
  if (schema instanceof z.ZodUnion) {
    const member = (schema.options as z.ZodType[]).find((option) => option instanceof z.ZodObject && literalsMatch(option, value));
    return member && unwrap(member, value);
  }
  return schema;
}

/** Whether every literal field of `object` (its tag, like `client` or `distribution`) matches `value`. */
function literalsMatch(object: z.ZodObject, value: unknown): boolean {
  return Object.entries(object.shape).every(
    ([key, field]) => !(field instanceof z.ZodLiteral) || field.values.has(valueAt(value, [key]) as never),
  );
}

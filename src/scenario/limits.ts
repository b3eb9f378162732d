/**
 * Upper bounds on everything a scenario file can ask for, and the bounded types the schema is
 * built from. A bound is one a real use would not reach and the machine survives: past it a
 * file would overflow Node's timers (2^31-1 ms, about 24.8 days, fire at once), exhaust memory
 * or file descriptors, or start more processes than a machine runs. Every bound lives here,
 * is refused by `validate` at the key's line, is published in scenario.schema.json as
 * `maximum` (and `x-limit`, the bound as people write it), and README's "Limits" table is
 * generated from that (see limits-table.ts; a test keeps the two equal).
 */
import { z } from 'zod';
import { describeValue } from './describe-value.js';
import { parseDuration, parseSize } from './units.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const KIB = 1024;
const MIB = 1024 * KIB;

export const LIMITS = {
  /** Load durations, warm-ups, fault windows, deploy schedules: a long soak test is hours, not days. */
  duration: 24 * HOUR,
  /** Timeouts, keep-alive times, retry waits, simulated think time and idle gaps. */
  timeout: HOUR,
  /** The simulated network round trip and its jitter: a satellite link is under a second. */
  rtt: MINUTE,
  /** Sockets or workers at once: concurrency, pool sizes, sessions, connection limits. */
  connections: 10_000,
  /** Open-model requests in flight. */
  inFlight: 100_000,
  /** Requests per second. */
  rate: 100_000,
  /** HTTP/2 streams per session. */
  streams: 10_000,
  /** Requests sent ahead on one connection. */
  pipelining: 1_000,
  /** Request counts: budgets, per-connection limits, `nth`. */
  requests: 1_000_000_000,
  /** Processes or threads: upstream instances × workers, load workers. */
  processes: 64,
  /** Independent client pools per variant. */
  pools: 1_000,
  /** One response body; the upstream keeps each in memory. */
  bodySize: 64 * MIB,
  /** All response bodies of the upstream together (response and routes). */
  totalBodySize: 256 * MIB,
  /** A request body or a header value, as written. */
  text: 64 * KIB,
  /** A header name. */
  headerName: 256,
  /** Headers in a request or a response. */
  headers: 100,
  /** Upstream routes. */
  routes: 100,
  /** Faults in one list. */
  faults: 100,
  /** Load stages. */
  stages: 1_000,
  /** Retries of one request. */
  retries: 100,
  /** A route's relative weight. */
  weight: 1_000_000,
  /** Growth of the wait between retries. */
  timeoutFactor: 100,
  /** Variants after matrix expansion: each runs for the whole load duration. */
  variants: 256,
  /** Plan: pool sizes or rates listed, and bisection steps. */
  planSteps: 100,
  /** Plan: instances of the calling service (arithmetic only: nothing is started per instance). */
  fleet: 100_000,
  /** Plan: the upstream's connection limit (arithmetic only). */
  connectionLimit: 10_000_000,
  /** Any other count. */
  count: 1_000_000,
  /** The scenario file itself: scenarios are a few kilobytes, and YAML parses ~100 kb a second on a busy machine. */
  fileSize: 256 * KIB,
  /** Nesting of maps and lists in the file: a scenario needs under ten. */
  depth: 64,
  /** Values YAML aliases add to the file once expanded: stops alias bombs ("billion laughs"). */
  yamlValues: 100_000,
  /** Aliases (`*name`) in the file: the YAML library resolves each by walking the document, so many cost quadratic time. */
  yamlAliases: 1_000,
} as const;

/** `86400000` -> `24h`: the largest unit that divides it, as a scenario would write it. */
export function formatLimitDuration(ms: number): string {
  if (ms >= HOUR && ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms >= MINUTE && ms % MINUTE === 0) return `${ms / MINUTE}m`;
  if (ms >= SECOND && ms % SECOND === 0) return `${ms / SECOND}s`;
  return `${ms}ms`;
}

/** `67108864` -> `64mb` (1 mb = 1024 kb, as sizes are parsed). */
export function formatLimitSize(bytes: number): string {
  for (const [unit, factor] of [['gb', 1024 * MIB], ['mb', MIB], ['kb', KIB]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes} bytes`;
}

interface QuantityKind {
  parse(value: string | number): number | undefined;
  /** e.g. `expected a duration such as 250ms, 30s or 1m` */
  expected: string;
  /** The smallest value allowed, and how to say that a value is below it. */
  min: number;
  belowMin(value: number): string;
  /** The largest value allowed, as people write it (`24h`); `unit` phrases a bare number (`ms`). */
  max: number;
  maxText: string;
  unit: string;
  describe: string;
}

/** A number or a human string (`250ms`, `64kb`), parsed to a number by `kind.parse`. */
function quantity(kind: QuantityKind) {
  return z
    .union([z.number(), z.string()], { error: (issue) => `${kind.expected}, but found ${describeValue(issue.input)}` })
    .transform((value, ctx) => {
      const parsed = kind.parse(value);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: `${kind.expected}, but found ${describeValue(value)}` });
        return z.NEVER;
      }
      if (parsed < kind.min) {
        ctx.addIssue({ code: 'custom', message: kind.belowMin(parsed) });
        return z.NEVER;
      }
      if (parsed > kind.max) {
        const written = typeof value === 'string' ? value.trim() : `${value}${kind.unit}`;
        ctx.addIssue({ code: 'custom', message: `must be at most ${kind.maxText}, but is ${written}` });
        return z.NEVER;
      }
      return parsed;
    })
    // JSON Schema's `maximum` constrains the numbers (ms, bytes) and lets strings through.
    .meta({ maximum: kind.max, 'x-limit': kind.maxText })
    .describe(kind.describe);
}

/** A duration in milliseconds, from `min` to `max` ms inclusive. */
export function duration(min = 0, max: number = LIMITS.duration) {
  return quantity({
    parse: parseDuration,
    expected: 'expected a duration such as 250ms, 30s or 1m',
    min,
    belowMin: (ms) => `the duration must be at least ${min}ms, but is ${ms}ms`,
    max,
    maxText: formatLimitDuration(max),
    unit: 'ms',
    describe: 'a duration: a number of milliseconds, or a string such as 250ms, 30s, 1m',
  });
}

/** A size in bytes, at most `max`. */
export function size(max: number = LIMITS.bodySize) {
  return quantity({
    parse: parseSize,
    expected: 'expected a size such as 512b, 64kb or 1mb',
    min: 0,
    belowMin: (bytes) => `the size must not be negative, but is ${bytes} bytes`,
    max,
    maxText: formatLimitSize(max),
    unit: ' bytes',
    describe: 'a size: a number of bytes, or a string such as 512b, 64kb, 1mb (1kb = 1024 bytes)',
  });
}

/** A share: a percentage (`25%`) or a fraction (0.25); comes out as a fraction, at most `max`. */
export function share(max = 1) {
  return quantity({
    parse: (value) => {
      if (typeof value === 'number') return value;
      const percent = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.exec(value);
      return percent ? Number(percent[1]) / 100 : undefined;
    },
    expected: 'expected a percentage such as 1% or 25%, or a fraction such as 0.25',
    min: 0,
    belowMin: (fraction) => `the share must not be negative, but is ${fraction}`,
    max,
    maxText: `${max * 100}%`,
    unit: '',
    describe: 'a share: a percentage such as 25%, or a fraction such as 0.25',
  });
}

/** A whole number from 1 to `max`. */
export const positiveInt = (max: number = LIMITS.count) => z.number().int().positive().max(max);
/** A whole number from 0 to `max`. */
export const nonNegativeInt = (max: number = LIMITS.count) => z.number().int().nonnegative().max(max);
/** A number above 0, at most `max`. */
export const positiveNumber = (max: number = LIMITS.count) => z.number().positive().max(max);
/** A number from 0 to `max`. */
export const nonNegativeNumber = (max: number = LIMITS.count) => z.number().nonnegative().max(max);

/**
 * Whether a variant measured anything but failures. A run in which a variant had no successful
 * request — every connection refused, every response a 5xx — must not exit 0 (exit 103), unless
 * the variant says that total failure is the point (`expectFailures: true`, for fault experiments).
 */
import type { RunResult, VariantResult } from '../result.js';
import { classifyStatus } from '../metrics/error-class.js';
import { formatCount } from '../report/format.js';

/**
 * Responses with a success status. `requests.completed` counts every response, 5xx included;
 * the status codes say which of them were errors (the same rule as the error count's).
 */
export function successfulRequests(v: VariantResult): number {
  let errorResponses = 0;
  for (const [status, n] of Object.entries(v.statusCodes)) if (classifyStatus(Number(status)) !== undefined) errorResponses += n;
  return Math.max(0, v.requests.completed - errorResponses);
}

/** Variants without a successful request that do not expect it: they make the run exit 103. */
export function variantsWithoutSuccess(result: RunResult): VariantResult[] {
  return result.variants.filter((v) => successfulRequests(v) === 0 && !v.variant.expectFailures);
}

/** The note a reader must not miss; undefined for a variant with a success. */
export function noSuccessNote(v: VariantResult): string | undefined {
  if (successfulRequests(v) > 0) return undefined;
  const classes = Object.entries(v.errors).sort(([, a], [, b]) => b - a);
  const shown = classes.slice(0, 3).map(([kind, n]) => `${kind} ×${formatCount(n)}`);
  if (classes.length > 3) shown.push(`${classes.length - 3} more class(es)`);
  const what = `${formatCount(v.requests.sent)} sent${shown.length > 0 ? `; ${shown.join(', ')}` : ''}`;
  if (v.variant.expectFailures) return `${v.name}: no request succeeded (${what}), as its expectFailures: true allows`;
  return `${v.name}: no request succeeded (${what}); its figures measure only failures — exit code 103 (expectFailures: true on the variant accepts this for a fault experiment)`;
}

/**
 * Whether a variant measured anything but failures. A run in which a variant had no successful
 * request — every connection refused, every response a 5xx — must not exit 0 (exit 103), unless
 * the variant says that total failure is the point (`expectFailures: true`, for fault experiments).
 * report/run-notes.ts says so in every report.
 */
import type { RunResult, VariantResult } from '../result.js';
import { classifyStatus } from '../metrics/error-class.js';

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

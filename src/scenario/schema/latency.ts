/** Simulated latencies: the upstream's think time and a closed-model load's idle gap. */
import { z } from 'zod';
import { describeValue } from '../describe-value.js';
import { duration, LIMITS } from '../limits.js';

/** A simulated latency: think time or an idle gap. */
const latency = (min = 0) => duration(min, LIMITS.timeout);

export const LatencySchema = z.union([
  latency(),
  z.strictObject({ distribution: z.literal('fixed'), value: latency() }),
  z
    .strictObject({ distribution: z.literal('uniform'), min: latency(), max: latency() })
    .refine((u) => u.max >= u.min, { path: ['max'], error: 'max must not be below min' }),
  z.strictObject({ distribution: z.literal('normal'), mean: latency(), stdev: latency() }),
  z
    .strictObject({ distribution: z.literal('lognormal'), p50: latency(0.001), p99: latency(0.001) })
    .refine((l) => l.p99 >= l.p50, { path: ['p99'], error: 'p99 must not be below p50' }),
], { error: (issue) => `expected a duration, or a map with distribution fixed, uniform, normal or lognormal, but found ${describeValue(issue.input)}` });
/** A latency in ms, or a distribution of them; a bare duration means `fixed`. */
export type LatencyModel = z.output<typeof LatencySchema>;

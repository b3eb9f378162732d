/** Capacity planning (`poolbench plan`, src/plan/). */
import { z } from 'zod';
import { duration, LIMITS, nonNegativeInt, positiveInt, positiveNumber, share } from '../limits.js';
import { parseSlo, type Slo } from '../slo.js';
import { targetSafety } from './target.js';

const SloSchema = z.string().transform((text, ctx): Slo => {
  const parsed = parseSlo(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.slo;
});

export const PlanSchema = z.strictObject({
  slo: z.union([SloSchema.transform((slo) => [slo]), z.array(SloSchema).min(1)]).describe('latency objective(s) every accepted step must meet, e.g. "p99 < 200ms"'),
  errorBudget: share().default(0.01).describe('share of requests that may fail (transport error or 4xx/5xx) in an accepted step'),
  targetRate: positiveNumber(LIMITS.rate).describe('requests per second one instance of the calling service must carry'),
  headroom: share(10).default(0.25).describe('the pool is sized for targetRate × (1 + headroom)'),
  instances: positiveInt(LIMITS.fleet).default(1).describe('instances of the calling service, each with its own pool: the fleet opens instances × pool size connections'),
  connectionLimit: nonNegativeInt(LIMITS.connectionLimit).optional().describe("the upstream's limit on connections open at once (default: upstream.maxConnections; 0 = none)"),
  connections: z.array(positiveInt(LIMITS.connections)).min(1).max(LIMITS.planSteps).transform((sizes) => [...new Set(sizes)].sort((a, b) => a - b)).optional().describe('pool sizes tried at the target rate, smallest first (default 1, 2, 4 … 256)'),
  refine: nonNegativeInt(LIMITS.planSteps).default(3).describe('extra steps bisecting between the largest failing and the smallest passing pool size'),
  rates: z.array(positiveNumber(LIMITS.rate)).min(1).max(LIMITS.planSteps).transform((rates) => [...new Set(rates)].sort((a, b) => a - b)).optional().describe('offered rates swept at the recommended pool size (default: 25 % to 400 % of targetRate)'),
  step: duration(100, LIMITS.timeout).default(3000).describe('measured time of each step; the confirmation run takes twice as long'),
  warmup: duration(0, LIMITS.timeout).default(1000).describe('load before each step, excluded from its figures'),
  targetSafety: targetSafety('a plan', 'all steps'),
});
export type PlanConfig = z.output<typeof PlanSchema>;

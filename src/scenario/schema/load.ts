/** The load: how many requests, how fast, for how long, and when the generator counts as saturated. */
import { z } from 'zod';
import { duration, formatLimitDuration, LIMITS, nonNegativeNumber, positiveInt, positiveNumber } from '../limits.js';
import { LatencySchema } from './latency.js';

export const LoadSchema = z.strictObject({
  concurrency: positiveInt(LIMITS.connections).default(10).describe('requests in flight at once (closed model: each worker sends its next request when the last one ends)'),
  duration: duration(1).optional().describe('how long to measure each variant; the default is 10s unless `requests` is given'),
  requests: positiveInt(LIMITS.requests).optional().describe('stop each variant after this many requests'),
  warmup: duration().default(0).describe('load sent before measuring starts, excluded from the figures'),
  model: z.enum(['closed', 'open']).default('closed').describe('closed: `concurrency` workers send back to back; open: requests start at a constant arrival `rate`, whatever the responses do'),
  rate: positiveNumber(LIMITS.rate).optional().describe('open model: requests started per second (the first stage starts from it; default 0 with stages)'),
  maxInFlight: positiveInt(LIMITS.inFlight).default(1000).describe('open model: requests in flight at most; later ones wait, and the wait counts in their latency'),
  stages: z
    .array(z.strictObject({ duration: duration(1), target: nonNegativeNumber(LIMITS.rate).describe('rate (open) or concurrency (closed) reached at the end of the stage') }))
    .min(1, 'stages needs at least one stage')
    .max(LIMITS.stages)
    .optional()
    .describe('ramps: each stage moves the rate (open) or concurrency (closed) linearly to its target; the measured duration is their sum'),
  workers: positiveInt(LIMITS.processes).default(1).describe('generator worker threads; the concurrency (closed) or rate (open) and the request budget are split over them, results merged losslessly'),
  idleGap: LatencySchema.optional().describe('closed model: a pause between the end of a request and the next one of the same worker'),
  saturation: z
    .strictObject({
      minRateRatio: z.number().min(0).max(1).default(0.95).describe('flag a variant whose achieved rate is below this share of the target rate'),
      maxLoopDelay: duration(0, LIMITS.timeout).default(50).describe("flag a variant whose generator event-loop delay p99 is above this"),
    })
    .prefault({}),
})
  .refine((l) => l.model !== 'open' || l.rate !== undefined || l.stages !== undefined, { path: ['rate'], error: 'the open model needs a rate (or stages)' })
  .refine((l) => l.model !== 'open' || l.idleGap === undefined, { path: ['idleGap'], error: 'idleGap applies to the closed model only; the open model schedules by rate' })
  .refine((l) => l.stages === undefined || l.duration === undefined, { path: ['duration'], error: 'give either duration or stages: with stages the duration is their sum' })
  .superRefine((l, ctx) => {
    const total = l.stages?.reduce((sum, stage) => sum + stage.duration, 0) ?? 0;
    if (total > LIMITS.duration) ctx.addIssue({ code: 'custom', path: ['stages'], message: `the stages must add up to at most ${formatLimitDuration(LIMITS.duration)}, but add up to ${formatLimitDuration(total)}` });
    // A closed-model target is a number of workers, each holding a request in flight.
    l.stages?.forEach((stage, index) => {
      if (l.model === 'closed' && stage.target > LIMITS.connections) ctx.addIssue({ code: 'custom', path: ['stages', index, 'target'], message: `a closed-model target is a concurrency: must be at most ${LIMITS.connections}, but is ${stage.target}` });
    });
  });
export type LoadConfig = z.output<typeof LoadSchema>;

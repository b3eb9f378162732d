/** The CI gate's settings (src/gate/settings.ts; --repeat and --min-effect override them) and the threshold expressions it checks. */
import { z } from 'zod';
import { share } from '../limits.js';
import { parseThreshold } from '../threshold.js';
import { GATE_METRIC_KEYS, type GateMetricKey } from '../gate-metrics.js';

/** Threshold expressions, kept as written (reports quote them); each is checked where it stands. */
export function thresholds(appliesTo: string) {
  const expression = z.string().superRefine((text, ctx) => {
    const parsed = parseThreshold(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  });
  return z.array(expression).optional().describe(`checks on ${appliesTo}'s figures, e.g. ['p99 < 50ms', 'errors < 0.1%', 'p50 vs baseline < -30%']; a failed one exits with code 99`);
}

/** A minimum effect: a share (like every share in the file, it comes out as a fraction), at most 1000 %. */
const minEffect = () => share(10);

export const GateSchema = z.strictObject({
  trials: z.number().int().min(1).max(1000).optional().describe('trials per variant, as --repeat (the flag wins); default 1'),
  minEffect: minEffect().optional().describe('the smallest change the baseline comparison counts, e.g. 10%, as --min-effect (the flag wins); default 5%'),
  metrics: z.array(z.enum(GATE_METRIC_KEYS)).min(1).optional().describe('the metrics the baseline comparison judges (p50, p90, p99, mean, rps); default all'),
  minEffectByMetric: z
    .strictObject({ p50: minEffect().optional(), p90: minEffect().optional(), p99: minEffect().optional(), mean: minEffect().optional(), rps: minEffect().optional() } satisfies Record<GateMetricKey, unknown>)
    .optional()
    .describe('per metric, its own minimum effect (tolerance), e.g. {p99: 30%}; with fewer than 4 trials a side, p90 and p99 are judged only when given one here'),
});
export type GateConfig = z.output<typeof GateSchema>;

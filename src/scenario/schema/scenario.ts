/** The file: every section in its place, and the scenario the runner takes once the loader is done. */
import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { UpstreamSchema, type UpstreamConfig } from './upstream.js';
import { TargetObjectSchema, TargetUrlSchema, targetSafety, type TargetSafety, type TargetTls } from './target.js';
import { ProxyFaultSchema, type Fault } from './faults.js';
import { RequestSchema, type RequestConfig } from './request.js';
import { LoadSchema, type LoadConfig } from './load.js';
import { VariantSchema, type Variant } from './variants.js';
import { PlanSchema, type PlanConfig } from './plan.js';
import { GateSchema, thresholds, type GateConfig } from './gate.js';

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1, 'the scenario needs a name'),
  description: z.string().optional(),
  upstream: UpstreamSchema.optional().describe('the bundled fake upstream (the default when neither upstream nor target is given)'),
  target: z.union([TargetUrlSchema, TargetObjectSchema]).optional().describe('a real server instead of the bundled upstream: its URL, or a map with url and TLS settings (ca, serverName, cert, key, insecure)'),
  targetSafety: targetSafety('a run', 'every variant and trial'),
  faults: z.array(ProxyFaultSchema).max(LIMITS.faults).optional().describe('with target: connection-level faults applied by the fault proxy, which poolbench runs in front of the target (http:// only)'),
  request: RequestSchema.prefault({}),
  load: LoadSchema.prefault({}),
  variants: z.array(VariantSchema).min(1, 'a scenario needs at least one variant'),
  baseline: z.string().optional().describe('the variant the others are compared against; default: the first'),
  plan: PlanSchema.optional().describe('capacity planning with `poolbench plan`: sweeps, SLO, target rate, fleet size'),
  thresholds: thresholds('every variant'),
  gate: GateSchema.optional().describe('the CI gate\'s settings, so CI commands stay short: trials, minimum effect, which metrics the baseline comparison judges'),
});
export type ScenarioInput = z.output<typeof ScenarioSchema>;

/**
 * A scenario as the runner takes it: validated, matrices expanded, defaults filled, and
 * exactly one of `upstream` and `target` set.
 */
export interface Scenario {
  name: string;
  description?: string;
  /** Where the scenario came from, for reports; undefined for scenarios built in code. */
  file?: string;
  upstream?: UpstreamConfig;
  /** The target's URL, as written (the string form, or the object form's `url`). */
  target?: string;
  /** With an https `target` in the object form: how to reach it over TLS. */
  targetTls?: TargetTls;
  /** With `target`: caps on the load `run` sends to it when it is not on this machine. */
  targetSafety?: TargetSafety;
  /** With `target`: the faults the fault proxy in front of it applies. */
  faults?: Fault[];
  request: RequestConfig;
  load: LoadConfig & { duration?: number };
  variants: Variant[];
  /** The name of the baseline variant (always one of `variants`). */
  baseline: string;
  /** For `poolbench plan`; `run` ignores it. */
  plan?: PlanConfig;
  /** Threshold expressions every variant must meet (variants may add their own). */
  thresholds?: string[];
  /** The CI gate's settings; shares (minEffect) are fractions. */
  gate?: GateConfig;
}

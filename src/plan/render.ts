/**
 * Plan renderers, pure: the step table and the recommendation paragraph per variant, the whole
 * terminal summary, one progress line per step, and the JSON file.
 */
import Table from 'cli-table3';
import { COMPACT_ROWS } from '../report/comparison.js';
import { formatDuration, formatRate, formatShare } from '../report/format.js';
import { formatSlo } from '../scenario/slo.js';
import { displaySafeRun, visibleText } from '../report/escape.js';
import { CONFIRM_MARGIN } from './sweep.js';
import type { PlanResult, PlanStep, VariantPlan } from './types.js';

const PHASE_TITLES = { pool: 'pool size', confirm: 'confirm', rate: 'rate' } as const;

export function renderPlan(plan: PlanResult): string {
  const result = displaySafeRun(plan);
  const heading = [
    `poolbench ${result.environment.poolbench} plan — ${result.scenario.name}${result.partial ? ' [PARTIAL]' : ''}`,
    `objectives ${objectives(result)} · sized for ${formatRate(result.requiredRps)} (target ${formatRate(result.targetRps)} + ${formatShare(result.headroom)} headroom)`,
  ].join('\n');
  const sections = [heading];
  for (const variant of result.variants) sections.push(`${variant.variant} (${variant.client})\n${renderPlanTable(variant)}`, renderRecommendation(variant, result));
  if (result.interruption) sections.push(`note: the plan stopped early: ${result.interruption.message}; the figures cover the steps measured until then`);
  return sections.join('\n\n') + '\n';
}

/** One row per step: pool size or rate → latency, errors, in-flight (measured and by Little's law), pool occupancy and wait. */
export function renderPlanTable(plan: VariantPlan): string {
  const head = ['step', plan.poolSetting, 'offered', 'throughput', 'p50', 'p99', 'errors', 'in flight', 'X·W', 'pool busy', 'pool wait', 'verdict'];
  const table = new Table({ head, style: { head: [], border: [] }, chars: COMPACT_ROWS });
  for (const step of plan.steps) {
    table.push([
      PHASE_TITLES[step.phase],
      String(step.poolSize),
      formatRate(step.offeredRps),
      formatRate(step.throughputRps),
      formatDuration(step.latency.p50),
      formatDuration(step.latency.p99),
      formatShare(step.errorShare),
      step.little ? step.little.measured.toFixed(1) : '—',
      step.little ? step.little.predicted.toFixed(1) : '—',
      step.pool ? formatShare(step.pool.occupancy) : '—',
      step.pool ? formatDuration(step.pool.meanWaitMs) : '—',
      step.failures.length === 0 ? 'meets' : 'fails',
    ]);
  }
  return table.toString();
}

/** The recommendation and its reasoning, in one paragraph. */
export function renderRecommendation(plan: VariantPlan, result: PlanResult): string {
  const sentences: string[] = [];
  const poolSteps = plan.steps.filter((s) => s.phase !== 'rate');
  const confirmation = plan.steps.find((s) => s.phase === 'confirm' && s.poolSize === plan.recommendedPoolSize);
  const failed = plan.largestFailingPoolSize === undefined ? undefined : poolSteps.filter((s) => s.poolSize === plan.largestFailingPoolSize).at(-1);
  if (plan.recommendedPoolSize !== undefined && confirmation) {
    sentences.push(`Recommendation for ${plan.variant}: ${plan.poolSetting} ${plan.recommendedPoolSize} per origin per instance. It meets ${objectives(result)} at ${formatRate(result.requiredRps)} (the target ${formatRate(result.targetRps)} plus ${formatShare(result.headroom)} headroom): the ${formatDuration(confirmation.durationMs)} confirmation run, which must meet them with a ${formatShare(CONFIRM_MARGIN)} margin, measured ${figures(confirmation)}`);
    if (failed) sentences.push(`${plan.largestFailingPoolSize} did not (${failed.failures.join('; ')})`);
  } else if (poolSteps.length > 0) {
    const largest = poolSteps.reduce((a, b) => (b.poolSize >= a.poolSize ? b : a));
    sentences.push(`No pool size tried for ${plan.variant} met ${objectives(result)} at ${formatRate(result.requiredRps)}: the largest, ${largest.poolSize}, measured ${figures(largest)} (${largest.failures.join('; ')}). Try larger sizes in plan.connections, a lower targetRate, or a faster upstream`);
  }

  const rateSteps = plan.steps.filter((s) => s.phase === 'rate');
  const broke = rateSteps.find((s) => s.failures.length > 0);
  if (rateSteps.length > 0) {
    const at = `At ${plan.poolSetting} ${plan.rateSweepPoolSize}`;
    if (plan.maxRateRps === undefined) sentences.push(`${at} the objectives broke already at ${formatRate(rateSteps[0].offeredRps)} (${rateSteps[0].failures.join('; ')})`);
    else if (broke) sentences.push(`${at} they held up to ${formatRate(plan.maxRateRps)} offered and broke at ${formatRate(broke.offeredRps)} (${broke.failures.join('; ')})`);
    else sentences.push(`${at} they held at every rate tried, up to ${formatRate(plan.maxRateRps)}`);
  }
  if (plan.knee) sentences.push(`Throughput levels off near ${plan.knee.concurrency.toFixed(1)} requests in flight (${formatRate(plan.knee.throughputRps)} at ${formatRate(plan.knee.offeredRps)} offered)`);
  else if (rateSteps.length > 0) sentences.push('Throughput rose with concurrency over the whole rate sweep: no knee within it');
  if (plan.usl) sentences.push(describeUsl(plan.usl));
  if (plan.littleWorstError !== undefined) sentences.push(`Little's law (in flight = throughput × latency) matched the measured in-flight count within ${formatShare(plan.littleWorstError)} at every step that met the objectives`);
  if (plan.fleet) sentences.push(describeFleet(plan));
  return sentences.map((s) => `${s}.`).join(' ');
}

function describeUsl(usl: NonNullable<VariantPlan['usl']>): string {
  const fit = `USL fit over the rate sweep: σ = ${usl.sigma.toPrecision(3)}, κ = ${usl.kappa.toPrecision(3)}, λ = ${usl.lambda.toPrecision(3)} req/s per request in flight (R² ${usl.r2.toFixed(3)})`;
  if (usl.peak) return `${fit}; predicted peak ${formatRate(usl.peak.throughput)} at ${usl.peak.concurrency.toFixed(1)} in flight, falling beyond`;
  if (usl.sigma > 0) return `${fit}; no retrograde region (κ = 0), throughput approaches ${formatRate(usl.lambda / usl.sigma)}`;
  return `${fit}; linear scaling over the range measured`;
}

function describeFleet(plan: VariantPlan): string {
  const fleet = plan.fleet!;
  const busy = fleet.busyConnections === undefined ? '' : `, about ${fleet.busyConnections.toFixed(0)} of them busy at a time`;
  const total = `Fleet: ${fleet.instances} instance${fleet.instances === 1 ? '' : 's'} × ${fleet.poolSize} = ${fleet.totalConnections} connections to the upstream${busy}`;
  if (fleet.limit === 0) return `${total}; no connection limit is known (set plan.connectionLimit)`;
  if (fleet.withinLimit) return `${total}, within its limit of ${fleet.limit}`;
  const fit = Math.floor(fleet.limit / fleet.instances);
  return `${total}, ABOVE its limit of ${fleet.limit}: at most ${fit} per instance fit, fewer than the objectives need — run fewer instances, raise the limit, or put a shared pooler in front`;
}

/** `p99 < 200 ms and errors ≤ 1 %` */
function objectives(result: PlanResult): string {
  return `${result.slo.map(formatSlo).join(', ')} with errors ≤ ${formatShare(result.errorBudget)}`;
}

function figures(step: PlanStep): string {
  return `p50 ${formatDuration(step.latency.p50)}, p99 ${formatDuration(step.latency.p99)}, errors ${formatShare(step.errorShare)} at ${formatRate(step.throughputRps)}`;
}

/** A progress line for stderr: one per finished step. */
export function renderStepLine(variant: string, step: PlanStep): string {
  const verdict = step.failures.length === 0 ? 'meets' : `fails: ${step.failures.join('; ')}`;
  return `${visibleText(variant)} · ${PHASE_TITLES[step.phase]} · pool ${step.poolSize} at ${formatRate(step.offeredRps)}: ${figures(step)} — ${verdict}\n`;
}

export function renderPlanJson(result: PlanResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

import type { GateMetricKey } from '../scenario/gate-metrics.js';

/**
 * Tail percentiles: a handful of requests decide them, and a busy machine moves them by tens of
 * percent between identical runs. With too few trials to measure that noise they are not judged
 * unless the scenario gives them their own minimum effect (see compare.ts).
 */
export const TAIL_METRICS: readonly GateMetricKey[] = ['p90', 'p99'];

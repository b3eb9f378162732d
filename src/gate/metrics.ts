/**
 * The metrics the baseline comparison can judge, by the key a scenario's `gate:` section and the
 * report use. Kept apart, without imports, so the scenario schema can name them without loading
 * the gate.
 */
export const GATE_METRIC_KEYS = ['p50', 'p90', 'p99', 'mean', 'rps'] as const;
export type GateMetricKey = (typeof GATE_METRIC_KEYS)[number];

/**
 * Tail percentiles: a handful of requests decide them, and a busy machine moves them by tens of
 * percent between identical runs. With too few trials to measure that noise they are not judged
 * unless the scenario gives them their own minimum effect (see compare.ts).
 */
export const TAIL_METRICS: readonly GateMetricKey[] = ['p90', 'p99'];

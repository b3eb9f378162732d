/**
 * The metrics the CI gate's baseline comparison can judge, by the key a scenario's `gate:`
 * section and the report use. Part of the scenario language; kept without imports, so the gate
 * can name them without loading the schema.
 */
export const GATE_METRIC_KEYS = ['p50', 'p90', 'p99', 'mean', 'rps'] as const;
export type GateMetricKey = (typeof GATE_METRIC_KEYS)[number];

export { ExitCode } from './exit-codes.js';
export { PoolbenchError, ScenarioError } from './errors.js';
export type { Scenario, Variant, UpstreamConfig } from './scenario/schema.js';

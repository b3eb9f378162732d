/**
 * The scenario file's schema: the one definition of what a scenario may say, one module per
 * section in schema/, and this file their one entry point. The loader (load.ts) turns YAML into
 * the input of `ScenarioSchema`, locates every problem in the file, and expands matrices; the
 * JSON Schema for editors is generated from it (`npm run schema`), so completion and validation
 * can never disagree.
 *
 * Durations and sizes are accepted as numbers (milliseconds, bytes) or human strings
 * (`250ms`, `64kb`) and come out of the schema as numbers of milliseconds and bytes. Every
 * number has an upper bound (limits.ts: the bounded types and their limits, in one place).
 * A section left out gets its fields' defaults: each is stated once, on its field, and an
 * absent object is parsed as `{}` (zod's `prefault`).
 */
export { ScenarioSchema, type ScenarioInput, type Scenario } from './schema/scenario.js';
export { UpstreamSchema, RouteSchema, DeploySchema, defaultUpstream, type UpstreamConfig, type RouteConfig, type DeployConfig } from './schema/upstream.js';
export { LatencySchema, type LatencyModel } from './schema/latency.js';
export { FaultSchema, TriggerSchema, FAULT_MOMENTS, FAULT_MOMENTS_BY_TYPE, faultMoment, type Fault, type FaultType, type FaultMoment, type Trigger } from './schema/faults.js';
export { LoadSchema, type LoadConfig } from './schema/load.js';
export { RequestSchema, type RequestConfig } from './schema/request.js';
export {
  VariantSchema,
  UndiciVariantSchema,
  NodeHttpVariantSchema,
  NodeHttp2VariantSchema,
  FetchVariantSchema,
  AutocannonVariantSchema,
  RetrySchema,
  variantSchemas,
  type VariantInput,
  type Variant,
  type UndiciVariant,
  type NodeHttpVariant,
  type NodeHttp2Variant,
  type FetchVariant,
  type AutocannonVariant,
  type ClientKind,
  type RetryConfig,
} from './schema/variants.js';
export { type TargetSafety, type TargetTls } from './schema/target.js';
export { PlanSchema, type PlanConfig } from './schema/plan.js';
export { GateSchema, type GateConfig } from './schema/gate.js';

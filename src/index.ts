/**
 * The programmatic API: load a scenario, run it, render the result; gate it; plan with it.
 *
 *   const scenario = await loadScenarioFile('scenarios/keepalive.yaml');
 *   const result = await runScenario(scenario);
 *   console.log(renderTerminalSummary(result));
 */
export { ExitCode } from './exit-codes.js';
export { PoolbenchError, ScenarioError, RunFailedError, formatProblem } from './errors.js';
export type { Scenario, Variant, UpstreamConfig } from './scenario/schema.js';
export { loadScenarioFile, parseScenario } from './scenario/load.js';
export { runScenario, type RunEvent, type RunOptions } from './runner.js';
export type { RunResult, VariantResult } from './result.js';
export { reporters, reportFormats, type ReportFormat } from './report/index.js';
export { renderTerminalSummary } from './report/terminal.js';
export { renderComparisonTable } from './report/comparison.js';
export { renderJson } from './report/json.js';
export { evaluateGate, judgeRun, withVerdict, type RunVerdict, type VerdictOptions, type ExitReason } from './gate/verdict.js';
export { gateExitCode } from './gate/outcome.js';
export { planScenario } from './plan/planner.js';
export { startUpstream } from './upstream/start.js';
export { createUpstreamServer } from './upstream/server.js';

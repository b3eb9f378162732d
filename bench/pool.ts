/**
 * The pool under the microscope (issue 13): its acceptance figures, each from a bundled scenario
 * run as a user would run it, with the raw figures kept.
 */
import { join } from 'node:path';
import { loadScenarioFile } from '../src/scenario/load.js';
import { runScenario } from '../src/runner.js';
import type { RunResult, VariantResult } from '../src/result.js';
import { packageRoot } from '../src/package-info.js';
import { round, type Figure } from './figures.js';

async function runBundled(name: string, keep?: (variant: string) => boolean): Promise<RunResult> {
  const scenario = await loadScenarioFile(join(packageRoot, 'scenarios', `${name}.yaml`));
  const variants = keep ? scenario.variants.filter((v) => keep(v.name)) : scenario.variants;
  return runScenario({ ...scenario, variants, baseline: variants[0].name });
}

function byName(result: RunResult, name: string): VariantResult {
  const found = result.variants.find((v) => v.name === name);
  if (!found) throw new Error(`no variant ${name} in ${result.scenario.name}`);
  return found;
}

/**
 * 9. scenarios/pool-size.yaml: a pool of 1 at concurrency 50 queues every request behind the 49
 * others, so each waits about 49 service times (a closed loop over one FIFO connection); the
 * service time is what the one connection spends per request, 1 ÷ throughput. A pool of 100 has
 * a connection for every request: its wait is near zero.
 */
export async function acquireWait(): Promise<Figure> {
  const result = await runBundled('pool-size', (name) => name === 'pool connections=1' || name === 'pool connections=100');
  const one = byName(result, 'pool connections=1');
  const hundred = byName(result, 'pool connections=100');
  const concurrency = result.scenario.load.concurrency;
  const serviceMs = 1000 / one.throughputRps;
  const predictedMs = (concurrency - 1) * serviceMs;
  const p50One = one.pool?.attempts?.acquireWait.p50 ?? NaN;
  const p50Hundred = hundred.pool?.attempts?.acquireWait.p50 ?? NaN;
  const off = Math.abs(p50One - predictedMs) / predictedMs;
  return {
    id: 9,
    title: 'acquire wait p50: pool of 1 at concurrency 50 against queueing arithmetic, and a pool of 100',
    measured: `pool 1: ${round(p50One, 1)} ms vs ${round(predictedMs, 1)} ms predicted (${round(off * 100, 1)} % off); pool 100: ${round(p50Hundred, 2)} ms`,
    target: 'within 20 %; pool 100 < 1 ms',
    met: off <= 0.2 && p50Hundred < 1,
    raw: { concurrency, serviceMs: round(serviceMs), predictedMs: round(predictedMs), p50Pool1: round(p50One), p99Pool1: round(one.pool?.attempts?.acquireWait.p99 ?? NaN), p50Pool100: round(p50Hundred), p99Pool100: round(hundred.pool?.attempts?.acquireWait.p99 ?? NaN) },
  };
}

/**
 * 10. scenarios/idle-timeout-race.yaml: a load balancer closes connections idle 1 s while the
 * clients pause about 1 s between requests. node:http with keep-alive and undici's defaults reuse
 * connections the server is closing (dead-socket rate above zero); undici with a 500 ms idle
 * timeout closes them first (zero). The closes by the server while idle dominate, and the client
 * and the upstream agree on them.
 */
export async function deadSocketRate(): Promise<Figure> {
  const result = await runBundled('idle-timeout-race');
  const rate = (name: string) => byName(result, name).pool?.attempts?.deadSocketRate ?? NaN;
  const racing = ['node-http keepAlive', 'undici defaults'].map(rate);
  const safe = rate('undici keepAliveTimeout 500ms');
  const raceVariants = result.variants.filter((v) => v.name !== 'undici keepAliveTimeout 500ms');
  const serverIdleDominates = raceVariants.every((v) => {
    const closes = v.pool?.closes;
    if (!closes) return false;
    const total = Object.values(closes).reduce((sum, n) => sum + n, 0) - closes['client-end'];
    return closes['server-idle'] > total / 2;
  });
  return {
    id: 10,
    title: 'dead-socket rate on scenarios/idle-timeout-race.yaml',
    measured: `node-http keepAlive ${round(racing[0] * 100, 2)} %, undici defaults ${round(racing[1] * 100, 2)} %, undici keepAliveTimeout 500ms ${round(safe * 100, 2)} %`,
    target: '> 0, > 0, 0; closes by the server while idle dominate',
    met: racing.every((r) => r > 0) && safe === 0 && serverIdleDominates,
    raw: Object.fromEntries(result.variants.flatMap((v) => [
      [`${v.name} deadSocketRate`, round(v.pool?.attempts?.deadSocketRate ?? NaN, 4)],
      [`${v.name} closes`, JSON.stringify(v.pool?.closes ?? {})],
      [`${v.name} upstream closes`, JSON.stringify(v.connections.upstream?.closes ?? {})],
    ])),
  };
}

/**
 * 11. scenarios/keepalive.yaml (rtt 50 ms): a fresh connection's handshake shows in the connect
 * time (≈ 50 ms), and the latency rows keep the seeds' ~100 ms → ~50 ms.
 */
export async function connectTime(): Promise<Figure> {
  const result = await runBundled('keepalive');
  const off = byName(result, 'keep-alive off');
  const on = byName(result, 'keep-alive on');
  const near = (value: number, target: number) => Math.abs(value - target) <= 0.1 * target;
  return {
    id: 11,
    title: 'connect time and latency on scenarios/keepalive.yaml (rtt 50 ms)',
    measured: `connect p50 ${round(off.connectTime.p50, 1)} ms; latency p50 off ${round(off.latency.p50, 1)} ms, on ${round(on.latency.p50, 1)} ms`,
    target: 'connect ≈ 50 ms, latency ≈ 100 ms off and ≈ 50 ms on (±10 %)',
    met: near(off.connectTime.p50, 50) && near(off.latency.p50, 100) && near(on.latency.p50, 50),
    raw: { connectP50: round(off.connectTime.p50), connectP99: round(off.connectTime.p99), latencyOffP50: round(off.latency.p50), latencyOnP50: round(on.latency.p50) },
  };
}

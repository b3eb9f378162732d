/**
 * Server think time: turns a scenario's latency model into a function that draws one delay
 * per request. Pure apart from `random`, so tests can seed it.
 */
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { LatencyModel } from '../scenario/schema.js';

/** z such that P(Z ≤ z) = 0.99 for a standard normal Z: the 99th percentile is p50·e^(σ·z). */
const Z_99 = 2.3263;

/** Returns a sampler of delays in milliseconds, never negative. */
export function createLatencySampler(model: LatencyModel, random: () => number = Math.random): () => number {
  if (typeof model === 'number') return () => model;
  switch (model.distribution) {
    case 'fixed': {
      const { value } = model;
      return () => value;
    }
    case 'uniform': {
      const { min, max } = model;
      if (max < min) throw invalidLatency(`uniform latency needs min ≤ max, but min is ${min}ms and max ${max}ms`);
      return () => min + (max - min) * random();
    }
    case 'normal': {
      const { mean, stdev } = model;
      const normal = createStandardNormal(random);
      // A negative delay cannot be served; clamping keeps the mass there at 0 instead of redrawing.
      return () => Math.max(0, mean + stdev * normal());
    }
    case 'lognormal': {
      const { p50, p99 } = model;
      if (p50 <= 0 || p99 < p50) {
        throw invalidLatency(`lognormal latency needs 0 < p50 ≤ p99, but p50 is ${p50}ms and p99 ${p99}ms`);
      }
      const mu = Math.log(p50);
      const sigma = (Math.log(p99) - mu) / Z_99;
      const normal = createStandardNormal(random);
      return () => Math.exp(mu + sigma * normal());
    }
  }
}

/** True when the model can only ever produce 0 ms, so the server may answer synchronously. */
export function isZeroLatency(model: LatencyModel): boolean {
  if (typeof model === 'number') return model === 0;
  switch (model.distribution) {
    case 'fixed':
      return model.value === 0;
    case 'uniform':
      return model.min === 0 && model.max === 0;
    case 'normal':
      return model.mean === 0 && model.stdev === 0;
    case 'lognormal':
      return false;
  }
}

/**
 * Box–Muller: each pair of uniforms yields two independent standard normals; the second is
 * kept for the next call so no draw is wasted.
 */
function createStandardNormal(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    // 1 - random() lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

function invalidLatency(message: string): PoolbenchError {
  return new PoolbenchError(message, {
    code: 'POOLBENCH_INVALID_LATENCY',
    exitCode: ExitCode.InvalidInput,
    hint: 'fix upstream.latency in the scenario',
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLatencySampler, isZeroLatency } from '../../src/upstream/latency.js';
import type { LatencyModel } from '../../src/scenario/schema.js';

/** mulberry32: a small seeded PRNG, so the statistics below are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function draw(model: LatencyModel, n = 100_000): number[] {
  const sample = createLatencySampler(model, seededRandom(42));
  return Array.from({ length: n }, sample);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const stdev = (values: number[]) => {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / values.length);
};

describe('createLatencySampler', () => {
  it('a bare number and `fixed` always give that value', () => {
    assert.deepEqual(new Set(draw(25, 100)), new Set([25]));
    assert.deepEqual(new Set(draw({ distribution: 'fixed', value: 7 }, 100)), new Set([7]));
  });

  it('uniform stays within [min, max] with the mean in the middle', () => {
    const values = draw({ distribution: 'uniform', min: 10, max: 30 });
    assert.ok(Math.min(...values) >= 10 && Math.max(...values) <= 30);
    assert.ok(Math.abs(mean(values) - 20) < 0.2, `mean ${mean(values)}`);
  });

  it('normal has the configured mean and standard deviation', () => {
    const values = draw({ distribution: 'normal', mean: 100, stdev: 10 });
    assert.ok(Math.abs(mean(values) - 100) < 0.3, `mean ${mean(values)}`);
    assert.ok(Math.abs(stdev(values) - 10) < 0.3, `stdev ${stdev(values)}`);
  });

  it('normal is clamped at 0, never negative', () => {
    const values = draw({ distribution: 'normal', mean: 1, stdev: 10 });
    assert.ok(Math.min(...values) === 0);
    // About half of N(1, 10) lies below 0 and is clamped to it.
    const atZero = values.filter((v) => v === 0).length / values.length;
    assert.ok(atZero > 0.4 && atZero < 0.5, `share at 0: ${atZero}`);
  });

  it('lognormal hits the configured p50 and p99', () => {
    const values = draw({ distribution: 'lognormal', p50: 20, p99: 200 });
    assert.ok(Math.min(...values) > 0);
    assert.ok(Math.abs(quantile(values, 0.5) - 20) < 0.5, `p50 ${quantile(values, 0.5)}`);
    assert.ok(Math.abs(quantile(values, 0.99) - 200) < 12, `p99 ${quantile(values, 0.99)}`);
  });

  it('lognormal with p99 = p50 degenerates to a fixed value', () => {
    assert.ok(draw({ distribution: 'lognormal', p50: 5, p99: 5 }, 100).every((v) => Math.abs(v - 5) < 1e-9));
  });

  it('rejects models it cannot sample', () => {
    assert.throws(() => createLatencySampler({ distribution: 'uniform', min: 5, max: 1 }), { code: 'POOLBENCH_INVALID_LATENCY' });
    assert.throws(() => createLatencySampler({ distribution: 'lognormal', p50: 0, p99: 10 }), { code: 'POOLBENCH_INVALID_LATENCY' });
    assert.throws(() => createLatencySampler({ distribution: 'lognormal', p50: 10, p99: 5 }), { code: 'POOLBENCH_INVALID_LATENCY' });
  });

  it('isZeroLatency recognises only models that always give 0', () => {
    assert.equal(isZeroLatency(0), true);
    assert.equal(isZeroLatency({ distribution: 'fixed', value: 0 }), true);
    assert.equal(isZeroLatency({ distribution: 'uniform', min: 0, max: 0 }), true);
    assert.equal(isZeroLatency({ distribution: 'normal', mean: 0, stdev: 0 }), true);
    assert.equal(isZeroLatency(1), false);
    assert.equal(isZeroLatency({ distribution: 'uniform', min: 0, max: 1 }), false);
    assert.equal(isZeroLatency({ distribution: 'lognormal', p50: 1, p99: 2 }), false);
  });
});

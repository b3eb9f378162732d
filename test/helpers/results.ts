import assert from 'node:assert/strict';
/** RunResults built from known latencies through the real recorder, for renderer tests. */
import { VariantRecorder } from '../../src/metrics/recorder.js';
import { encodeHistogram, summarize } from '../../src/metrics/histogram.js';
import type { RunResult, VariantResult } from '../../src/result.js';
import type { Variant } from '../../src/scenario/schema.js';

export function variantResult(name: string, latenciesMs: number[], extra: { opened?: number; errors?: Record<string, number>; durationMs?: number } = {}): VariantResult {
  const recorder = new VariantRecorder();
  for (const ms of latenciesMs) recorder.recordResponse(ms, 200, 10);
  const durationMs = extra.durationMs ?? 1000;
  const variant: Variant = { name, client: 'undici', keepAlive: true, pipelining: 1, protocol: 'h1' };
  const errorCount = Object.values(extra.errors ?? {}).reduce((a, b) => a + b, 0);
  return {
    name,
    client: 'undici',
    library: 'undici test',
    variant,
    partial: false,
    durationMs,
    requests: { sent: latenciesMs.length, completed: latenciesMs.length, failed: 0, unfinished: 0 },
    throughputRps: (latenciesMs.length / durationMs) * 1000,
    bytesReceived: latenciesMs.length * 10,
    latency: summarize(recorder.latency),
    latencyHistogram: encodeHistogram(recorder.latency),
    connectTime: summarize(recorder.connectTime),
    connectTimeHistogram: encodeHistogram(recorder.connectTime),
    errors: extra.errors ?? {},
    errorCount,
    statusCodes: { '200': latenciesMs.length },
    connections: { openedByClient: extra.opened ?? 1, closedByClient: 0, failedByClient: 0 },
    timeSeries: [],
    process: { cpuUserMs: 10, cpuSystemMs: 5, peakRssBytes: 50e6, meanRssBytes: 49e6, rssStdevBytes: 1e5, loopDelayP50Ms: 10, loopDelayP99Ms: 12, loopDelayMaxMs: 15 },
  };
}

export function runResult(variants: VariantResult[], baseline = variants[0].name): RunResult {
  return {
    schemaVersion: 1,
    scenario: {
      name: 'renderer test',
      request: { method: 'GET', path: '/', headers: {} },
      load: { concurrency: 1, warmup: 0, duration: 1000, model: 'closed', maxInFlight: 1000, workers: 1, saturation: { minRateRatio: 0.95, maxLoopDelay: 50 } },
      variants: variants.map((v) => v.variant),
      baseline,
    },
    environment: { poolbench: '0.0.0', node: 'v20', undici: '7', undiciBundledWithNode: '6', platform: 'linux', arch: 'x64', osRelease: '6', cpuModel: 'cpu', cpuCount: 2, totalMemoryBytes: 1 },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    partial: false,
    targetUrl: 'http://127.0.0.1:1',
    baseline,
    variants,
  };
}

/** The variant of that name in a result; fails the test when there is none. */
export function byName(variants: VariantResult[], name: string): VariantResult {
  const found = variants.find((v) => v.name === name);
  assert.ok(found, `variant ${name} in result`);
  return found;
}

/** n values spread evenly over [low, high]. */
export function spread(n: number, low: number, high: number): number[] {
  return Array.from({ length: n }, (_, i) => low + ((high - low) * i) / Math.max(n - 1, 1));
}

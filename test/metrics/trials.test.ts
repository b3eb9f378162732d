/** Merging repeated trials: histograms add losslessly, counts sum, each trial's figures are kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeTrials } from '../../src/metrics/trials.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { summarizePoolState } from '../../src/metrics/time-series.js';
import { spread, variantResult } from '../helpers/results.js';
import { zeroCloses } from '../../src/upstream/counters.js';

test('merged latency is the histogram of every trial\'s responses together', () => {
  const fast = variantResult('v', spread(100, 10, 20), { opened: 2, errors: { ECONNRESET: 1 } });
  const slow = variantResult('v', spread(300, 30, 40), { opened: 3, errors: { ECONNRESET: 2, 'HTTP 5xx': 1 } });
  const merged = mergeTrials([fast, slow]);
  assert.equal(merged.latency.count, 400);
  assert.equal(decodeHistogram(merged.latencyHistogram).totalCount, 400);
  // A quarter of the responses are 10–20 ms, so the merged p50 lies in the slow trial's range.
  assert.ok(merged.latency.p50 >= 30 && merged.latency.p50 <= 40, `p50 ${merged.latency.p50}`);
  assert.ok(Math.abs(merged.latency.min - 10) < 0.02 && Math.abs(merged.latency.max - 40) < 0.05);
  assert.deepEqual(merged.requests, { sent: 400, completed: 400, failed: 0, unfinished: 0 });
  assert.deepEqual(merged.errors, { ECONNRESET: 3, 'HTTP 5xx': 1 });
  assert.equal(merged.errorCount, 4);
  assert.equal(merged.connections.openedByClient, 5);
  assert.equal(merged.durationMs, 2000);
  assert.equal(merged.throughputRps, 200);
});

test('each trial\'s own figures are kept, in order', () => {
  const trials = [variantResult('v', spread(50, 10, 20)), variantResult('v', spread(50, 20, 30))];
  const merged = mergeTrials(trials);
  assert.deepEqual(merged.trials?.map((t) => t.p50), trials.map((t) => t.latency.p50));
  assert.deepEqual(merged.trials?.map((t) => t.completed), [50, 50]);
});

test('one saturated trial marks the merged variant saturated; pool wait is weighted by samples', () => {
  const calm = { ...variantResult('v', spread(50, 10, 20)), poolWait: { meanWaiting: 1, peakWaiting: 2, samples: 10, estimatedMeanWaitMs: 5 } };
  const busy = {
    ...variantResult('v', spread(50, 10, 20)),
    saturated: { reason: 'event-loop delay', loopDelayP99Ms: 80 },
    poolWait: { meanWaiting: 4, peakWaiting: 9, samples: 30, estimatedMeanWaitMs: 9 },
  };
  const merged = mergeTrials([calm, busy]);
  assert.deepEqual(merged.saturated, busy.saturated);
  assert.deepEqual(merged.poolWait, { meanWaiting: 3.25, peakWaiting: 9, samples: 40, estimatedMeanWaitMs: 8 });
});

test('retry attempts, fault windows and per-fault upstream counts add up across trials', () => {
  const upstream = (struck: number, closed: number) => ({
    connectionsAccepted: 2, tlsHandshakes: 0, tlsResumed: 0, requests: 10, connectionsClosedByServer: closed, connectionsClosed: closed,
    openConnections: 0, peakOpenConnections: 2, requestsPerConnection: { min: 5, mean: 5, max: 5 },
    closes: { ...zeroCloses(), fault: closed },
    faults: { reset: { struck, connectionsClosed: closed } },
    requestsByWorker: [6, 4],
  });
  const trial = (lost: number, recoveryMs: number, struck: number) => {
    const v = variantResult('v', spread(10, 1, 2));
    return {
      ...v,
      attempts: { attempts: 12, failedOnReused: 2, failedOnFresh: 0 },
      faultWindows: { windows: [{ startMs: 100, endMs: 200 }], requestsLost: lost, requestsInWindows: 5, recoveryMs },
      connections: { ...v.connections, upstream: upstream(struck, struck) },
    };
  };
  const merged = mergeTrials([trial(1, 30, 2), trial(3, 70, 4)]);
  assert.deepEqual(merged.attempts, { attempts: 24, failedOnReused: 4, failedOnFresh: 0 });
  assert.deepEqual(merged.faultWindows, { windows: [{ startMs: 100, endMs: 200 }], requestsLost: 4, requestsInWindows: 10, recoveryMs: 70 });
  assert.deepEqual(merged.connections.upstream?.faults, { reset: { struck: 6, connectionsClosed: 6 } });
  assert.equal(merged.connections.upstream?.connectionsAccepted, 4);
  assert.deepEqual(merged.connections.upstream?.closes, { ...zeroCloses(), fault: 6 }, 'closes by cause add up');
  assert.deepEqual(merged.connections.upstream?.requestsByWorker, [12, 8], 'per cluster worker, worker by worker');
  assert.equal(merged.connections.upstream?.peakOpenConnections, 2, 'trials run one after another: the highest peak, not a sum');
});

test('each trial\'s pool state over time is carried into the merged series, which the summary covers whole', () => {
  const point = (t: number, pending: number) => ({ t, completed: 10, rps: 10, p50: 1, p99: 2, errors: 0, connectionsOpened: 0, openConnections: 2, pool: { connected: 2, idle: 0, busy: 2, pending } });
  const trial = (pending: number[]) => ({ ...variantResult('v', spread(10, 1, 2)), timeSeries: pending.map((n, i) => point(i + 1, n)) });
  const merged = mergeTrials([trial([4, 6]), trial([0, 0])]);
  assert.deepEqual(merged.timeSeries.map((p) => [p.t, p.pool?.pending]), [[1, 4], [2, 6], [2, 0], [3, 0]]);
  assert.deepEqual(summarizePoolState(merged.timeSeries), { samples: 4, meanConnected: 2, peakConnected: 2, meanBusy: 2, meanIdle: 0, meanPending: 2.5, peakPending: 6 });
  assert.equal(summarizePoolState(variantResult('v', [1]).timeSeries), undefined, 'no state: no summary');
});

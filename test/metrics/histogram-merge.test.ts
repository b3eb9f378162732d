import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, decodeHistogram, encodeHistogram, mergeEncodedHistograms, percentilesMs, recordMs, summarize } from '../../src/metrics/histogram.js';
import { VariantRecorder } from '../../src/metrics/recorder.js';

test('histograms merged from workers equal one histogram fed the same values', () => {
  const values = Array.from({ length: 3000 }, (_, i) => 0.05 + ((i * 7919) % 5003) / 7.3);
  const whole = createHistogram();
  const parts = [createHistogram(), createHistogram(), createHistogram()];
  values.forEach((ms, i) => {
    recordMs(whole, ms);
    recordMs(parts[i % parts.length], ms);
  });
  const merged = mergeEncodedHistograms(parts.map(encodeHistogram));
  // Encoding keeps buckets, not the exact max: compare with the whole after the same round trip.
  assert.deepEqual(summarize(merged), summarize(decodeHistogram(encodeHistogram(whole))));
  assert.equal(encodeHistogram(merged), encodeHistogram(whole));
  assert.deepEqual(percentilesMs(merged, [50, 90, 99, 99.9]), percentilesMs(whole, [50, 90, 99, 99.9]));
});

test('recorders merged from worker threads equal one recorder fed the same responses', () => {
  const whole = new VariantRecorder();
  const parts = [new VariantRecorder(), new VariantRecorder()];
  for (let i = 0; i < 500; i++) {
    const status = i % 50 === 0 ? 503 : 200;
    for (const recorder of [whole, parts[i % 2]]) {
      recorder.recordResponse(1 + (i % 97) / 3, status, 10, 0.5 + (i % 13));
      if (i % 100 === 0) recorder.recordFailure(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    }
  }
  const merged = new VariantRecorder();
  for (const part of parts) merged.add(part.figures());
  // Maps in any order: the parts met the error kinds in a different order than the whole.
  const sorted = (r: VariantRecorder) => ({ ...r.figures(), errors: [...r.errors].sort(), statuses: [...r.statuses].sort() });
  assert.deepEqual(sorted(merged), sorted(whole));
  // The current second of the time series got the merged figures too (its rate depends on when each recorder was made).
  const second = (r: VariantRecorder) => {
    const { completed, p50, p99, errors } = r.interval.take({ opened: 0, open: 0 });
    return { completed, p50, p99, errors };
  };
  assert.deepEqual(second(merged), second(whole));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, decodeHistogram, encodeHistogram, mergeEncodedHistograms, percentilesMs, recordMs, summarize } from '../../src/metrics/histogram.js';

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

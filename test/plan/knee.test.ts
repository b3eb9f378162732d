import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findKnee } from '../../src/plan/knee.js';

test('the knee of a curve that rises and then flattens is where it bends', () => {
  // Throughput grows linearly to 10 in flight, then stays flat: a pool of 10 connections.
  const points = [2, 4, 6, 8, 10, 14, 20, 30].map((x) => ({ x, y: Math.min(x, 10) * 25 }));
  const knee = findKnee(points);
  assert.equal(knee === undefined ? undefined : points[knee].x, 10);
});

test('the knee is found whatever order the points come in', () => {
  const points = [30, 2, 10, 6, 20].map((x) => ({ x, y: Math.min(x, 10) }));
  assert.equal(points[findKnee(points)!].x, 10);
});

test('a straight line, or too few points, has no knee', () => {
  assert.equal(findKnee([1, 2, 3, 4, 5].map((x) => ({ x, y: 3 * x }))), undefined);
  assert.equal(findKnee([{ x: 1, y: 1 }, { x: 2, y: 2 }]), undefined);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRoutePicker } from '../../src/load/routes.js';

test('routes are picked in proportion to their weights', () => {
  // An evenly spread "random" sequence: the shares come out exact.
  let i = 0;
  const picker = createRoutePicker([{ path: '/fast', weight: 95 }, { path: '/slow', weight: 5 }], () => (i++ % 100) / 100);
  const picks = Array.from({ length: 1000 }, picker);
  assert.equal(picks.filter((p) => p === '/fast').length, 950);
  assert.equal(picks.filter((p) => p === '/slow').length, 50);
});

test('a draw just below 1 still picks the last route', () => {
  const picker = createRoutePicker([{ path: '/a', weight: 1 }, { path: '/b', weight: 2 }], () => 0.9999999999);
  assert.equal(picker(), '/b');
});

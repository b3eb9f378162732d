/**
 * The Mann-Whitney U test against values worked out by hand and against the published table
 * of critical values (two-tailed, α = 0.05; e.g. Mann & Whitney 1947, reprinted in most
 * statistics texts). Each hand computation is written out so it can be checked.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { erfc, exactLowerTail, mannWhitneyU, median, smallestPossiblePValue } from '../../src/gate/statistics.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

describe('Mann-Whitney U, exact', () => {
  test('fully separated samples of 3 and 3: U = 0, p = 2 / C(6,3) = 0.1', () => {
    const result = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    assert.equal(result.method, 'exact');
    assert.equal(result.u, 0);
    close(result.pValue, 0.1, 1e-12, 'p');
  });

  test('fully separated samples of 5 and 5: p = 2 / 252', () => {
    close(mannWhitneyU([10, 11, 12, 13, 14], [1, 2, 3, 4, 5]).pValue, 2 / 252, 1e-12, 'p');
  });

  test('5 vs 4 interleaved: U = 17 (pairs a > b), the lower tail holds 7 of the C(9,4) = 126 orderings', () => {
    // a > b pairs: 19 beats 11, 17, 12 (3); 22 all four (4); 16 beats 11, 12 (2); 29 and 24 all four (8): 17.
    // Smaller U = 20 − 17 = 3; orderings with U ≤ 3: one with U 0, one with 1, two with 2, three with 3.
    const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    assert.equal(result.u, 17);
    close(result.pValue, (2 * 7) / 126, 1e-12, 'p');
  });

  // Published critical values of U, two-tailed α = 0.05: the largest U still significant.
  for (const [n1, n2, critical] of [[5, 5, 2], [8, 8, 13], [10, 10, 23], [6, 9, 10], [4, 7, 3]] as const) {
    test(`critical value for n1 = ${n1}, n2 = ${n2} is U = ${critical}`, () => {
      assert.ok(2 * exactLowerTail(critical, n1, n2) <= 0.05, `U = ${critical} is significant`);
      assert.ok(2 * exactLowerTail(critical + 1, n1, n2) > 0.05, `U = ${critical + 1} is not`);
    });
  }

  test('the smallest possible p-value: 3 and 3 trials can never reach 0.05, 4 and 4 can', () => {
    close(smallestPossiblePValue(3, 3), 0.1, 1e-12, '3 vs 3');
    close(smallestPossiblePValue(4, 4), 2 / 70, 1e-12, '4 vs 4');
  });

  test('the test is symmetric: swapping the samples keeps p and mirrors U', () => {
    const a = [3.1, 4.5, 2.2, 8.0];
    const b = [5.5, 6.1, 9.3, 7.7, 6.6];
    assert.equal(mannWhitneyU(a, b).pValue, mannWhitneyU(b, a).pValue);
    assert.equal(mannWhitneyU(a, b).u + mannWhitneyU(b, a).u, a.length * b.length);
  });
});

describe('Mann-Whitney U, normal approximation', () => {
  test('with ties: U, the tie-corrected variance and p worked out by hand', () => {
    // Pooled and ranked: 1.1→1; 2.2 ×3 (x, x, y)→3; 3.5→5; 4.0 ×3 (x, x, y)→7; 5.1→9; 6.3→10;
    // 7.0 ×2→11.5; 8.8→13. Rank sum of x = 1+3+3+5+7+7+9 = 35, U = 35 − 7·8/2 = 7.
    // Variance = (7·6/12)·(14 − [(27−3)+(27−3)+(8−2)]/(13·12)) = 3.5·(14 − 54/156) = 47.7885.
    // z = (|7 − 21| − 0.5)/√47.7885 = 1.95287, p = erfc(z/√2) = 0.050836 (scipy agrees).
    const result = mannWhitneyU([1.1, 2.2, 2.2, 3.5, 4.0, 4.0, 5.1], [2.2, 4.0, 6.3, 7.0, 7.0, 8.8]);
    assert.equal(result.method, 'normal');
    assert.equal(result.u, 7);
    close(result.pValue, 0.050836, 1e-5, 'p');
  });

  test('every value tied: no evidence of a difference, p = 1', () => {
    assert.equal(mannWhitneyU([5, 5, 5], [5, 5]).pValue, 1);
  });

  test('large samples without ties use the normal curve and find a clear shift', () => {
    const a = Array.from({ length: 30 }, (_, i) => i);
    const b = a.map((x) => x + 15.5);
    const result = mannWhitneyU(a, b);
    assert.equal(result.method, 'normal');
    assert.ok(result.pValue < 0.001, `p ${result.pValue}`);
  });
});

test('erfc matches tabulated values', () => {
  // Abramowitz & Stegun, table 7.1: erf(0.5) = 0.5204999, erf(1) = 0.8427008, erf(2) = 0.9953223.
  close(erfc(0.5), 1 - 0.5204999, 1e-7, 'erfc(0.5)');
  close(erfc(1), 1 - 0.8427008, 1e-7, 'erfc(1)');
  close(erfc(2), 1 - 0.9953223, 1e-7, 'erfc(2)');
  close(erfc(-1), 1 + 0.8427008, 1e-7, 'erfc(-1)');
});

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

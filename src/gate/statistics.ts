/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), as benchstat uses it to tell a real change from
 * noise across repeated trials. It assumes nothing about the shape of the distribution, which
 * matters here: latency percentiles across trials are skewed and have outliers.
 *
 * Two-sided p-values: exact (the full distribution of U) for small samples without ties, where
 * the normal approximation is poor; otherwise the normal approximation with the tie correction
 * of the variance and a continuity correction (as scipy's `method='asymptotic'`).
 */

export interface MannWhitneyResult {
  /** U of the first sample: the number of (a, b) pairs with a > b, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'normal';
}

/** Beyond this many values in all, the exact distribution is costly and the normal one is good. */
const EXACT_LIMIT = 40;

export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('the Mann-Whitney U test needs at least one value in each sample');
  const { ranks, tieGroups } = midranks([...a, ...b]);
  let rankSumA = 0;
  for (let i = 0; i < n1; i++) rankSumA += ranks[i];
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const smaller = Math.min(u, n1 * n2 - u);

  if (tieGroups.length === 0 && n1 + n2 <= EXACT_LIMIT) {
    return { u, pValue: Math.min(1, 2 * exactLowerTail(smaller, n1, n2)), method: 'exact' };
  }
  const n = n1 + n2;
  const tieTerm = tieGroups.reduce((sum, t) => sum + (t ** 3 - t), 0);
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, pValue: 1, method: 'normal' }; // every value tied: no evidence of a shift
  const z = Math.max(0, Math.abs(u - (n1 * n2) / 2) - 0.5) / Math.sqrt(variance);
  return { u, pValue: Math.min(1, erfc(z / Math.SQRT2)), method: 'normal' };
}

/**
 * The smallest two-sided p-value the test can give for these sample sizes: 2 / C(n1+n2, n1),
 * when every value of one sample is below every value of the other. If it is not below the
 * significance level, no outcome can be significant and the gate must say so.
 */
export function smallestPossiblePValue(n1: number, n2: number): number {
  return Math.min(1, 2 * exactLowerTail(0, n1, n2));
}

/**
 * P(U ≤ u) under the null hypothesis, without ties. Uses the recurrence on the last value of
 * the pooled ordering: it belongs to the first sample with probability n1/(n1+n2), and then
 * adds n2 to U, or to the second. Probabilities, not counts, so large binomials cannot overflow.
 */
export function exactLowerTail(u: number, n1: number, n2: number): number {
  const maxU = Math.floor(u);
  if (maxU < 0) return 0;
  // table[i][j][k] = P(U = k) for samples of i and j; only layer i-1 and i are needed.
  let previous: number[][] = Array.from({ length: n2 + 1 }, () => pointMass(0));
  for (let i = 1; i <= n1; i++) {
    const current: number[][] = [pointMass(0)];
    for (let j = 1; j <= n2; j++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      const fromFirst = previous[j];
      const fromSecond = current[j - 1];
      for (let k = 0; k < size; k++) {
        const viaFirst = k - j >= 0 && k - j < fromFirst.length ? fromFirst[k - j] : 0;
        const viaSecond = k < fromSecond.length ? fromSecond[k] : 0;
        row[k] = (i / (i + j)) * viaFirst + (j / (i + j)) * viaSecond;
      }
      current.push(row);
    }
    previous = current;
  }
  const distribution = previous[n2];
  let tail = 0;
  for (let k = 0; k <= Math.min(maxU, distribution.length - 1); k++) tail += distribution[k];
  return tail;
}

function pointMass(at: number): number[] {
  const row = new Array<number>(at + 1).fill(0);
  row[at] = 1;
  return row;
}

/** Ranks 1..n with ties given the mean of the ranks they span, and the size of each tie group. */
function midranks(values: readonly number[]): { ranks: number[]; tieGroups: number[] } {
  const order = values.map((value, index) => ({ value, index })).sort((x, y) => x.value - y.value);
  const ranks = new Array<number>(values.length);
  const tieGroups: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end].value === order[start].value) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k].index] = rank;
    if (end - start > 1) tieGroups.push(end - start);
    start = end;
  }
  return { ranks, tieGroups };
}

/**
 * The complementary error function, with fractional error below 1.2e-7 everywhere
 * (Numerical Recipes' Chebyshev fit `erfcc`): far finer than any significance level needs.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

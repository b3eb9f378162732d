/**
 * Gunther's Universal Scalability Law: throughput at concurrency N is
 *
 *     X(N) = λN / (1 + σ(N − 1) + κN(N − 1))
 *
 * λ is the throughput of one unit of concurrency, σ the contention (the serial share that
 * queues: it bends the curve towards the ceiling λ/σ), κ the coherency cost (crosstalk that
 * grows with N²: it makes throughput fall again past N* = √((1 − σ)/κ)).
 *
 * The fit is least squares on the linearised form N/X = a + b(N − 1) + cN(N − 1), with
 * a = 1/λ, b = σ/λ, c = κ/λ — linear in (a, b, c), so it needs no starting guess and no
 * measurement at N = 1. σ and κ are physical only when non-negative, so the fit tries every
 * subset of them fixed at 0 and keeps the feasible one with the smallest error in X.
 */

export interface UslParameters {
  /** Throughput of one unit of concurrency (req/s per request in flight). */
  lambda: number;
  sigma: number;
  kappa: number;
}

export interface UslFit extends UslParameters {
  /** Share of the variance of X the model explains (1 = every point on the curve). */
  r2: number;
  /** The concurrency where throughput peaks, and that peak; absent when κ = 0 (no retrograde region). */
  peak?: { concurrency: number; throughput: number };
}

export interface ConcurrencyPoint {
  /** Mean requests in flight. */
  concurrency: number;
  /** Requests per second. */
  throughput: number;
}

export function uslThroughput({ lambda, sigma, kappa }: UslParameters, n: number): number {
  return (lambda * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/** Needs three points with distinct concurrency, all positive; undefined otherwise. */
export function fitUsl(points: readonly ConcurrencyPoint[]): UslFit | undefined {
  const usable = points.filter((p) => p.concurrency > 0 && p.throughput > 0);
  if (new Set(usable.map((p) => p.concurrency)).size < 3) return undefined;

  let best: { parameters: UslParameters; sse: number } | undefined;
  for (const free of [{ sigma: true, kappa: true }, { sigma: true, kappa: false }, { sigma: false, kappa: true }, { sigma: false, kappa: false }]) {
    const parameters = fitLinearised(usable, free);
    if (parameters === undefined || parameters.lambda <= 0 || parameters.sigma < 0 || parameters.kappa < 0) continue;
    const sse = usable.reduce((sum, p) => sum + (p.throughput - uslThroughput(parameters, p.concurrency)) ** 2, 0);
    if (best === undefined || sse < best.sse) best = { parameters, sse };
  }
  if (best === undefined) return undefined;

  const mean = usable.reduce((sum, p) => sum + p.throughput, 0) / usable.length;
  const sst = usable.reduce((sum, p) => sum + (p.throughput - mean) ** 2, 0);
  const { parameters } = best;
  return { ...parameters, r2: sst > 0 ? 1 - best.sse / sst : 1, ...(parameters.kappa > 0 && { peak: uslPeak(parameters) }) };
}

/** N* = √((1 − σ)/κ), where dX/dN = 0; requires κ > 0. */
export function uslPeak(parameters: UslParameters): { concurrency: number; throughput: number } {
  const concurrency = Math.sqrt(Math.max(1 - parameters.sigma, 0) / parameters.kappa);
  return { concurrency, throughput: uslThroughput(parameters, concurrency) };
}

/** Least squares of N/X on the basis [1, N − 1, N(N − 1)], with the columns not `free` left out. */
function fitLinearised(points: readonly ConcurrencyPoint[], free: { sigma: boolean; kappa: boolean }): UslParameters | undefined {
  const basis = (n: number) => [1, ...(free.sigma ? [n - 1] : []), ...(free.kappa ? [n * (n - 1)] : [])];
  const rows = points.map((p) => ({ x: basis(p.concurrency), y: p.concurrency / p.throughput }));
  const k = rows[0].x.length;
  // Normal equations AᵀA·β = Aᵀy: at most 3×3, solved by Gaussian elimination.
  const ata = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r.x[i] * r.x[j], 0)));
  const aty = Array.from({ length: k }, (_, i) => rows.reduce((s, r) => s + r.x[i] * r.y, 0));
  const beta = solve(ata, aty);
  if (beta === undefined) return undefined;
  const [a, ...rest] = beta;
  const b = free.sigma ? rest.shift()! : 0;
  const c = free.kappa ? rest.shift()! : 0;
  return { lambda: 1 / a, sigma: b / a, kappa: c / a };
}

/** Gaussian elimination with partial pivoting; undefined for a singular system. */
function solve(matrix: number[][], vector: number[]): number[] | undefined {
  const n = vector.length;
  const m = matrix.map((row, i) => [...row, vector[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    const scale = Math.max(...m.map((row) => Math.abs(row[col])), 1e-300);
    if (Math.abs(m[pivot][col]) / scale < 1e-12) return undefined;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const factor = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= factor * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r][n];
    for (let c = r + 1; c < n; c++) sum -= m[r][c] * x[c];
    x[r] = sum / m[r][r];
  }
  return x;
}

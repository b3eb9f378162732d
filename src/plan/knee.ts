/**
 * The knee of a rising curve that flattens (throughput against concurrency or offered rate):
 * the Kneedle method (Satopää et al., 2011). Both axes are scaled to [0, 1]; on that square a
 * curve that rises and then flattens lies above the diagonal, and the knee is the point
 * furthest above it. A straight line has no knee: the furthest point must stand at least
 * `minLift` above the diagonal, or there is none.
 */

export interface CurvePoint {
  x: number;
  y: number;
}

/** Index (into `points`) of the knee, or undefined when the curve has none. */
export function findKnee(points: readonly CurvePoint[], minLift = 0.1): number | undefined {
  if (points.length < 3) return undefined;
  const order = points.map((_, index) => index).sort((a, b) => points[a].x - points[b].x);
  const xs = order.map((i) => points[i].x);
  const ys = order.map((i) => points[i].y);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  if (xMax === xMin || yMax === yMin) return undefined;
  let best: { index: number; lift: number } | undefined;
  order.forEach((index, k) => {
    const lift = (ys[k] - yMin) / (yMax - yMin) - (xs[k] - xMin) / (xMax - xMin);
    if (best === undefined || lift > best.lift) best = { index, lift };
  });
  return best !== undefined && best.lift >= minLift ? best.index : undefined;
}

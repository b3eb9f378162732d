/**
 * Picks the path of each request from the upstream's routes, in proportion to their weights,
 * so a 95/5 split of fast and slow routes reaches the server as 95 % and 5 % of the requests.
 */
import type { RouteConfig } from '../scenario/schema.js';

export function createRoutePicker(routes: readonly Pick<RouteConfig, 'path' | 'weight'>[], random: () => number = Math.random): () => string {
  const paths = routes.map((route) => route.path);
  if (paths.length === 1) return () => paths[0];
  const total = routes.reduce((sum, route) => sum + route.weight, 0);
  // Cumulative shares: the route is the first whose share exceeds a uniform draw.
  let running = 0;
  const cumulative = routes.map((route) => (running += route.weight / total));
  return () => {
    const draw = random();
    for (let i = 0; i < cumulative.length - 1; i++) if (draw < cumulative[i]) return paths[i];
    // The last share is 1 up to rounding: a draw just below 1 still lands somewhere.
    return paths[paths.length - 1];
  };
}

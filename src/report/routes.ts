/**
 * Latency per route, one column per variant, for runs whose upstream has routes: it is the
 * fast route's tail next to the slow route's latency that shows head-of-line blocking.
 */
import Table from 'cli-table3';
import type { RunResult } from '../result.js';
import { formatCount, formatDuration } from './format.js';

/** Empty when no variant has per-route figures. */
export function renderRouteTable(result: RunResult): string {
  const measured = result.variants.filter((v) => v.routes !== undefined);
  if (measured.length === 0) return '';
  const paths = [...new Set(measured.flatMap((v) => Object.keys(v.routes!)))].sort();
  const table = new Table({ head: ['route', ...measured.map((v) => v.name)], style: { head: [], border: [] } });
  for (const path of paths) {
    table.push([
      path,
      ...measured.map((v) => {
        const figures = v.routes![path];
        if (figures === undefined || figures.count === 0) return '—';
        const { p50, p99, max } = figures.latency;
        return `${formatCount(figures.count)} req\np50 ${formatDuration(p50)}\np99 ${formatDuration(p99)}\nmax ${formatDuration(max)}`;
      }),
    ]);
  }
  return `latency per route\n${table.toString()}`;
}

/** A one-line chart of recent values with block characters, scaled to the largest value. */
const BLOCKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width: number): string {
  const recent = values.slice(-width);
  const largest = Math.max(...recent, 0);
  if (largest <= 0) return BLOCKS[0].repeat(recent.length);
  return recent.map((v) => BLOCKS[Math.min(Math.floor((v / largest) * BLOCKS.length), BLOCKS.length - 1)]).join('');
}

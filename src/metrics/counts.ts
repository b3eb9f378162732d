/** Arithmetic on flat records of counts (client counters, attempts), field by field. */

/** Each field summed over the records. */
export function sumFields<T extends object>(records: readonly T[]): T {
  const sums: Record<string, number> = {};
  for (const record of records) for (const [key, n] of Object.entries(record) as [string, number][]) sums[key] = (sums[key] ?? 0) + n;
  return sums as T;
}

/** `after − before`, field by field: what a counter read at two moments counted in between. */
export function countsSince<T extends object>(before: T, after: T): T {
  const since: Record<string, number> = {};
  for (const [key, n] of Object.entries(after) as [string, number][]) since[key] = n - ((before as Record<string, number>)[key] ?? 0);
  return since as T;
}

/**
 * Human-readable durations and sizes, as scenario files write them.
 * Durations: `250ms`, `30s`, `1.5m`, `1h`, `500us`; a bare number means milliseconds.
 * Sizes: `512b`, `64kb`, `1mb`, `1gb` (powers of 1024, `kib` etc. accepted too); a bare number means bytes.
 */

const DURATION_UNITS_MS: Record<string, number> = {
  us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};

const SIZE_UNITS_BYTES: Record<string, number> = {
  b: 1, kb: 1024, kib: 1024, k: 1024, mb: 1024 ** 2, mib: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3, g: 1024 ** 3,
};

const QUANTITY = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zµ]*)\s*$/i;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const unit = m[2].toLowerCase();
  const factor = unit === '' ? 1 : DURATION_UNITS_MS[unit];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

/** Bytes (whole), or undefined when `text` is not a size. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? Math.round(text) : undefined;
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const unit = m[2].toLowerCase();
  const factor = unit === '' ? 1 : SIZE_UNITS_BYTES[unit];
  return factor === undefined ? undefined : Math.round(Number(m[1]) * factor);
}

/** `1234.5` ms -> `1.23 s`; used by every renderer so figures read the same everywhere. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs >= 60_000) return `${(ms / 60_000).toFixed(2)} min`;
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 1) return `${ms.toFixed(abs >= 100 ? 1 : 2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (abs >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Number formatting shared by every renderer, so a figure reads the same in each format. */
export { formatDuration, formatBytes } from '../scenario/units.js';

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(rps: number): string {
  return `${rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1)} req/s`;
}

/** U+2212 for negatives: a hyphen reads as a dash in tables. */
export function signed(value: number, digits = 1): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return `±${text}`;
  return `${value < 0 ? '−' : '+'}${text}`;
}

/** A fraction as a percentage: `0.0123` -> `1.2 %`; small shares keep two decimals. */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : share < 0.1 ? 1 : 0)} %`;
}

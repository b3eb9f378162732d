/**
 * Fault windows as text, worded the same in the live view, the progress lines and the Markdown report.
 * A window lasting to the end of the run has endMs Infinity in memory and null once read back
 * from JSON, which has no Infinity; both read as "to the end".
 */
import type { FaultWindow } from '../metrics/fault-windows.js';

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** `2.0–5.0 s`, or `8.0 s–end`. */
export function formatFaultWindow(window: FaultWindow): string {
  return Number.isFinite(window.endMs) ? `${seconds(window.startMs)}–${seconds(window.endMs)} s` : `${seconds(window.startMs)} s–end`;
}

/** `2.0–5.0 s, 8.0 s–end` */
export function formatFaultWindows(windows: FaultWindow[]): string {
  return windows.map(formatFaultWindow).join(', ');
}

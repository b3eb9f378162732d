/**
 * What the runner tells its caller while it runs: the CLI's progress lines and live view are
 * built from these events alone (the runner never writes to the terminal).
 */
import type { VariantResult } from '../result.js';
import type { PoolState } from '../clients/types.js';
import type { FaultWindow } from '../metrics/fault-windows.js';
import type { TimeSeriesPoint } from '../metrics/time-series.js';

export type RunEvent =
  | { type: 'run-start'; targetUrl: string; variants: string[]; upstreamPid?: number }
  /** With `repeat` > 1: a round of one trial per variant begins. */
  | { type: 'round-start'; round: number; rounds: number }
  /** Measuring with timed faults: `faultWindows` in ms from this event, known before the first request. */
  | { type: 'variant-start'; index: number; total: number; name: string; phase: 'warmup' | 'measure'; durationMs?: number; requests?: number; faultWindows?: FaultWindow[] }
  /** Once a second while measuring: the last second's point and the figures so far. */
  | { type: 'progress'; name: string; point: TimeSeriesPoint; elapsedMs: number; completed: number; errors: number; rps: number; p50: number; p99: number; connectionsOpened: number; pool?: PoolState }
  | { type: 'variant-end'; result: VariantResult };

export type EmitRunEvent = (event: RunEvent) => void;

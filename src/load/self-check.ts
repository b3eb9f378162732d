/**
 * The generator checks itself: a load generator that cannot keep up measures itself, not the
 * pool. Every second it records its event-loop delay and, for the open model, the rate the
 * schedule asked for; at the end it judges the whole window against the scenario's bounds
 * (`load.saturation`): achieved rate below a share of the target, or loop-delay p99 above a bound.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadConfig } from '../scenario/schema.js';
import type { Ramp } from './ramp.js';
import type { LoadOutcome } from './types.js';

/** The loop-delay monitor's sampling interval; its figures include it, so it is subtracted. */
const RESOLUTION_MS = 10;
/**
 * How long the window must have measured before its loop-delay p99 is judged. Shorter, and the
 * p99 is the single worst stall (a 500 ms run has ~50 samples): one hiccup of a shared CI machine
 * would flag the whole run as saturated (exit 101). A loop that really cannot keep up stalls
 * again and again, and does so over any longer window too.
 */
const MIN_JUDGED_MS = 2000;

export interface SelfCheckPoint {
  /** Open model: requests the schedule asked for per second in this interval. */
  targetRps?: number;
  /** Event-loop delay p99 in this interval, beyond the sampling interval, ms. */
  loopDelayP99: number;
}

export interface Saturation {
  reason: string;
  /** Achieved ÷ target request rate (open model). */
  rateRatio?: number;
  /** Event-loop delay p99 over the window, beyond the sampling interval, ms. */
  loopDelayP99Ms: number;
}

export class SelfCheck {
  // Two monitors: an event-loop delay histogram cannot be added into another one.
  private readonly interval = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly whole = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly startedAt = performance.now();
  private lastTickAt = this.startedAt;

  /** `rate` is the open model's ramp; undefined for the closed model, which has no target rate. */
  constructor(private readonly load: LoadConfig, private readonly rate: Ramp | undefined) {
    this.interval.enable();
    this.whole.enable();
  }

  tick(now = performance.now()): SelfCheckPoint {
    const point: SelfCheckPoint = { loopDelayP99: delayMs(this.interval.percentile(99)) };
    if (this.rate) {
      const seconds = (now - this.lastTickAt) / 1000;
      const expected = this.rate.countAt(now - this.startedAt) - this.rate.countAt(this.lastTickAt - this.startedAt);
      point.targetRps = seconds > 0 ? expected / seconds : 0;
    }
    this.interval.reset();
    this.lastTickAt = now;
    return point;
  }

  /** Stops monitoring; returns why the generator is not to be trusted, or undefined. */
  verdict(outcome: LoadOutcome): Saturation | undefined {
    this.interval.disable();
    this.whole.disable();
    const { minRateRatio, maxLoopDelay } = this.load.saturation;
    const loopDelayP99Ms = delayMs(this.whole.percentile(99));
    const reasons: string[] = [];
    let rateRatio: number | undefined;
    if (outcome.intended !== undefined && outcome.intended > 0) {
      rateRatio = outcome.sent / outcome.intended;
      if (rateRatio < minRateRatio) {
        reasons.push(`sent ${outcome.sent} of the ${outcome.intended} requests the rate asked for (${(rateRatio * 100).toFixed(1)} % < ${(minRateRatio * 100).toFixed(0)} %)`);
      }
    }
    if (performance.now() - this.startedAt >= MIN_JUDGED_MS && loopDelayP99Ms > maxLoopDelay) reasons.push(`event-loop delay p99 ${loopDelayP99Ms.toFixed(1)} ms > ${maxLoopDelay} ms`);
    if (reasons.length === 0) return undefined;
    return { reason: reasons.join('; '), ...(rateRatio !== undefined && { rateRatio }), loopDelayP99Ms };
  }
}

function delayMs(ns: number): number {
  return Number.isFinite(ns) && ns > 0 ? Math.max(ns / 1e6 - RESOLUTION_MS, 0) : 0;
}

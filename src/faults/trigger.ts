/**
 * When a fault strikes: its trigger's window of the run, its probability, and the Nth request
 * of a connection. Shared by the bundled upstream and the fault proxy.
 *
 * Windows count from the timeline's origin, which restarts at the start of each variant's
 * measured window (the runner zeroes the upstream's counters then), so every variant meets the
 * same faults at the same moments.
 */
import { performance } from 'node:perf_hooks';
import type { Fault, FaultType, Trigger } from '../scenario/schema.js';
import type { FaultCount } from '../upstream/types.js';

export class FaultTimeline {
  private origin = performance.now();
  private timers: NodeJS.Timeout[] = [];
  private readonly windowFaults: { trigger: Trigger; onStart(): void; onEnd(): void }[] = [];
  private readonly active = new Set<number>();

  /** Milliseconds since the origin. */
  elapsed(now = performance.now()): number {
    return now - this.origin;
  }

  /** True when `trigger`'s window (if any) contains the present. */
  inWindow(trigger: Trigger): boolean {
    if (trigger.at === undefined) return true;
    const t = this.elapsed();
    return t >= trigger.at && (trigger.for === undefined || t < trigger.at + trigger.for);
  }

  /** Calls `onStart` when the window opens and `onEnd` when it closes, on every restart. */
  onWindow(trigger: Trigger, onStart: () => void, onEnd: () => void): void {
    this.windowFaults.push({ trigger, onStart, onEnd });
  }

  /** Starts the clock again from now, ending windows that are open. */
  restart(): void {
    this.stop();
    this.origin = performance.now();
    this.windowFaults.forEach(({ trigger, onStart, onEnd }, index) => {
      const start = () => {
        this.active.add(index);
        onStart();
      };
      const end = () => {
        this.active.delete(index);
        onEnd();
      };
      this.timers.push(setTimeout(start, trigger.at ?? 0).unref());
      if (trigger.for !== undefined) this.timers.push(setTimeout(end, (trigger.at ?? 0) + trigger.for).unref());
    });
  }

  /** Clears the timers and ends open windows (the server is closing, or the clock restarts). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    for (const index of this.active) this.windowFaults[index].onEnd();
    this.active.clear();
  }
}

/** Whether a fault with this trigger strikes now; `nth` is the request's ordinal on its connection. */
export function strikes(trigger: Trigger, timeline: FaultTimeline, nth?: number): boolean {
  if (trigger.nth !== undefined && nth !== trigger.nth) return false;
  if (!timeline.inWindow(trigger)) return false;
  return trigger.probability >= 1 || Math.random() < trigger.probability;
}

/** What each fault type did since the last reset. */
export class FaultCounter {
  private counts = new Map<FaultType, FaultCount>();

  of(type: FaultType): FaultCount {
    let entry = this.counts.get(type);
    if (entry === undefined) this.counts.set(type, (entry = { struck: 0, connectionsClosed: 0 }));
    return entry;
  }

  /** Every configured type is listed, so a fault that never struck shows as 0, not as missing. */
  snapshot(faults: readonly Fault[]): Partial<Record<FaultType, FaultCount>> {
    return Object.fromEntries(faults.map((fault) => [fault.type, { ...this.of(fault.type) }]));
  }

  reset(): void {
    this.counts = new Map();
  }
}

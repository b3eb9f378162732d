/**
 * The open model: requests start at their scheduled times (a constant arrival rate, or a ramp),
 * whether or not earlier ones have answered — the way real users arrive. Latency is counted
 * from each request's *intended* start, so a stall of the upstream (or of the generator) shows
 * in every request it delayed, not only in the few that were in flight: the coordinated-omission
 * correction of wrk2. The latency from the actual send is reported beside it.
 *
 * `maxInFlight` bounds memory when the rate cannot be reached: requests beyond it wait, and the
 * wait counts in their (corrected) latency. No queue is kept — the next request's intended time
 * is computed from its index — so waiting costs nothing per request.
 */
import { LoadWindow } from './window.js';
import type { LoadOptions, LoadOutcome } from './types.js';
import type { Ramp } from './ramp.js';

export interface OpenLoadOptions extends LoadOptions {
  /** Requests per second over time. */
  rate: Ramp;
  maxInFlight: number;
}

export function runOpenLoad(options: OpenLoadOptions): Promise<LoadOutcome> {
  const { rate, maxInFlight } = options;
  const window = new LoadWindow(options, maxInFlight);
  const start = window.startedAt;
  let next = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  return new Promise<LoadOutcome>((resolve) => {
    /** `givenUp`: requests a client never settles are not waited for past the grace period. */
    const finishIfDone = (givenUp = false) => {
      if (!givenUp && (inFlight > 0 || !(window.stopping || !window.budgetLeft))) return;
      disarm();
      window.stop();
      // Requests the schedule wanted before the stop (or the budget): what `sent` is judged by.
      const due = Math.ceil(rate.countAt(Math.min(window.stoppedAt - start, options.durationMs ?? Infinity)));
      resolve(window.finish(options.requests === undefined ? due : Math.min(due, options.requests)));
    };

    const disarm = () => {
      clearTimeout(timer);
      clearImmediate(immediate);
      timer = immediate = undefined;
    };

    const pump = () => {
      disarm();
      while (!window.stopping && window.budgetLeft && inFlight < maxInFlight) {
        const dueAt = rate.timeOf(next);
        const wait = start + dueAt - performance.now();
        if (wait > 0) {
          // Timers have 1 ms granularity and may fire a little early (Node's loop clock is cached):
          // pump re-arms for the rest, and the last millisecond is spun on setImmediate, which
          // still lets I/O through between turns, so requests leave on time at high rates too.
          if (wait < 1) immediate = setImmediate(pump);
          else if (Number.isFinite(wait)) timer = setTimeout(pump, wait - 1);
          return;
        }
        next += 1;
        inFlight += 1;
        void window.request(start + dueAt).then(onSettled);
      }
      // At the cap: the next settled request pumps again. Stopped or out of budget: wait for the rest.
      finishIfDone();
    };

    const onSettled = () => {
      inFlight -= 1;
      if (window.stopping || !window.budgetLeft) finishIfDone();
      else pump();
    };

    window.stopSignal.addEventListener('abort', () => finishIfDone(), { once: true });
    void window.givenUp.then(() => finishIfDone(true));
    pump();
  });
}

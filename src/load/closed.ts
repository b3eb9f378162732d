/**
 * The closed model: `concurrency` workers, each sending its next request as soon as the last
 * one ends (after an idle gap, when one is configured). With stages, the number of active
 * workers follows the ramp. Stops by itself on the request budget, the duration, or the abort
 * signal — whichever comes first (see window.ts for what happens to requests in flight).
 */
import { LoadWindow } from './window.js';
import type { LoadOptions, LoadOutcome } from './types.js';
import type { Ramp } from './ramp.js';

export interface ClosedLoadOptions extends LoadOptions {
  /** Workers active over time: a constant concurrency, or stages. */
  concurrency: Ramp;
  /** Draws the pause (ms) between one worker's requests; absent: none. */
  idleGap?: () => number;
}

/** How often an idle worker looks whether the ramp has reached it. */
const RAMP_POLL_MS = 50;

export async function runClosedLoad(options: ClosedLoadOptions): Promise<LoadOutcome> {
  const { concurrency, idleGap } = options;
  const workers = Math.ceil(concurrency.peak);
  const window = new LoadWindow(options, workers);

  // A constant concurrency (no stages) never parks a worker: skip the ramp on the hot path.
  const ramping = Number.isFinite(concurrency.durationMs);
  const worker = async (index: number) => {
    while (!window.stopping && window.budgetLeft) {
      if (ramping && index >= Math.round(concurrency.levelAt(performance.now() - window.startedAt))) {
        await window.pause(RAMP_POLL_MS);
        continue;
      }
      await window.request();
      if (idleGap) await window.pause(idleGap());
    }
  };

  try {
    // Workers whose request a client never settles are not waited for past the grace period.
    await Promise.race([Promise.all(Array.from({ length: workers }, (_, index) => worker(index))), window.givenUp]);
  } finally {
    window.stop();
  }
  return window.finish();
}


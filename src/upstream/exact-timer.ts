/**
 * A timer that fires at a time on the monotonic clock (`performance.now()`), never before it.
 * Node's setTimeout measures from the loop's cached clock, so it can fire up to ~1 ms early
 * (a 10 ms delay measured p50 9.84 ms); the simulated network and think time must be exact,
 * or every latency poolbench reports is off by that much. So the timer checks the clock when it
 * fires and waits out the rest; the last millisecond is waited on setImmediate, which lets I/O
 * run between turns, because a 1 ms timer would overshoot instead.
 */
import { performance } from 'node:perf_hooks';

export function setTimeoutAt<A extends unknown[]>(at: number, callback: (...args: A) => void, ...args: A): void {
  const wait = at - performance.now();
  if (wait <= 0) callback(...args);
  // Unref'd: a pending timer must not keep a process alive once the server is closed.
  else if (wait >= 1) setTimeout(setTimeoutAt<A>, wait, at, callback, ...args).unref();
  // Never unref'd: with only unref'd immediates pending, the loop blocks in its poll phase
  // until some I/O arrives, and the response would wait for it. It lasts under a millisecond.
  else setImmediate(setTimeoutAt<A>, at, callback, ...args);
}

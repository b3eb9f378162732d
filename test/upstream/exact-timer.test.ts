import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeoutAt } from '../../src/upstream/exact-timer.js';

test('setTimeoutAt never fires before its time on the monotonic clock', async () => {
  const delays = Array.from({ length: 60 }, (_, i) => 0.3 + (i % 12) * 0.9);
  // The timers are unref'd, as a server's are: something must keep this process alive.
  const keepAlive = setInterval(() => {}, 1000);
  const early = await Promise.all(
    delays.map(
      (delay) =>
        new Promise<number>((resolve) => {
          const at = performance.now() + delay;
          setTimeoutAt(at, () => resolve(at - performance.now()));
        }),
    ),
  );
  clearInterval(keepAlive);
  assert.ok(early.every((ms) => ms <= 0), `fired early by up to ${Math.max(...early).toFixed(3)} ms`);
});

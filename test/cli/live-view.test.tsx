/** The live view, rendered by ink's test renderer from a recorded sequence of runner events. */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import type { RunEvent } from '../../src/runner.js';
import { LiveStore, reduceLiveState, initialLiveState, remainingMs, faultWindowStatus } from '../../src/cli/live/state.js';
import { LiveRun } from '../../src/cli/live/view.js';
import { sparkline } from '../../src/cli/live/sparkline.js';
import { chooseProgressMode } from '../../src/cli/progress-output.js';
import { describeRunEvent } from '../../src/cli/progress.js';
import type { CliIo } from '../../src/cli/io.js';
import { variantResult } from '../helpers/results.js';

afterEach(() => cleanup());

function progress(second: number, rps: number, extra: Partial<Extract<RunEvent, { type: 'progress' }>> = {}): RunEvent {
  const point = { t: second, completed: rps, rps, p50: 50, p99: 54, errors: 0, connectionsOpened: 0, openConnections: 10 };
  return { type: 'progress', name: 'keep-alive on', point, elapsedMs: second * 1000, completed: rps * second, errors: 0, rps, p50: 50.6, p99: 53.9, connectionsOpened: 10, ...extra };
}

const finishedOff = Object.assign(variantResult('keep-alive off', [100, 101, 102]), { throughputRps: 98.6 });

const recorded: RunEvent[] = [
  { type: 'run-start', targetUrl: 'http://127.0.0.1:40000', variants: ['keep-alive off', 'keep-alive on', 'pool 100'] },
  { type: 'variant-start', index: 0, total: 3, name: 'keep-alive off', phase: 'measure', durationMs: 10_000 },
  { type: 'variant-end', result: finishedOff },
  { type: 'variant-start', index: 1, total: 3, name: 'keep-alive on', phase: 'warmup', durationMs: 2000 },
  { type: 'variant-start', index: 1, total: 3, name: 'keep-alive on', phase: 'measure', durationMs: 10_000 },
  progress(1, 120),
  progress(2, 190),
  progress(3, 196, { errors: 2, pool: { connected: 10, idle: 0, busy: 10, pending: 40 } }),
];

const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

test('the live view shows the plan, the current variant’s figures, the sparkline and the pool', async () => {
  const store = new LiveStore();
  const { lastFrame } = render(<LiveRun store={store} />);
  for (const event of recorded) store.dispatch(event);
  await tick();
  const frame = lastFrame()!;
  assert.match(frame, /→ http:\/\/127\.0\.0\.1:40000 · variant 2 of 3/);
  assert.match(frame, /✓ keep-alive off +98\.6 req\/s · p50 101\.\d+ ms/);
  assert.match(frame, /▶ keep-alive on 0:03 elapsed · 0:07 left · plan 0:19 left/);
  assert.match(frame, /throughput 196 req\/s +p50 50\.60 ms +p99 53\.90 ms +errors 2 +connections opened 10/);
  assert.match(frame, /req\/s each second [▁-█]{3}$/m);
  assert.match(frame, /pool connected 10 +idle 0 +busy 10 +pending 40/);
  assert.match(frame, /· pool 100/);
});

test('while warming up the view says so and shows no figures yet', async () => {
  const store = new LiveStore();
  const { lastFrame } = render(<LiveRun store={store} />);
  for (const event of recorded.slice(0, 4)) store.dispatch(event);
  await tick();
  assert.match(lastFrame()!, /▶ keep-alive on warming up for 2\.00 s/);
  assert.doesNotMatch(lastFrame()!, /throughput/);
});

test('with timed faults the view shows the next window, then the active one, and the errors so far', async () => {
  const store = new LiveStore();
  const { lastFrame } = render(<LiveRun store={store} />);
  const measuring: RunEvent = { type: 'variant-start', index: 1, total: 3, name: 'keep-alive on', phase: 'measure', durationMs: 10_000, faultWindows: [{ startMs: 2200, endMs: 5000 }, { startMs: 8000, endMs: Infinity }] };
  for (const event of [...recorded.slice(0, 4), measuring, progress(1, 120)]) store.dispatch(event);
  await tick();
  assert.match(lastFrame()!, /next fault window in 1\.2 s \(2\.2–5\.0 s\) · 0 errors so far/);
  store.dispatch(progress(3, 60, { errors: 7 }));
  await tick();
  assert.match(lastFrame()!, /fault window active: 2\.2–5\.0 s · 7 errors so far/);
  store.dispatch(progress(9, 0, { errors: 40 }));
  await tick();
  assert.match(lastFrame()!, /fault window active: 8\.0 s–end · 40 errors so far/);
});

test('fault window status: none without timed faults, over once the last window closed', () => {
  assert.equal(faultWindowStatus(recorded.reduce(reduceLiveState, initialLiveState)), undefined);
  const measuring: RunEvent = { type: 'variant-start', index: 0, total: 1, name: 'keep-alive on', phase: 'measure', durationMs: 10_000, faultWindows: [{ startMs: 1000, endMs: 2000 }] };
  assert.deepEqual(faultWindowStatus([recorded[0], measuring, progress(3, 100)].reduce(reduceLiveState, initialLiveState)), { over: true });
});

test('the plain progress line of a measuring start names its fault windows', () => {
  const measuring: RunEvent = { type: 'variant-start', index: 0, total: 2, name: 'pool 1', phase: 'measure', durationMs: 10_000, faultWindows: [{ startMs: 2000, endMs: 5000 }, { startMs: 8000, endMs: Infinity }] };
  assert.equal(describeRunEvent(measuring), '[1/2] pool 1: measuring for 10.00 s; fault windows 2.0–5.0 s, 8.0 s–end');
});

test('remaining time counts the later variants’ warm-up and measuring time', () => {
  const state = recorded.reduce(reduceLiveState, initialLiveState);
  // 7 s left of this variant, then one more variant of 2 s warm-up + 10 s.
  assert.deepEqual(remainingMs(state), { variant: 7000, plan: 19_000 });
});

test('the sparkline scales to the largest value and keeps the last points', () => {
  assert.equal(sparkline([0, 50, 100], 10), '▁▅█');
  assert.equal(sparkline([1, 2, 3, 4], 2), '▇█');
  assert.equal(sparkline([0, 0], 5), '▁▁');
});

test('the live view only on a terminal without CI; plain lines otherwise; nothing with --quiet', () => {
  const io = (isTTY: boolean, env: NodeJS.ProcessEnv = {}): CliIo => ({ stdout: { write: () => true }, stderr: { write: () => true, isTTY }, env, onInterrupt: () => () => {} });
  assert.equal(chooseProgressMode(io(true), false), 'live');
  assert.equal(chooseProgressMode(io(true, { CI: 'true' }), false), 'lines');
  assert.equal(chooseProgressMode(io(false), false), 'lines');
  assert.equal(chooseProgressMode(io(true), true), 'quiet');
});

/** The generator's self-check: a loop-delay p99 is judged only over enough samples to be a p99. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SelfCheck } from '../../src/load/self-check.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

const { load } = scenarioFromYaml(`
name: self-check
load: { concurrency: 1, saturation: { maxLoopDelay: 50ms } }
variants: [{ name: a, client: undici }]
`);
const outcome = { elapsedMs: 0, sent: 0, unfinished: 0, cancelled: 0 };

/** Blocks the event loop for `ms`, as a stalled machine or a busy generator would. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('one stall in a short window does not flag the generator: its p99 would be that one stall', async () => {
  const check = new SelfCheck(load, undefined);
  await sleep(100);
  stall(150);
  await sleep(200);
  assert.equal(check.verdict(outcome), undefined);
});

test('a loop that stalls again and again over seconds is flagged, with its p99', async () => {
  const check = new SelfCheck(load, undefined);
  const until = performance.now() + 3000;
  while (performance.now() < until) {
    stall(80);
    await sleep(5);
  }
  const saturated = check.verdict(outcome);
  assert.match(saturated?.reason ?? '', /event-loop delay p99 [\d.]+ ms > 50 ms/);
  assert.ok(saturated!.loopDelayP99Ms > 50);
});

/**
 * The notes every report format shows under its figures: what a reader must not miss. Each
 * renderer words them its own way (a `note:` line, a quoted Markdown paragraph, an HTML list).
 */
import type { RunResult, VariantResult } from '../result.js';
import { successfulRequests } from '../gate/success.js';
import { formatCount } from './format.js';
import { insecureNote, tlsFailureNotes } from './tls-notes.js';

/** Things a reader must not miss: an unverified TLS target, partial runs, variants without a success, disagreeing counts, abandoned requests. */
export function runNotes(result: RunResult): string[] {
  const notes: string[] = [];
  const insecure = insecureNote(result.scenario.targetTls);
  if (insecure) notes.push(insecure);
  if (result.interruption) notes.push(`the run stopped early: ${result.interruption.message}; figures cover what was measured until then`);
  const skipped = result.scenario.variants.length - result.variants.length;
  if (skipped > 0) notes.push(`${skipped} variant(s) did not run`);
  for (const v of result.variants) {
    const noSuccess = noSuccessNote(v);
    if (noSuccess) notes.push(noSuccess);
    const up = v.connections.upstream;
    if (up && v.connections.countsAgree === false) {
      notes.push(`${v.name}: the client counted ${v.connections.openedByClient} connections opened, the upstream ${up.connectionsAccepted} accepted`);
    }
    if (v.stoppedEarly) notes.push(`${v.name}: stopped early: ${v.stoppedEarly.reason}`);
    if (v.saturated) notes.push(`${v.name}: the load generator could not keep up (${v.saturated.reason}); its figures measure the generator as much as the pool`);
    notes.push(...tlsFailureNotes(v));
    if (v.requests.unfinished > 0) notes.push(`${v.name}: ${v.requests.unfinished} request(s) were still in flight at the end and were abandoned`);
    if (v.requests.cancelled) notes.push(`${v.name}: ${v.requests.cancelled} request(s) were still waiting for a connection when the window stopped and were cancelled unsent`);
  }
  return notes;
}

/** The note a reader must not miss; undefined for a variant with a success. */
export function noSuccessNote(v: VariantResult): string | undefined {
  if (successfulRequests(v) > 0) return undefined;
  const classes = Object.entries(v.errors).sort(([, a], [, b]) => b - a);
  const shown = classes.slice(0, 3).map(([kind, n]) => `${kind} ×${formatCount(n)}`);
  if (classes.length > 3) shown.push(`${classes.length - 3} more class(es)`);
  const what = `${formatCount(v.requests.sent)} sent${shown.length > 0 ? `; ${shown.join(', ')}` : ''}`;
  if (v.variant.expectFailures) return `${v.name}: no request succeeded (${what}), as its expectFailures: true allows`;
  return `${v.name}: no request succeeded (${what}); its figures measure only failures — exit code 103 (expectFailures: true on the variant accepts this for a fault experiment)`;
}

/**
 * The measured window every load model shares: when to stop sending (duration, request budget,
 * abort signal) and what happens to requests still in flight then. They get a grace period to
 * finish (their latency counts: they started inside the window); after it they are aborted and
 * counted as unfinished, never as errors, so a hung upstream cannot hang the run. A client that
 * does not settle an aborted request is not waited for either (ABANDON_SLACK_MS; `givenUp`).
 * Requests still waiting in the client for a connection when sending stops were never sent: the
 * client cancels them without opening a connection (clients/cancel.ts), and they are counted as
 * cancelled.
 */
import { setMaxListeners } from 'node:events';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { isCancelled } from '../clients/cancel.js';
import type { LoadOptions, LoadOutcome, Response } from './types.js';

/** How long past the grace period a request that ignores its abort is waited for. */
const ABANDON_SLACK_MS = 1000;

export class LoadWindow {
  /** Aborted when sending must stop; sleeps and schedules listen to it. */
  private readonly stopper = new AbortController();
  /** Aborted when the grace period is over; every request in flight listens to it. */
  private readonly abandoner = new AbortController();
  private readonly durationTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.stop();
  /** Requests sent and not settled yet. */
  private pending = 0;
  /** Set by `finish`: what settles later is not recorded, the figures are summed up already. */
  private finished = false;
  private giveUp!: () => void;
  /**
   * Resolves ABANDON_SLACK_MS after the grace period: the load models stop waiting then, and the
   * requests still pending count as unfinished. (undici's Pool, once it has refused a request with
   * an invalid header, keeps later ones queued for good, deaf to their abort signal.)
   */
  readonly givenUp = new Promise<void>((resolve) => (this.giveUp = resolve));
  readonly startedAt = performance.now();
  /** When sending stopped; Infinity while it goes on. */
  stoppedAt = Infinity;
  sent = 0;
  unfinished = 0;
  cancelled = 0;

  constructor(private readonly options: LoadOptions, maxInFlight: number) {
    // Every request in flight listens on one signal; that is by design, not a leak.
    setMaxListeners(maxInFlight + 10, this.abandoner.signal);
    setMaxListeners(maxInFlight + 10, this.stopper.signal);
    if (options.signal.aborted) this.stop();
    options.signal.addEventListener('abort', this.onAbort, { once: true });
    if (options.durationMs !== undefined) this.durationTimer = setTimeout(() => this.stop(), options.durationMs);
  }

  get stopping(): boolean {
    return this.stopper.signal.aborted;
  }

  get stopSignal(): AbortSignal {
    return this.stopper.signal;
  }

  /** True while the request budget allows one more request. */
  get budgetLeft(): boolean {
    return this.options.requests === undefined || this.sent < this.options.requests;
  }

  stop(): void {
    if (this.stopping) return;
    this.stoppedAt = performance.now();
    this.stopper.abort();
    this.graceTimer = setTimeout(() => {
      this.abandoner.abort();
      this.graceTimer = setTimeout(this.giveUp, ABANDON_SLACK_MS);
    }, this.options.graceMs);
  }

  /** Waits `ms`, or less when the window stops first. */
  async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopper.signal }).catch(() => {});
  }

  /** Sends one request and records it; `intendedAt` is when the schedule wanted it sent. */
  async request(intendedAt?: number): Promise<void> {
    const { send, onResponse, onFailure, inFlight } = this.options;
    this.sent += 1;
    this.pending += 1;
    const sentAt = performance.now();
    inFlight?.enter(sentAt);
    let response: Response;
    try {
      response = await send(this.abandoner.signal, this.stopper.signal);
    } catch (error) {
      this.pending -= 1;
      if (this.finished) return;
      inFlight?.leave(performance.now());
      if (isCancelled(error)) this.cancelled += 1;
      else if (this.abandoner.signal.aborted) this.unfinished += 1;
      else {
        const failedAt = performance.now();
        if (intendedAt === undefined) onFailure(error, failedAt - sentAt);
        else onFailure(error, failedAt - intendedAt, failedAt - sentAt);
      }
      // A failure may settle without any I/O (the client refused the request, e.g. an invalid
      // header value, or fetch's blocked ports): then nothing but microtasks runs, and a worker
      // sending its next request at once would starve the event loop — no duration timer, no
      // SIGTERM, no stop message — for ever. One turn of the loop after each failure prevents
      // that. A response always comes from I/O, so the hot path pays nothing.
      await nextTurn();
      return;
    }
    this.pending -= 1;
    if (this.finished) return;
    const endedAt = performance.now();
    inFlight?.leave(endedAt);
    if (intendedAt === undefined) onResponse(endedAt - sentAt, response);
    else onResponse(endedAt - intendedAt, response, endedAt - sentAt);
  }

  /** Releases the timers and the caller's signal; returns the outcome so far. */
  finish(intended?: number): LoadOutcome {
    clearTimeout(this.durationTimer);
    clearTimeout(this.graceTimer);
    this.options.signal.removeEventListener('abort', this.onAbort);
    if (!this.finished) this.unfinished += this.pending;
    this.finished = true;
    return { elapsedMs: performance.now() - this.startedAt, sent: this.sent, unfinished: this.unfinished, cancelled: this.cancelled, ...(intended !== undefined && { intended }) };
  }
}

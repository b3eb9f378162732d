/**
 * What a load is given and what it returns: the contract between the runner, the load models
 * (closed.ts, open.ts over window.ts) and the engines that drive their own load (autocannon, the
 * worker threads). A leaf module: the clients, the window and the early-stop watch all read it,
 * and it reads none of them.
 */

/** One response as the load records it: what a request client's `send` resolves to. */
export interface Response {
  status: number;
  bytes: number;
  /** The `Retry-After` header of an error response, for retry loops. */
  retryAfter?: string;
  /** How the final attempt got its connection, from clients that can tell (clients/pool-observer.ts). */
  connection?: Acquired;
}

/** How one attempt got its connection. */
export interface Acquired {
  /** From the moment the client was handed the attempt to the moment it went out on a connection, ms (a new connection's connect time included). */
  waitMs: number;
  /** The connection had carried a request before. */
  reused: boolean;
  /** Reused: how long the connection had sat idle before this attempt, ms; 0 when fresh. */
  idleMs: number;
}

/** Why a variant's load stopped before its duration or request budget (early-stop.ts). */
export interface StoppedEarly {
  reason: string;
}

/** The measured window as an engine is given it: when to stop, and where results go. */
export interface WindowOptions {
  durationMs?: number;
  requests?: number;
  /** Stop sending (Ctrl-C, upstream crash). */
  signal: AbortSignal;
  /** How long in-flight requests may take to finish once the loop stops. */
  graceMs: number;
  /**
   * A response arrived. `latencyMs` counts from the request's intended start (the open model's
   * schedule) or from its send (the closed model); `uncorrectedMs`, from its actual send, is
   * given only by models where the two differ.
   */
  onResponse(latencyMs: number, response: Response, uncorrectedMs?: number): void;
  /** A request failed; the times are counted as for `onResponse`. */
  onFailure(error: unknown, latencyMs: number, uncorrectedMs?: number): void;
  /** Warm-up: hold the level the measured window starts from (see load/index.ts). */
  warmup?: boolean;
  /** Told when each request starts and settles, with the times the window already took. */
  inFlight?: { enter(now: number): void; leave(now: number): void };
  /** Stop early when every request fails at once, the same way (see early-stop.ts); `origin` is the target's, for the explanation. */
  earlyStop?: { origin: string };
}

/** What every load model is given: the window, and how to send one request. */
export interface LoadOptions extends WindowOptions {
  /** `signal` aborts at the end of the grace period; `stop` when sending stops (see RequestClient.send). */
  send(signal: AbortSignal, stop: AbortSignal): Promise<Response>;
}

export interface LoadOutcome {
  /** From the first request sent to the last one settled. */
  elapsedMs: number;
  sent: number;
  /** In flight when the loop stopped and aborted after the grace period. */
  unfinished: number;
  /** Still waiting in the client for a connection when the loop stopped: cancelled, never written. */
  cancelled: number;
  /** Open model: requests the schedule asked for before the stop; `sent` falls short when the generator fell behind. */
  intended?: number;
  /** Set when the load stopped because every request failed at once (early-stop.ts). */
  stoppedEarly?: StoppedEarly;
}

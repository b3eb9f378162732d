/** One piece of advice about a variant's client configuration, backed by the run's own figures. */
export interface Finding {
  /** Stable name of the rule that found it, for scripts and tests. */
  rule: 'h2-pipelining-serialises' | 'h1-pipelining-head-of-line' | 'pool-wait' | 'h2-stream-cap' | 'dead-sockets';
  variant: string;
  /** The setting to look at, as written in a scenario, e.g. `pipelining: 1`. */
  setting: string;
  /** What the run measured that shows it. */
  evidence: string;
  /** The change to make. */
  change: string;
}

/**
 * Once a second while a variant is measured: one point of the time series (the second's figures,
 * the generator's self-check and the pool's state) and a progress event with the figures so far.
 */
import type { Client } from '../clients/types.js';
import type { SelfCheck } from '../load/self-check.js';
import type { VariantRecorder } from '../metrics/recorder.js';
import { percentilesMs } from '../metrics/histogram.js';
import { throughputRps } from './assemble.js';
import type { TimeSeriesPoint } from '../metrics/time-series.js';
import type { Variant } from '../scenario/schema.js';
import type { EmitRunEvent } from './events.js';

const TICK_MS = 1000;

export interface TickerSources {
  variant: Variant;
  emit: EmitRunEvent;
  client: Pick<Client, 'connections' | 'poolState'>;
  /** The measurement's recorder. */
  recorder: VariantRecorder;
  selfCheck: SelfCheck;
  measuringSince: number;
  /** The client's connections opened when measuring started. */
  openedBefore: number;
  /** Connections the warm-up opened and left in the pool: they carry the window's requests too. */
  keptFromWarmup: number;
}

export class ProgressTicker {
  private readonly points: TimeSeriesPoint[] = [];
  private openedBeforeTick: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly sources: TickerSources) {
    this.openedBeforeTick = sources.openedBefore;
    this.timer = setInterval(() => this.progress(this.tick()), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The series, with the last, shorter interval: without it the tail of the run would be missing.
   * The load has stopped by then: the pool's state is no longer the window's, and is left out.
   */
  finish(): TimeSeriesPoint[] {
    this.stop();
    const last = this.tick(false);
    if (last.completed === 0 && last.errors === 0) this.points.pop();
    return this.points;
  }

  private tick(withPool = true): TimeSeriesPoint {
    const connections = this.sources.client.connections();
    const opened = { opened: connections.opened - this.openedBeforeTick, open: connections.opened - connections.closed };
    const pool = withPool ? this.sources.client.poolState?.() : undefined;
    const point = { ...this.sources.recorder.interval.take(opened), ...this.sources.selfCheck.tick(), ...(pool && { pool }) };
    this.openedBeforeTick = connections.opened;
    this.points.push(point);
    return point;
  }

  private progress(point: TimeSeriesPoint): void {
    const { variant, emit, recorder, measuringSince, openedBefore, keptFromWarmup } = this.sources;
    const elapsedMs = performance.now() - measuringSince;
    const [p50, p99] = recorder.latency.totalCount ? percentilesMs(recorder.latency, [50, 99]) : [0, 0];
    emit({
      type: 'progress',
      name: variant.name,
      point,
      elapsedMs,
      completed: recorder.completed,
      errors: recorder.errorCount,
      rps: throughputRps(recorder.completed, elapsedMs),
      p50,
      p99,
      // As the connections row counts them: the warm-up's kept connections carry the window's requests too.
      connectionsOpened: this.openedBeforeTick - openedBefore + keptFromWarmup,
      pool: point.pool,
    });
  }
}

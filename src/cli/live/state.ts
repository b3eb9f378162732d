/**
 * What the live view shows, folded from runner events by a pure reducer, and a tiny store the
 * view subscribes to (React's useSyncExternalStore). Events that arrive before the view mounts
 * are folded all the same, so nothing is lost.
 */
import type { RunEvent } from '../../runner.js';
import type { PoolState } from '../../clients/types.js';
import type { FaultWindow } from '../../metrics/fault-windows.js';
import { connectionsUsed } from '../../metrics/connection-use.js';

/** Throughput points kept for the sparkline: about a minute. */
export const SPARKLINE_POINTS = 60;

export interface LiveState {
  targetUrl?: string;
  plan: string[];
  current?: {
    index: number;
    name: string;
    phase: 'warmup' | 'measure';
    durationMs?: number;
    requests?: number;
    /** The warm-up this variant had, so the plan's remaining time can count it for later ones. */
    warmupMs: number;
    /** The upstream's timed faults while measuring, in ms from the measuring start. */
    faultWindows: FaultWindow[];
  };
  progress?: { elapsedMs: number; completed: number; errors: number; rps: number; p50: number; p99: number; connectionsOpened: number; pool?: PoolState };
  /** Requests per second, one per second of the current variant. */
  rpsHistory: number[];
  finished: Array<{ name: string; throughputRps: number; p50: number; p99: number; errors: number; connectionsOpened: number }>;
}

export const initialLiveState: LiveState = { plan: [], rpsHistory: [], finished: [] };

export function reduceLiveState(state: LiveState, event: RunEvent): LiveState {
  switch (event.type) {
    case 'run-start':
      return { ...initialLiveState, targetUrl: event.targetUrl, plan: event.variants };
    // --repeat: each trial's variant-start and variant-end already say what runs; a round adds nothing to show.
    case 'round-start':
      return state;
    case 'variant-start': {
      const sameVariant = state.current?.index === event.index;
      const warmupMs = event.phase === 'warmup' ? (event.durationMs ?? 0) : sameVariant ? state.current!.warmupMs : 0;
      return {
        ...state,
        current: { index: event.index, name: event.name, phase: event.phase, durationMs: event.durationMs, requests: event.requests, warmupMs, faultWindows: event.faultWindows ?? [] },
        progress: undefined,
        rpsHistory: [],
      };
    }
    case 'progress': {
      const { point: _point, type: _type, name: _name, ...progress } = event;
      return { ...state, progress, rpsHistory: [...state.rpsHistory, event.point.rps].slice(-SPARKLINE_POINTS) };
    }
    case 'variant-end': {
      const r = event.result;
      const summary = { name: r.name, throughputRps: r.throughputRps, p50: r.latency.p50, p99: r.latency.p99, errors: r.errorCount, connectionsOpened: connectionsUsed(r) };
      return { ...state, current: undefined, progress: undefined, rpsHistory: [], finished: [...state.finished, summary] };
    }
  }
}

/**
 * Milliseconds left in the current variant and in the whole plan, while measuring; undefined
 * while warming up or when the variant is bounded by a request count only.
 */
export function remainingMs(state: LiveState): { variant: number; plan: number } | undefined {
  const { current, progress } = state;
  if (!current || current.phase !== 'measure' || current.durationMs === undefined) return undefined;
  const variant = Math.max(current.durationMs - (progress?.elapsedMs ?? 0), 0);
  // Later variants take the same warm-up and measuring time as this one.
  const later = state.plan.length - current.index - 1;
  return { variant, plan: variant + later * (current.warmupMs + current.durationMs) };
}

/**
 * Where the measuring clock stands among the fault windows: inside one, before the next (and how
 * long until it opens), or past them all. Undefined when the variant has no timed faults.
 */
export function faultWindowStatus(state: LiveState): { active: FaultWindow } | { next: FaultWindow; inMs: number } | { over: true } | undefined {
  const windows = state.current?.faultWindows ?? [];
  if (!windows.length) return undefined;
  const elapsed = state.progress?.elapsedMs ?? 0;
  const active = windows.find((w) => w.startMs <= elapsed && elapsed < w.endMs);
  if (active) return { active };
  const next = windows.find((w) => w.startMs > elapsed);
  return next ? { next, inMs: next.startMs - elapsed } : { over: true };
}

export class LiveStore {
  private state: LiveState = initialLiveState;
  private readonly listeners = new Set<() => void>();

  readonly dispatch = (event: RunEvent): void => {
    this.state = reduceLiveState(this.state, event);
    for (const listener of this.listeners) listener();
  };

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): LiveState => this.state;
}

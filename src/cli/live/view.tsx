/**
 * The live view (ink): the plan with finished variants' figures, the current variant's progress,
 * figures so far, a throughput sparkline and the pool's state. It only reads the store that
 * runner events feed; it never drives the run.
 */
import { Box, Text } from 'ink';
import { useSyncExternalStore } from 'react';
import { formatCount, formatDuration, formatRate } from '../../report/format.js';
import { formatFaultWindow } from '../../report/fault-windows.js';
import { faultWindowStatus, remainingMs, type LiveState, type LiveStore } from './state.js';
import { sparkline } from './sparkline.js';

const SPARKLINE_WIDTH = 40;

/** `1:05`: whole seconds read calmer than a duration that changes unit as it shrinks. */
function clock(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function Figure({ label, value, warn = false }: { label: string; value: string; warn?: boolean }) {
  return (
    <Text>
      <Text dimColor>{label} </Text>
      <Text bold color={warn ? 'red' : undefined}>
        {value}
      </Text>
      {'   '}
    </Text>
  );
}

function FaultWindows({ state }: { state: LiveState }) {
  const status = faultWindowStatus(state);
  if (!status) return null;
  const errors = state.progress?.errors ?? 0;
  return (
    <Box paddingLeft={2}>
      {'active' in status ? (
        <Text color="yellow">fault window active: {formatFaultWindow(status.active)}</Text>
      ) : 'next' in status ? (
        <Text dimColor>
          next fault window in {(status.inMs / 1000).toFixed(1)} s ({formatFaultWindow(status.next)})
        </Text>
      ) : (
        <Text dimColor>fault windows over</Text>
      )}
      <Text dimColor> · </Text>
      <Text color={errors > 0 ? 'red' : undefined}>{formatCount(errors)} errors so far</Text>
    </Box>
  );
}

function Current({ state }: { state: LiveState }) {
  const { current, progress } = state;
  if (!current) return null;
  const left = remainingMs(state);
  const timing =
    current.phase === 'warmup'
      ? `warming up for ${formatDuration(current.durationMs ?? 0)}`
      : [
          `${clock(progress?.elapsedMs ?? 0)} elapsed`,
          left ? `${clock(left.variant)} left · plan ${clock(left.plan)} left` : current.requests !== undefined ? `up to ${formatCount(current.requests)} requests` : '',
        ]
          .filter(Boolean)
          .join(' · ');
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">▶ {current.name}</Text>
        <Text dimColor> {timing}</Text>
      </Text>
      <FaultWindows state={state} />
      {progress && (
        <Box flexDirection="column" paddingLeft={2}>
          <Text>
            <Figure label="throughput" value={formatRate(progress.rps)} />
            <Figure label="p50" value={formatDuration(progress.p50)} />
            <Figure label="p99" value={formatDuration(progress.p99)} />
            <Figure label="errors" value={formatCount(progress.errors)} warn={progress.errors > 0} />
            <Figure label="connections opened" value={formatCount(progress.connectionsOpened)} />
          </Text>
          <Text>
            <Text dimColor>req/s each second </Text>
            <Text color="green">{sparkline(state.rpsHistory, SPARKLINE_WIDTH)}</Text>
          </Text>
          {progress.pool && (
            <Text>
              <Text dimColor>pool </Text>
              {(['connected', 'idle', 'busy', 'pending'] as const).map((key) => (
                <Figure key={key} label={key} value={formatCount(progress.pool![key])} />
              ))}
            </Text>
          )}
        </Box>
      )}
    </Box>
  );
}

export function LiveView({ state }: { state: LiveState }) {
  const { plan, finished, current } = state;
  const upcoming = plan.slice(current ? current.index + 1 : finished.length);
  if (!plan.length) return <Text dimColor>poolbench: starting…</Text>;
  return (
    <Box flexDirection="column" paddingY={1}>
      <Text>
        <Text bold>poolbench</Text>
        <Text dimColor>
          {' '}
          {state.targetUrl ? `→ ${state.targetUrl} · ` : ''}variant {Math.min(finished.length + 1, plan.length)} of {plan.length}
        </Text>
      </Text>
      {finished.map((f) => (
        <Text key={f.name}>
          <Text color="green">✓ {f.name}</Text>
          <Text dimColor>
            {'  '}
            {formatRate(f.throughputRps)} · p50 {formatDuration(f.p50)} · p99 {formatDuration(f.p99)} · {formatCount(f.errors)} errors · {formatCount(f.connectionsOpened)} connections
          </Text>
        </Text>
      ))}
      <Current state={state} />
      {upcoming.map((name) => (
        <Text key={name} dimColor>
          · {name}
        </Text>
      ))}
    </Box>
  );
}

/** The view bound to a store: re-renders on every event. */
export function LiveRun({ store }: { store: LiveStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return <LiveView state={state} />;
}

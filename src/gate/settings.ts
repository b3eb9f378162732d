/**
 * The gate's settings for one run or comparison: the command line's flags, else the scenario's
 * `gate:` section, else the defaults. A scenario carries its settings so CI commands stay short;
 * a flag still wins, for the one-off run that needs another value.
 */
import type { GateConfig } from '../scenario/schema.js';
import type { CompareOptions } from './compare.js';

export interface GateFlags {
  /** `--repeat`, when given. */
  repeat?: number;
  /** `--min-effect`, in percent, when given. */
  minEffectPercent?: number;
}

export interface GateSettings {
  trials: number;
  compare: Omit<CompareOptions, 'baselineLabel'>;
}

export function gateSettings(gate: GateConfig | undefined, flags: GateFlags): GateSettings {
  const byMetric = gate?.minEffectByMetric ?? {};
  const minEffectPercent = flags.minEffectPercent ?? (gate?.minEffect !== undefined ? percent(gate.minEffect) : undefined);
  return {
    trials: flags.repeat ?? gate?.trials ?? 1,
    compare: {
      ...(minEffectPercent !== undefined && { minEffectPercent }),
      ...(gate?.metrics && { metrics: gate.metrics }),
      minEffectByMetric: Object.fromEntries(Object.entries(byMetric).filter(([, f]) => f !== undefined).map(([key, f]) => [key, percent(f!)])),
    },
  };
}

/** The file's shares are fractions; the gate speaks percent. Rounded so 7 % reads 7, not 7.000000000000001. */
function percent(fraction: number): number {
  return Number((fraction * 100).toPrecision(12));
}

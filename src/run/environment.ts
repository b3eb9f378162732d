/** The machine and versions a run was measured on, for the report: figures from two machines are not comparable. */
import os from 'node:os';
import type { Environment } from '../result.js';
import { poolbenchVersion, undiciVersion } from '../package-info.js';

export function describeEnvironment(): Environment {
  const cpus = os.cpus();
  return {
    poolbench: poolbenchVersion,
    node: process.version,
    undici: undiciVersion,
    undiciBundledWithNode: process.versions.undici,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
  };
}

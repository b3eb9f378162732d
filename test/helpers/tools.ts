import { spawnSync } from 'node:child_process';

/** True when an external program is on the PATH, so a test that needs it can skip with a message instead. */
export function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

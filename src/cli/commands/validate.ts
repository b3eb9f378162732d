import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { ExitCode } from '../../exit-codes.js';
import { parseOverride } from '../../scenario/overrides.js';
import { visibleText } from '../../report/escape.js';

/** Checks a scenario without running it; problems surface through the CLI's ScenarioError handler. */
export async function validateCommand(file: string, io: CliIo, set: readonly string[] = []): Promise<number> {
  const scenario = await loadScenarioFile(file, set.map(parseOverride));
  const names = scenario.variants.map((v) => v.name).join(', ');
  io.stdout.write(visibleText(`${file}: ok — ${scenario.variants.length} variant(s): ${names}; baseline: ${scenario.baseline}`) + '\n');
  return ExitCode.Success;
}

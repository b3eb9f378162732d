import { parseScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

/** A scenario from YAML text, through the real loader, as a user's file would go. */
export function scenarioFromYaml(yaml: string): Scenario {
  return parseScenario(yaml, 'test.yaml');
}

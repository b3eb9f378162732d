/**
 * The JSON Schema editors use to complete and check scenario files, generated from the zod
 * schema so the two cannot disagree. `npm run schema` writes it to scenario.schema.json; a
 * test checks the committed file is current.
 *
 * Usage: node dist/src/scenario/write-json-schema.js <out-file>
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

/** Where the published package serves the file (it is in package.json `files`). */
export const SCENARIO_SCHEMA_ID = 'https://unpkg.com/poolbench/scenario.schema.json';

export function scenarioJsonSchema(): Record<string, unknown> {
  // `input`: the editor checks what people write (`30s`), not what the loader produces (30000).
  // Durations and sizes are transforms, which JSON Schema cannot express: `any` keeps them open.
  const { $schema, ...schema } = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' });
  // Top-level `x-` keys are the file's own, a home for anchors (load.ts ignores them).
  const extensions = { '^x-': { description: 'ignored by poolbench: a home for YAML anchors that variants merge in (`<<: *name`)' } };
  return { $schema, $id: SCENARIO_SCHEMA_ID, title: 'poolbench scenario', ...schema, patternProperties: extensions };
}

/** The file's exact text, so the up-to-date check compares what the script writes. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node dist/src/scenario/write-json-schema.js <out-file>');
    process.exit(2);
  }
  writeFileSync(out, scenarioJsonSchemaText());
}

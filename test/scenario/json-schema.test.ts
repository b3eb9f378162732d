import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ScenarioSchema } from '../../src/scenario/schema.js';
import { scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/scenario/write-json-schema.js';

// Tests run from dist/test/scenario/; the committed file is at the repository root.
const committedFile = new URL('../../../scenario.schema.json', import.meta.url);

describe('scenario.schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema`)', async () => {
    assert.equal(await readFile(committedFile, 'utf8'), scenarioJsonSchemaText());
  });

  it('names itself and rejects unknown top-level keys', () => {
    const schema = scenarioJsonSchema();
    assert.equal(typeof schema.$id, 'string');
    assert.equal(schema.title, 'poolbench scenario');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties as object).sort(), Object.keys(ScenarioSchema.shape).sort());
  });

  it('describes what people write, not what the loader produces', () => {
    const load = (scenarioJsonSchema().properties as Record<string, { properties: Record<string, { type: unknown }> }>).load;
    assert.deepEqual(load.properties.duration.type, ['number', 'string']);
  });
});

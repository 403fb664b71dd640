import { describe, expect, it } from 'vitest';
import { modelKind } from './kinds/model-kind.js';
import { compileSchema } from './schema-validator.js';

describe('schema validation messages', () => {
  it('says what a missing property is, from the schema, where the schema describes it', () => {
    const validate = compileSchema({
      type: 'object',
      required: ['stage', 'plain'],
      properties: {
        stage: { enum: ['a', 'b'], description: 'its lifecycle stage: a, b' },
        plain: { type: 'string' },
      },
    });
    expect(validate({})).toEqual([
      { path: 'stage', message: 'is required: its lifecycle stage: a, b' },
      { path: 'plain', message: 'is required' },
    ]);
  });

  it("names a model link's missing version as a number or latest", () => {
    const doc = {
      apiVersion: 'charter/v1',
      kind: 'Model',
      metadata: { name: 'm', domain: 'd' },
      spec: { version: '1', stage: 'development', inputs: [{ dataset: 'dataset:d/x', role: 'training' }] },
    };
    expect(modelKind.validate(doc)).toContainEqual({
      path: 'spec.inputs[0].version',
      message:
        'is required: the Charter version of the contract (an integer), or "latest" (allowed but flagged)',
    });
  });
});

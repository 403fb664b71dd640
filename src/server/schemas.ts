/** JSON Schemas shared by the routes, for request validation and the OpenAPI document. */

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['name', 'message'],
      properties: { name: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
} as const;

export const refParam = {
  type: 'object',
  required: ['ref'],
  properties: {
    ref: { type: 'string', description: 'A ref such as dataset:payments/transactions (URL-encoded)' },
  },
} as const;

export const assetSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    ref: { type: 'string' },
    kind: { type: 'string' },
    domain: { type: ['string', 'null'] },
    name: { type: 'string' },
    version: { type: 'integer' },
    state: { type: 'string', enum: ['live', 'deleted'] },
    digest: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    updatedAt: { type: 'string' },
    updatedBy: { type: 'string' },
  },
} as const;

export const issueSchema = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    message: { type: 'string' },
    line: { type: 'integer', description: 'the line of the source text the path points at' },
  },
} as const;

export const applyResultSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    applied: { type: 'boolean' },
    dryRun: { type: 'boolean' },
    summary: { type: 'object', additionalProperties: { type: 'integer' } },
    results: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          source: { type: 'string' },
          index: { type: 'integer' },
          line: { type: 'integer' },
          kind: { type: 'string' },
          ref: { type: 'string' },
          status: {
            type: 'string',
            enum: ['created', 'updated', 'unchanged', 'invalid', 'skipped', 'denied', 'pending'],
          },
          version: { type: 'integer' },
          issues: { type: 'array', items: issueSchema },
          warnings: { type: 'array', items: issueSchema },
        },
      },
    },
  },
} as const;

export const errorResponses = {
  400: errorSchema,
  404: errorSchema,
  409: errorSchema,
  503: errorSchema,
} as const;

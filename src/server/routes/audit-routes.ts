/** The audit log: records and verification of the hash chain. */
import type { FastifyInstance } from 'fastify';
import { auditRecordSchema, errorsFor, listOf, objectOf } from '../schemas.js';

/** The chain's verdict; a broken one says where (a record, or a stored version) and why. */
const verifySchema = objectOf(
  {
    intact: { type: 'boolean' },
    records: { type: 'integer', description: 'Records of the intact part of the chain' },
    brokenAt: { type: 'integer', description: 'The first sequence number at which the chain is broken' },
    brokenVersion: {
      type: 'string',
      description: 'A stored version (REF@VERSION) no audit record vouches for',
    },
    versions: { type: 'integer', description: 'Stored versions checked against the log' },
    reason: { type: 'string' },
  },
  ['intact', 'records'],
);

export function auditRoutes(app: FastifyInstance) {
  app.get(
    '/api/v1/audit',
    {
      schema: {
        summary: 'Audit records in sequence order',
        tags: ['audit'],
        querystring: {
          type: 'object',
          properties: {
            ref: {
              type: 'string',
              description:
                'Only records about this ref; not checked against the catalog, as the log also records what is not an asset (tokens, lineage, webhooks, outcomes)',
            },
            after: { type: 'integer', minimum: 0, description: 'Only records after this sequence number' },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
          },
        },
        response: { 200: listOf('records', auditRecordSchema), ...errorsFor(400) },
      },
    },
    async (request) => {
      const q = request.query as { ref?: string; after?: number; limit?: number };
      return {
        records: await request.charter.catalog.auditLog({
          ...(q.ref ? { ref: q.ref } : {}),
          ...(q.after !== undefined ? { afterSeq: q.after } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        }),
      };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      schema: {
        summary:
          'Verify the hash chain and every stored version against it: intact, or the first broken sequence number or version',
        tags: ['audit'],
        response: { 200: verifySchema },
      },
    },
    async (request) => request.charter.catalog.auditVerify(),
  );
}

/**
 * PII scans over HTTP: a scan run by the server where the data is reachable (files confined to its
 * CHARTER_DATA_ROOT), and the suggestions scans keep per field for stewards to accept (a new
 * contract version through admission) or dismiss. Counts and rates only, never values.
 */
import type { FastifyInstance } from 'fastify';
import type { Catalog } from '../../catalog/catalog.js';
import { ScanSuggestions, scanAndPropose } from '../../classify/scan-suggestions.js';
import { scanStoreFor } from '../../store/sql/sql-scan-store.js';
import { errorResponses, UNKNOWN_FILTER } from '../schemas.js';

export function scanRoutes(app: FastifyInstance, catalog: Catalog) {
  const base = new ScanSuggestions(catalog, scanStoreFor(catalog.store));
  const tags = ['ai'];
  const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

  app.post(
    '/api/v1/scan',
    {
      schema: {
        summary: 'Scan a sample of a dataset for personal data and propose classifications',
        description:
          'Runs on the server, against the contract’s server entry (local files resolve inside CHARTER_DATA_ROOT and may not leave it). Needs write access to the dataset. Without accept the proposals are kept as suggestions ({...report, suggestions}); with accept they become a new contract version through admission ({scan, apply}). Values are never returned or stored.',
        tags,
        body: {
          type: 'object',
          required: ['ref'],
          additionalProperties: false,
          properties: {
            ref: { type: 'string', description: 'dataset:DOMAIN/NAME' },
            sample: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1000 },
            accept: { type: 'boolean', default: false },
          },
        },
        response: errorResponses,
      },
    },
    async (request) => {
      const body = request.body as { ref: string; sample?: number; accept?: boolean };
      const timeout = Number(process.env.CHARTER_CHECK_TIMEOUT);
      return scanAndPropose(base.as(request.charter.catalog), body.ref, {
        sample: body.sample ?? 1000,
        accept: body.accept ?? false,
        dataRoot: process.env.CHARTER_DATA_ROOT || process.cwd(),
        confined: true,
        ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout * 1000 } : {}),
      });
    },
  );

  app.get(
    '/api/v1/scan/suggestions',
    {
      schema: {
        summary: 'Scan suggestions kept for stewards, newest first (open ones by default)',
        description: UNKNOWN_FILTER,
        tags,
        querystring: {
          type: 'object',
          properties: {
            ref: { type: 'string', description: 'only this dataset' },
            state: {
              type: 'string',
              enum: ['open', 'accepted', 'dismissed', 'superseded', 'all'],
              default: 'open',
            },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
          },
        },
        response: errorResponses,
      },
    },
    async (request) => {
      const q = request.query as { ref?: string; state?: string; limit?: number };
      return {
        suggestions: await base.as(request.charter.catalog).list({
          ...(q.ref ? { ref: q.ref } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        }),
      };
    },
  );

  app.post(
    '/api/v1/scan/suggestions/:id/accept',
    {
      schema: {
        summary:
          'Accept a scan suggestion: its classification and tags become a new contract version through admission',
        description:
          'Answers {suggestion, apply}. When admission denies the change the suggestion stays open and apply lists every violation (200: an answer, not an error).',
        tags,
        params: idParam,
        response: errorResponses,
      },
    },
    async (request) => base.as(request.charter.catalog).accept((request.params as { id: string }).id),
  );

  app.post(
    '/api/v1/scan/suggestions/:id/dismiss',
    {
      schema: {
        summary:
          'Dismiss a scan suggestion without changing the contract (needs write access to the dataset)',
        tags,
        params: idParam,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 1000 } },
        },
        response: errorResponses,
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { reason?: string };
      return base.as(request.charter.catalog).dismiss((request.params as { id: string }).id, body.reason);
    },
  );
}

/**
 * PII scans over HTTP: a scan run by the server where the data is reachable (files confined to its
 * CHARTER_DATA_ROOT), and the suggestions scans keep per field for stewards to accept (a new
 * contract version through admission) or dismiss. Counts and rates only, never values.
 */
import type { FastifyInstance } from 'fastify';
import type { Catalog } from '../../catalog/catalog.js';
import { ScanSuggestions, scanAndPropose } from '../../classify/scan-suggestions.js';
import { scanStoreFor } from '../../store/sql/sql-scan-store.js';
import {
  catalogApplyResultSchema,
  errorResponses,
  listOf,
  nullable,
  objectOf,
  stringList,
  UNKNOWN_FILTER,
} from '../schemas.js';

const detectionSchema = objectOf({
  category: { type: 'string' },
  pd: { type: 'string', description: 'The DPV personal-data category' },
  matchRate: { type: 'number', description: 'Share of the sampled non-empty values that matched (0..1)' },
  confidence: { type: 'number', description: 'The match rate, raised by a field-name hint (0..1)' },
});

/** A field's proposal kept for stewards: counts and rates, never a value. */
const suggestionSchema = objectOf(
  {
    id: { type: 'string' },
    ref: { type: 'string' },
    path: { type: 'string', description: "table.column of the contract's schema" },
    datasetVersion: { type: 'integer', description: 'The contract version the scan read' },
    time: { type: 'string' },
    actor: { type: 'string' },
    state: { type: 'string', enum: ['open', 'accepted', 'dismissed', 'superseded'] },
    proposedClassification: nullable('string'),
    currentClassification: nullable('string'),
    proposedTags: stringList,
    evidence: objectOf({
      sampled: { type: 'integer' },
      hints: stringList,
      detections: { type: 'array', items: detectionSchema },
    }),
    decidedBy: nullable('string'),
    decidedAt: nullable('string'),
    acceptedVersion: nullable('integer', 'The contract version an accepted suggestion became'),
    auditSeq: { type: 'integer' },
  },
  ['id', 'ref', 'path', 'datasetVersion', 'time', 'actor', 'state'],
);

const scanReportProperties = {
  ref: { type: 'string' },
  server: nullable('string'),
  engine: { type: 'string' },
  sample: { type: 'integer', description: 'Rows sampled at most' },
  durationMs: objectOf({ fetch: { type: 'integer' }, detect: { type: 'integer' } }),
  fields: {
    type: 'array',
    items: objectOf({
      path: { type: 'string' },
      sampled: { type: 'integer', description: 'Non-empty values sampled' },
      hints: { ...stringList, description: 'Categories the field name suggests' },
      detections: { type: 'array', items: detectionSchema },
      currentClassification: nullable('string'),
      proposedClassification: nullable('string'),
      proposedTags: { ...stringList, description: 'pii and pii:<category>' },
    }),
  },
};

/** A new contract version through admission, or null when there was nothing to change. */
const applyOrNull = (description: string) => ({
  ...catalogApplyResultSchema,
  type: ['object', 'null'],
  description,
});

/** Either `{...report, suggestions}` (kept for stewards) or, with accept, `{scan, apply}`. */
const scanOutcomeSchema = objectOf({
  ...scanReportProperties,
  suggestions: { type: 'array', items: suggestionSchema, description: 'Without accept: the proposals kept' },
  scan: { ...objectOf(scanReportProperties), description: 'With accept: the report' },
  apply: applyOrNull(
    'With accept: the new contract version through admission; null when nothing was proposed',
  ),
});

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
        response: { 200: scanOutcomeSchema, ...errorResponses },
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
        response: { 200: listOf('suggestions', suggestionSchema), ...errorResponses },
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
        response: {
          200: objectOf(
            {
              suggestion: suggestionSchema,
              apply: applyOrNull(
                'The new contract version through admission (denied: the suggestion stays open)',
              ),
            },
            ['suggestion', 'apply'],
          ),
          ...errorResponses,
        },
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
        response: { 200: suggestionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { reason?: string };
      return base.as(request.charter.catalog).dismiss((request.params as { id: string }).id, body.reason);
    },
  );
}

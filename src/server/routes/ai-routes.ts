/**
 * The AI-use gate over HTTP: POST a question ("may this use this dataset for that?") and get an
 * allow or deny with every reason; list recorded decisions. A deny is an answer (200), not an error;
 * an unknown dataset, use or purpose is a 4xx.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AiGate } from '../../ai/ai-gate.js';
import { buildContext, contextMarkdown } from '../../ai/context-pack.js';
import { ReadinessService } from '../../ai/readiness.js';
import type { Catalog } from '../../catalog/catalog.js';
import { NotFoundError } from '../../model/errors.js';
import { aiStoreFor } from '../../store/sql/sql-ai-store.js';
import { qualityStoreFor } from '../../store/sql/sql-quality-store.js';
import { errorResponses, refParam, UNKNOWN_FILTER } from '../schemas.js';

export function aiRoutes(app: FastifyInstance, catalog: Catalog, defaultActor: string) {
  const base = new AiGate(catalog, qualityStoreFor(catalog.store), aiStoreFor(catalog.store), {
    actor: defaultActor,
  });
  const gate = (request: FastifyRequest) => base.as(request.charter.catalog, request.charter.actor);
  const tags = ['ai'];

  app.post(
    '/api/v1/ai/decisions',
    {
      schema: {
        summary: 'Ask the AI-use gate whether a dataset may be used for an AI use',
        description:
          'Answers allow or deny with every failing check as a reason and what would change the answer. Every answer is recorded and audited. An unknown dataset, use, purpose or application is a 4xx, never an allow.',
        tags,
        body: {
          type: 'object',
          required: ['dataset', 'use'],
          additionalProperties: false,
          properties: {
            dataset: { type: 'string', description: 'dataset:DOMAIN/NAME' },
            use: { type: 'string', description: 'training, fine_tuning, rag_retrieval, prompt_context …' },
            for: { type: 'string', description: 'The model or AI application asking (model:… or app:…)' },
            purpose: { type: 'string', description: 'A DPV purpose, e.g. dpv:CustomerCare' },
          },
        },
        response: errorResponses,
      },
    },
    async (request) => {
      const b = request.body as { dataset: string; use: string; for?: string; purpose?: string };
      return gate(request).decide({
        dataset: b.dataset,
        use: b.use,
        ...(b.for ? { for: b.for } : {}),
        ...(b.purpose ? { purpose: b.purpose } : {}),
      });
    },
  );

  app.get(
    '/api/v1/ai/decisions',
    {
      schema: {
        summary: 'Recorded AI-use decisions, newest first',
        description: UNKNOWN_FILTER,
        tags,
        querystring: {
          type: 'object',
          properties: {
            dataset: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: errorResponses,
      },
    },
    async (request) => {
      const q = request.query as { dataset?: string; limit?: number };
      return {
        decisions: await gate(request).decisions({
          ...(q.dataset ? { dataset: q.dataset } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        }),
      };
    },
  );

  app.get(
    '/api/v1/ai/decisions/:id',
    {
      schema: {
        summary: 'One recorded AI-use decision',
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: errorResponses,
      },
    },
    async (request) => {
      const id = (request.params as { id: string }).id;
      const row = await base.store.decision(id);
      if (!row) throw new NotFoundError(`AI decision '${id}' not found`);
      await request.charter.catalog.get(row.dataset).catch((error) => {
        if (!(error instanceof NotFoundError)) throw error;
      });
      return { ...row.body, auditSeq: row.auditSeq };
    },
  );

  app.get(
    '/api/v1/context/:ref',
    {
      schema: {
        summary: 'Governed context of a dataset or data product for a prompt or an agent',
        description:
          'Description, fields with types, classifications, glossary definitions and semantic types, allowed AI uses, quality status, freshness and the owners to ask. Never data values; only what the caller may read. `format=md` answers Markdown.',
        tags,
        params: refParam,
        querystring: { type: 'object', properties: { format: { enum: ['json', 'md'], default: 'json' } } },
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const { ref } = request.params as { ref: string };
      const pack = await buildContext(request.charter.catalog, base.quality, ref);
      if ((request.query as { format?: string }).format === 'md') {
        reply.type('text/markdown; charset=utf-8');
        return contextMarkdown(pack);
      }
      return pack;
    },
  );

  app.get(
    '/api/v1/ai/readiness/:ref',
    {
      schema: {
        summary: 'AI-readiness score of a dataset, product or domain, with what would raise it',
        description:
          'score = 0.40 × GenAI checks + 0.30 × AI-section completeness + 0.20 × quality + 0.10 × freshness (0–100); a product or domain scores the mean of the datasets the caller may read.',
        tags,
        params: refParam,
        response: errorResponses,
      },
    },
    async (request) => {
      const { ref } = request.params as { ref: string };
      return new ReadinessService(request.charter.catalog, base.quality).readiness(ref);
    },
  );
}

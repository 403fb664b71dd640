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
import {
  errorResponses,
  inputGateTurnSchema,
  listOf,
  nullable,
  objectOf,
  refParam,
  stringList,
  UNKNOWN_FILTER,
} from '../schemas.js';

const CHECK_STATUS = { type: 'string', enum: ['pass', 'fail', 'not-applicable'] } as const;

/** An AI-use decision as recorded: every check evaluated, and the failing ones as reasons. */
const decisionSchema = objectOf(
  {
    id: { type: 'string' },
    time: { type: 'string' },
    actor: { type: 'string' },
    dataset: { type: 'string' },
    datasetVersion: { type: 'integer' },
    use: { type: 'string' },
    for: nullable('string', 'The model or AI application that asked'),
    purpose: nullable('string', 'The DPV purpose given'),
    decision: { type: 'string', enum: ['allow', 'deny'] },
    reasons: {
      type: 'array',
      description: 'Every failing check (empty when allowed)',
      items: objectOf({
        check: { type: 'string' },
        message: { type: 'string' },
        path: { type: 'string', description: 'Where in the contract the fact lives, when it is one' },
        fix: { type: 'string', description: 'What would change this reason' },
      }),
    },
    checks: {
      type: 'array',
      items: objectOf({ check: { type: 'string' }, status: CHECK_STATUS, detail: { type: 'string' } }),
    },
    wouldChange: { ...stringList, description: 'The fixes of the reasons, in order' },
    auditSeq: { type: 'integer', description: 'The audit record of the decision' },
  },
  ['id', 'time', 'actor', 'dataset', 'datasetVersion', 'use', 'for', 'purpose', 'decision'],
);

const person = objectOf({ ref: { type: 'string' }, title: { type: 'string' } });
const term = objectOf({ ref: { type: 'string' }, title: { type: 'string' }, definition: { type: 'string' } });

/** What GET /context answers as JSON (`format=md`: the same as Markdown). */
const contextSchema = objectOf(
  {
    ref: { type: 'string' },
    kind: { type: 'string', enum: ['dataset', 'product'] },
    title: { type: 'string' },
    version: { type: 'integer' },
    status: nullable('string'),
    domain: nullable('string'),
    description: objectOf({
      purpose: nullable('string'),
      usage: nullable('string'),
      limitations: nullable('string'),
    }),
    owners: { type: 'array', items: person },
    stewards: { type: 'array', items: person },
    fields: {
      type: 'array',
      items: objectOf({
        path: { type: 'string' },
        type: nullable('string'),
        physicalType: nullable('string'),
        description: nullable('string'),
        classification: nullable('string'),
        required: nullable('boolean'),
        semanticType: nullable('string', 'A DPV personal-data category or a pii: tag'),
        protection: nullable('string', 'Its protection, when the AI section declares one'),
        glossary: { type: 'array', items: term },
      }),
    },
    datasets: {
      type: 'array',
      description: 'A product: its datasets the caller may read',
      items: objectOf({
        ref: { type: 'string' },
        title: { type: 'string' },
        description: { type: 'string' },
      }),
    },
    ai: objectOf({
      declared: { type: 'boolean', description: 'Whether the contract has an AI section' },
      permittedUses: stringList,
      outOfScopeUses: stringList,
      personalData: nullable('string'),
      classification: nullable('string'),
      limitations: stringList,
    }),
    quality: objectOf({
      status: nullable('string'),
      score: nullable('number'),
      checkedAt: nullable('string'),
      failing: { ...stringList, description: "The latest run's failing checks, by name" },
      openIncident: {
        type: ['object', 'null'],
        additionalProperties: true,
        properties: { id: { type: 'string' }, title: { type: 'string' } },
      },
    }),
    freshness: objectOf({
      lastRefreshedAt: nullable('string'),
      freshnessSla: nullable('string'),
      sla: {
        type: 'array',
        description: "The contract's SLA properties as declared",
        items: objectOf({ property: { type: 'string' }, value: {}, unit: { type: 'string' } }),
      },
    }),
    glossary: { type: 'array', items: term },
  },
  ['ref', 'kind', 'title', 'version', 'status', 'domain', 'description', 'owners', 'stewards', 'fields'],
);

const improvements = {
  type: 'array',
  description: 'What would raise the score, most points first',
  items: objectOf({
    gain: { type: 'number', description: 'Points the score would gain' },
    action: { type: 'string' },
  }),
} as const;

const readinessSchema = objectOf(
  {
    ref: { type: 'string' },
    kind: { type: 'string', enum: ['dataset', 'product', 'domain'] },
    score: nullable('number', '0–100; a product or domain: the mean of its datasets the caller may read'),
    datasets: {
      type: 'array',
      items: objectOf({
        ref: { type: 'string' },
        score: { type: 'number' },
        parts: objectOf({
          checks: { type: 'number' },
          completeness: { type: 'number' },
          quality: { type: 'number' },
          freshness: { type: 'number' },
        }),
        checks: {
          type: 'array',
          description: 'The AI-METADATA §8 checks',
          items: objectOf({ id: { type: 'string' }, status: CHECK_STATUS, fix: { type: 'string' } }),
        },
        missing: { ...stringList, description: 'AI-section fields not filled in' },
        improvements,
      }),
    },
    improvements,
  },
  ['ref', 'kind', 'score', 'datasets', 'improvements'],
);

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
        response: { 200: decisionSchema, ...errorResponses },
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
        response: { 200: listOf('decisions', decisionSchema), ...errorResponses },
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
    '/api/v1/ai/systems',
    {
      schema: {
        summary: "AI systems and the AI-use gate's answer for what each declares it uses",
        description: `Every model and AI application the caller may read (optionally of one domain and its sub-domains), each with the gate's answer now for every dataset it declares as an input (each link but output, its role as the use, the system as the asker): allow, deny with the failing checks, or restricted when the caller may not read the dataset. Nothing is recorded. Most refused first. ${UNKNOWN_FILTER}`,
        tags,
        querystring: { type: 'object', properties: { domain: { type: 'string' } } },
        response: {
          200: listOf(
            'systems',
            objectOf(
              {
                ref: { type: 'string' },
                kind: { type: 'string', enum: ['Model', 'AiApplication'] },
                title: { type: 'string' },
                domain: nullable('string'),
                stage: nullable('string'),
                owners: stringList,
                stewards: stringList,
                inputs: {
                  type: 'array',
                  items: objectOf(
                    {
                      index: { type: 'integer', description: 'The link in spec.inputs' },
                      dataset: { type: 'string' },
                      use: { type: 'string' },
                      decision: { type: 'string', enum: ['allow', 'deny', 'restricted'] },
                      checks: { ...stringList, description: 'The failing checks' },
                      since: inputGateTurnSchema,
                    },
                    ['index', 'dataset', 'use', 'decision', 'checks'],
                  ),
                },
                refused: { type: 'integer', description: 'How many inputs the gate refuses' },
              },
              ['ref', 'kind', 'title', 'domain', 'stage', 'owners', 'stewards', 'inputs', 'refused'],
            ),
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as { domain?: string };
      return { systems: await gate(request).systems(q.domain ? { domain: q.domain } : {}) };
    },
  );

  app.get(
    '/api/v1/ai/decisions/:id',
    {
      schema: {
        summary: 'One recorded AI-use decision',
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 200: decisionSchema, ...errorResponses },
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
        response: {
          200: {
            description: 'The context pack, as JSON or (format=md) as Markdown',
            content: {
              'application/json': { schema: contextSchema },
              'text/markdown': { schema: { type: 'string' } },
            },
          },
          ...errorResponses,
        },
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
        response: { 200: readinessSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { ref } = request.params as { ref: string };
      return new ReadinessService(request.charter.catalog, base.quality).readiness(ref);
    },
  );
}

/**
 * Data quality over HTTP: run checks, read runs and their results, scores and trends, incidents.
 * Bodies are the same JSON that `charter check|quality|incidents -o json` prints.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Catalog } from '../../catalog/catalog.js';
import { type QualityOptions, QualityService } from '../../quality/quality-service.js';
import { qualityStoreFor } from '../../store/sql/sql-quality-store.js';
import {
  anyObject,
  errorResponses,
  errorsFor,
  inOrder,
  nullable,
  objectOf,
  refParam,
  stringList,
  UNKNOWN_FILTER,
} from '../schemas.js';

/**
 * Where the server finds files of `local` servers: CHARTER_DATA_ROOT, else its working directory,
 * and nowhere else (a contract naming `../` or an absolute path is refused).
 */
export function qualityOptionsFromEnv(actor: string): QualityOptions {
  const timeout = Number(process.env.CHARTER_CHECK_TIMEOUT ?? '');
  return {
    actor,
    confined: true,
    dataRoot: process.env.CHARTER_DATA_ROOT || process.cwd(),
    ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout * 1000 } : {}),
  };
}

const measured = {
  type: ['number', 'string', 'null'],
  description:
    'The measured number (rows, percent or seconds), a column type, or null when nothing was measured',
} as const;

/** One check's result, in the order a stored run reads it back. */
const checkResultProperties = {
  id: { type: 'string' },
  table: { type: 'string' },
  field: { type: 'string' },
  category: { type: 'string', enum: ['schema', 'quality', 'sla'] },
  type: { type: 'string', description: 'e.g. required, unique, pattern, nullValues, sql, freshness' },
  name: { type: 'string' },
  dimension: { type: 'string' },
  severity: { type: 'string' },
  status: { type: 'string', enum: ['passed', 'failed', 'error', 'skipped'] },
  measured,
  unit: { type: 'string', enum: ['rows', 'percent', 'seconds'] },
  expected: { type: 'string', description: 'e.g. "= 0 rows" or "between 10 and 100 rows"' },
  message: { type: 'string', description: 'Why the check failed, errored or was skipped' },
  durationMs: { type: 'integer' },
  engine: { type: 'string' },
  samples: {
    type: 'array',
    items: anyObject,
    description: 'Failing rows (column → value), values of confidential or higher columns masked as ***',
  },
};
const CHECK_RESULT_KEYS = Object.keys(checkResultProperties) as (keyof typeof checkResultProperties)[];

/** A run, in the order a stored run reads it back. */
const runProperties = {
  id: { type: 'string' },
  ref: { type: 'string' },
  domain: nullable('string'),
  contractVersion: { type: 'integer' },
  server: nullable('string', "The contract's server checked"),
  serverType: nullable('string'),
  engine: { type: 'string' },
  status: { type: 'string', enum: ['passed', 'failed', 'error'] },
  message: { type: 'string' },
  startedAt: { type: 'string' },
  finishedAt: { type: 'string' },
  durationMs: { type: 'integer' },
  actor: { type: 'string' },
  trigger: { type: 'string', enum: ['manual', 'schedule', 'api'] },
  counts: objectOf({
    passed: { type: 'integer' },
    failed: { type: 'integer' },
    error: { type: 'integer' },
    skipped: { type: 'integer' },
  }),
  score: nullable(
    'number',
    'Severity-weighted share of passing checks, 0–100; null when nothing was executed',
  ),
  owners: stringList,
  stewards: stringList,
  scope: objectOf({
    checks: stringList,
    dimensions: stringList,
    tags: stringList,
    filters: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'table → SQL condition',
    },
  }),
  checks: { type: 'array', items: objectOf(checkResultProperties) },
  statements: { ...stringList, description: 'The SQL statements run, in order' },
  samplesWithheld: {
    type: 'string',
    description:
      "Why failing-row samples were left out: the dataset's classification is above the caller's clearance",
  },
};
const RUN_KEYS = Object.keys(runProperties) as (keyof typeof runProperties)[];
const SUMMARY_KEYS = RUN_KEYS.filter((k) => k !== 'checks' && k !== 'statements' && k !== 'samplesWithheld');

/** A stored run with every check result. */
const runSchema = objectOf(runProperties);
/** A run without its check results (lists, a dataset's trend). */
const runSummarySchema = objectOf(inOrder(runProperties, SUMMARY_KEYS));
/**
 * A run as `check` makes it: what the checks found (a check's message after its engine), then what
 * Charter records with it.
 */
const CHECKED_RUN_KEYS = (
  'status server serverType engine startedAt finishedAt durationMs message checks statements scope ' +
  'id ref domain contractVersion actor trigger counts score owners stewards samplesWithheld'
).split(' ') as (keyof typeof runProperties)[];
const checkedRunSchema = objectOf({
  ...inOrder(runProperties, CHECKED_RUN_KEYS),
  checks: {
    type: 'array',
    items: objectOf(
      inOrder(checkResultProperties, [
        ...CHECK_RESULT_KEYS.filter((k) => k !== 'message' && k !== 'samples'),
        'message',
        'samples',
      ]),
    ),
  },
});

const checkReportSchema = objectOf(
  {
    status: runProperties.status,
    datasets: { type: 'integer', description: 'Datasets checked' },
    counts: runProperties.counts,
    runs: { type: 'array', items: checkedRunSchema },
  },
  ['status', 'datasets', 'counts', 'runs'],
);

const failingCheckSchema = objectOf({
  id: { type: 'string' },
  status: checkResultProperties.status,
  name: { type: 'string' },
  measured,
  expected: { type: 'string' },
  message: { type: 'string' },
});

const qualityReportSchema = objectOf(
  {
    ref: { type: 'string' },
    kind: {
      type: 'string',
      enum: ['dataset', 'product', 'domain', 'owner'],
      description:
        '`owner`: a user or team, over the datasets they own or steward (named on them or through a domain)',
    },
    score: nullable('number', "Mean of the datasets' latest complete scores (a dataset: its latest)"),
    datasets: {
      type: 'array',
      items: objectOf({
        ref: { type: 'string' },
        as: {
          type: 'array',
          items: { type: 'string', enum: ['owner', 'steward'] },
          description: "A user's or team's roll-up: whether they own the dataset, steward it, or both",
        },
        score: nullable('number'),
        status: nullable('string'),
        checkedAt: nullable('string'),
        runId: nullable('string'),
      }),
    },
    trend: { type: 'array', items: runSummarySchema, description: "A dataset's runs, newest first" },
    failing: {
      type: 'array',
      items: failingCheckSchema,
      description: "A dataset's latest complete run's checks that did not pass",
    },
  },
  ['ref', 'kind', 'score', 'datasets'],
);

const incidentSchema = objectOf(
  {
    id: { type: 'string' },
    ref: { type: 'string' },
    domain: nullable('string'),
    state: { type: 'string', enum: ['open', 'resolved'] },
    title: { type: 'string' },
    assignees: stringList,
    failing: { type: 'array', items: failingCheckSchema },
    openedAt: { type: 'string' },
    updatedAt: { type: 'string' },
    resolvedAt: nullable('string'),
    lastRunId: { type: 'string' },
    runs: { type: 'integer' },
    timeline: {
      type: 'array',
      items: objectOf({
        time: { type: 'string' },
        action: {
          type: 'string',
          enum: ['opened', 'updated', 'resolved', 'acknowledged', 'note'],
          description:
            'What a run did to it (opened, updated, resolved), or what a person answered (acknowledged, note)',
        },
        runId: {
          type: 'string',
          description: "The run that did it; for an answer, the incident's latest run then",
        },
        actor: { type: 'string' },
        failing: { ...stringList, description: 'The ids of the checks failing then' },
        note: { type: 'string', description: "An answer's text" },
      }),
    },
  },
  [
    'id',
    'ref',
    'domain',
    'state',
    'title',
    'assignees',
    'failing',
    'openedAt',
    'updatedAt',
    'resolvedAt',
    'lastRunId',
    'runs',
    'timeline',
  ],
);

export function qualityRoutes(
  app: FastifyInstance,
  catalog: Catalog,
  defaultActor: string,
  options: QualityOptions = qualityOptionsFromEnv(defaultActor),
) {
  const base = new QualityService(catalog, qualityStoreFor(catalog.store), options);
  const as = (request: FastifyRequest) =>
    new QualityService(request.charter.catalog, base.store, { ...options, actor: request.charter.actor });
  /** Runs and incidents of datasets the caller may not read are left out. */
  const visible = <T extends { ref?: string; dataset?: string }>(request: FastifyRequest, rows: T[]): T[] =>
    rows.filter((r) => request.charter.catalog.mayRead(r.dataset ?? r.ref ?? ''));
  const tags = ['quality'];

  app.post(
    '/api/v1/quality/runs',
    {
      schema: {
        summary:
          'Run the quality checks of a dataset, a product, a domain (with sub-domains) or all datasets',
        description:
          'Checks run where the data lives; the answer lists every run with its per-check results. A failing check is data (200), not an error.',
        tags,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ref: { type: 'string', description: 'A dataset ref' },
            product: { type: 'string' },
            domain: { type: 'string' },
            all: { type: 'boolean' },
            samples: {
              type: 'integer',
              minimum: 0,
              maximum: 100,
              description: 'Failing rows to sample per check (masked)',
            },
            server: {
              type: 'string',
              description: "The contract's server to check (default: the first supported)",
            },
            checks: {
              type: 'array',
              items: { type: 'string' },
              description: 'Run only these checks, by id or name',
            },
            dimensions: {
              type: 'array',
              items: { type: 'string' },
              description: 'Run only checks of these dimensions',
            },
            tags: {
              type: 'array',
              items: { type: 'string' },
              description: 'Run only quality rules with these tags',
            },
            filter: {
              type: 'string',
              description:
                'Check only the rows where this SQL condition holds (a one-table contract; with ref only)',
            },
            filters: {
              type: 'object',
              additionalProperties: { type: 'string' },
              description: 'Row filters per table: table name → SQL condition (with ref only)',
            },
          },
        },
        response: { 200: checkReportSchema, ...errorResponses },
      },
    },
    async (request) => {
      const b = (request.body ?? {}) as {
        ref?: string;
        product?: string;
        domain?: string;
        all?: boolean;
        samples?: number;
        server?: string;
        checks?: string[];
        dimensions?: string[];
        tags?: string[];
        filter?: string;
        filters?: Record<string, string>;
      };
      const select = {
        ...(b.checks?.length ? { checks: b.checks } : {}),
        ...(b.dimensions?.length ? { dimensions: b.dimensions } : {}),
        ...(b.tags?.length ? { tags: b.tags } : {}),
      };
      return as(request).check(
        {
          ...(b.ref ? { ref: b.ref } : {}),
          ...(b.product ? { product: b.product } : {}),
          ...(b.domain ? { domain: b.domain } : {}),
          ...(b.all ? { all: true } : {}),
        },
        {
          ...(b.samples ? { samples: b.samples } : {}),
          ...(b.server ? { server: b.server } : {}),
          ...(Object.keys(select).length ? { select } : {}),
          ...(b.filter !== undefined ? { filter: b.filter } : {}),
          ...(b.filters !== undefined ? { filters: b.filters } : {}),
          trigger: 'api',
        },
      );
    },
  );

  app.get(
    '/api/v1/quality/runs',
    {
      schema: {
        summary: 'Quality runs, newest first (without their per-check results)',
        description: UNKNOWN_FILTER,
        tags,
        querystring: {
          type: 'object',
          properties: {
            ref: { type: 'string', description: 'Only the runs of this dataset' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
          },
        },
        response: { 200: { type: 'array', items: runSummarySchema } },
      },
    },
    async (request) => {
      const q = request.query as { ref?: string; limit?: number };
      return visible(
        request,
        await as(request).runs({ ...(q.ref ? { ref: q.ref } : {}), ...(q.limit ? { limit: q.limit } : {}) }),
      );
    },
  );

  app.get(
    '/api/v1/quality/runs/:id',
    {
      schema: {
        summary: 'One quality run with every check result',
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 200: runSchema, ...errorResponses },
      },
    },
    async (request) => {
      const run = await as(request).run((request.params as { id: string }).id);
      request.charter.guard?.requireRead({ ref: run.ref, kind: 'DataContract', domain: run.domain });
      return run;
    },
  );

  app.get(
    '/api/v1/quality/scores/:ref',
    {
      schema: {
        summary: "A dataset's trend, or the score of a product, a domain or an owner (user or team)",
        tags,
        params: refParam,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 } },
        },
        response: { 200: qualityReportSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { ref } = request.params as { ref: string };
      const { limit } = request.query as { limit?: number };
      return as(request).quality(ref, limit ? { limit } : {});
    },
  );

  app.get(
    '/api/v1/incidents',
    {
      schema: {
        summary: 'Quality incidents (open ones unless state says otherwise)',
        description: UNKNOWN_FILTER,
        tags,
        querystring: {
          type: 'object',
          properties: {
            domain: { type: 'string', description: 'Only this domain and its sub-domains' },
            assignee: { type: 'string', description: 'Only incidents assigned to this user or team ref' },
            state: { type: 'string', enum: ['open', 'resolved', 'all'], default: 'open' },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
          },
        },
        response: { 200: { type: 'array', items: incidentSchema }, ...errorsFor(400) },
      },
    },
    async (request) => {
      const q = request.query as {
        domain?: string;
        assignee?: string;
        state?: 'open' | 'resolved' | 'all';
        limit?: number;
      };
      return visible(request, await as(request).incidents(q));
    },
  );

  app.get(
    '/api/v1/incidents/:id',
    {
      schema: {
        summary: 'One incident with its failing checks and timeline',
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 200: incidentSchema, ...errorResponses },
      },
    },
    async (request) => {
      const incident = await as(request).incident((request.params as { id: string }).id);
      request.charter.guard?.requireRead({
        ref: incident.ref,
        kind: 'DataContract',
        domain: incident.domain,
      });
      return incident;
    },
  );

  app.post(
    '/api/v1/incidents/:id/notes',
    {
      schema: {
        summary: 'Answer an open incident: a note on what you found or did, or that you are on it',
        description:
          'Kept in its timeline (action note, or acknowledged) and in the audit log, with the caller as actor. Its assignees may answer it, and whoever may write the dataset (contributor or more in its domain). A resolved incident is a 409.',
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['note'],
          properties: {
            note: { type: 'string', minLength: 1, maxLength: 2000 },
            acknowledge: {
              type: 'boolean',
              description: 'Say that you are on it (the default: a note only)',
            },
          },
        },
        response: { 200: incidentSchema, ...errorsFor(400, 403, 404, 409) },
      },
    },
    async (request) =>
      as(request).answerIncident(
        (request.params as { id: string }).id,
        request.body as { note: string; acknowledge?: boolean },
      ),
  );
}

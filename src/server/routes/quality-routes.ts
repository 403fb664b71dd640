/**
 * Data quality over HTTP: run checks, read runs and their results, scores and trends, incidents.
 * Bodies are the same JSON that `charter check|quality|incidents -o json` prints.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Catalog } from '../../catalog/catalog.js';
import { tryParseRef } from '../../model/ref.js';
import { type QualityOptions, QualityService } from '../../quality/quality-service.js';
import { qualityStoreFor } from '../../store/sql/sql-quality-store.js';
import { errorResponses, refParam, UNKNOWN_FILTER } from '../schemas.js';

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
  const visible = <T extends { ref?: string; dataset?: string }>(request: FastifyRequest, rows: T[]): T[] => {
    const guard = request.charter.guard;
    if (!guard || guard.isAdmin) return rows;
    return rows.filter((r) => {
      const ref = tryParseRef(r.dataset ?? r.ref ?? '');
      return ref
        ? guard.canRead({ ref: r.dataset ?? r.ref ?? '', kind: 'DataContract', domain: ref.domain ?? null })
        : true;
    });
  };
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
        response: errorResponses,
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
        response: errorResponses,
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
        response: errorResponses,
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
        response: errorResponses,
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
}

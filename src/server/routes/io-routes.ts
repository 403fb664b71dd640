/** Export and import of the whole catalog. */
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import type { CatalogBackup } from '../../catalog/catalog-api.js';

export function ioRoutes(app: FastifyInstance) {
  app.get(
    '/api/v1/export',
    {
      schema: {
        summary: 'Export the latest version of every asset (YAML or JSON), or a full backup with history',
        tags: ['io'],
        querystring: {
          type: 'object',
          properties: {
            withHistory: { type: 'boolean', default: false },
            kind: { type: 'string' },
            domain: { type: 'string' },
            format: { type: 'string', enum: ['yaml', 'json'], default: 'yaml' },
          },
        },
      },
    },
    async (request, reply) => {
      const q = request.query as {
        withHistory?: boolean;
        kind?: string;
        domain?: string;
        format?: 'yaml' | 'json';
      };
      if (q.withHistory) return request.charter.catalog.exportBackup();
      const docs = await request.charter.catalog.exportDocs({
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.domain ? { domain: q.domain } : {}),
      });
      if (q.format === 'json') return { documents: docs };
      reply.type('application/yaml');
      return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
    },
  );

  app.post(
    '/api/v1/import/backup',
    { schema: { summary: 'Restore a full backup (with history) into an empty catalog', tags: ['io'] } },
    async (request) => request.charter.catalog.importBackup(request.body as CatalogBackup),
  );
}

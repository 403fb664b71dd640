/** Export and import of the whole catalog, and Croissant JSON-LD for one dataset or product. */
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { exportCroissant, fromCroissant } from '../../ai/croissant.js';
import type { CatalogBackup } from '../../catalog/catalog-api.js';
import { InputError } from '../../model/errors.js';
import { UNKNOWN_FILTER } from '../schemas.js';

export function ioRoutes(app: FastifyInstance) {
  app.get(
    '/api/v1/export',
    {
      schema: {
        summary:
          'Export the latest version of every asset (YAML or JSON), a full backup with history, or one dataset or product as Croissant 1.1 JSON-LD (format=croissant&ref=REF)',
        description: UNKNOWN_FILTER,
        tags: ['io'],
        querystring: {
          type: 'object',
          properties: {
            withHistory: { type: 'boolean', default: false },
            kind: { type: 'string' },
            domain: { type: 'string', description: 'Only this domain (NAME or domain:NAME)' },
            format: { type: 'string', enum: ['yaml', 'json', 'croissant'], default: 'yaml' },
            ref: { type: 'string', description: 'with format=croissant: the dataset or product' },
            baseUrl: {
              type: 'string',
              description: 'with format=croissant: the UI address the record links to (default: this server)',
            },
          },
        },
      },
    },
    async (request, reply) => {
      const q = request.query as {
        withHistory?: boolean;
        kind?: string;
        domain?: string;
        format?: 'yaml' | 'json' | 'croissant';
        ref?: string;
        baseUrl?: string;
      };
      if (q.format === 'croissant') {
        if (!q.ref) throw new InputError('format=croissant needs ref, the dataset or product to describe');
        const { document, issues } = await exportCroissant(request.charter.catalog, q.ref, {
          baseUrl: q.baseUrl ?? `${request.protocol}://${request.host}`,
        });
        // What Croissant would miss (e.g. no licence) travels in a header; the record is the body.
        const errors = issues.filter((i) => i.level === 'error');
        if (errors.length)
          reply.header(
            'x-croissant-issues',
            // A header carries printable ASCII only; a value quoted in a message may not be.
            errors
              .map((i) => `${i.path}: ${i.message}`)
              .join('; ')
              .replace(/[^\x20-\x7e]/g, '?'),
          );
        reply.type('application/ld+json');
        return JSON.stringify(document, null, 2);
      }
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

  // Croissant files are JSON-LD: accept application/ld+json beside application/json on this route.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/ld+json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(String(body)));
      } catch (error) {
        done(new InputError(`The body is not JSON-LD: ${(error as Error).message}`));
      }
    });
    scope.post(
      '/api/v1/import/croissant',
      {
        schema: {
          summary:
            'Turn a Croissant JSON-LD record into a draft ODCS v3.1.0 contract with x-charter-ai (nothing is stored)',
          tags: ['io'],
          querystring: { type: 'object', properties: { domain: { type: 'string' } } },
        },
      },
      async (request) => {
        const q = request.query as { domain?: string };
        return fromCroissant(request.body, q.domain ? { domain: q.domain } : {});
      },
    );
  });

  app.post(
    '/api/v1/import/backup',
    { schema: { summary: 'Restore a full backup (with history) into an empty catalog', tags: ['io'] } },
    async (request) => request.charter.catalog.importBackup(request.body as CatalogBackup),
  );
}

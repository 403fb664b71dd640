/** Export and import of the whole catalog, and Croissant JSON-LD for one dataset or product. */
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { exportCroissant, fromCroissant } from '../../ai/croissant.js';
import type { CatalogBackup } from '../../catalog/catalog-api.js';
import { InputError } from '../../model/errors.js';
import {
  anyObject,
  auditRecordSchema,
  errorsFor,
  nullable,
  objectOf,
  stringList,
  UNKNOWN_FILTER,
  versionSchema,
} from '../schemas.js';

const backupProperties = {
  apiVersion: { type: 'string', enum: ['charter/v1'] },
  kind: { type: 'string', enum: ['CatalogBackup'] },
  exportedAt: { type: 'string' },
  versions: {
    type: 'array',
    description: 'Every version of every asset, deleted ones included',
    items: objectOf({
      ...versionSchema.properties,
      domain: nullable('string'),
      name: { type: 'string' },
      doc: { ...anyObject, type: ['object', 'null'], description: 'null for a tombstone' },
    }),
  },
  audit: { type: 'array', items: auditRecordSchema },
};

/** `{documents}` (format=json), or with withHistory the full backup. */
const exportSchema = objectOf({
  documents: { type: 'array', items: anyObject, description: 'The latest version of every asset' },
  ...backupProperties,
});

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
        response: {
          200: {
            description:
              'YAML documents separated by ---; with format=json {documents}, with withHistory the full backup; with format=croissant a Croissant JSON-LD record (what it would miss in the x-croissant-issues header)',
            content: {
              'application/yaml': { schema: { type: 'string' } },
              'application/json': { schema: exportSchema },
              'application/ld+json': { schema: { ...anyObject, description: 'A Croissant 1.1 record' } },
            },
          },
          ...errorsFor(400, 403, 404),
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
          response: {
            200: objectOf(
              {
                contract: { ...anyObject, description: 'The draft ODCS v3.1.0 contract' },
                notes: { ...stringList, description: 'What to fill in or check before applying it' },
              },
              ['contract', 'notes'],
            ),
            ...errorsFor(400),
          },
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
    {
      schema: {
        summary: 'Restore a full backup (with history) into an empty catalog',
        tags: ['io'],
        response: {
          200: objectOf(
            {
              versions: { type: 'integer', description: 'Versions restored' },
              audit: { type: 'integer', description: 'Audit records restored' },
            },
            ['versions', 'audit'],
          ),
          ...errorsFor(400, 403, 409),
        },
      },
    },
    async (request) => request.charter.catalog.importBackup(request.body as CatalogBackup),
  );
}

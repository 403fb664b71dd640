/** Catalog resources: apply, list, get, describe, history, diff, delete, search. */
import type { FastifyInstance } from 'fastify';
import { type Parsed, parseManifests, parseSources, placeIssues, sourceTexts } from '../../catalog/parse.js';
import { InputError, RefusedError } from '../../model/errors.js';
import { kindListNames } from '../../model/kinds/index.js';
import type { ResponseCache } from '../response-cache.js';
import {
  anyObject,
  applyResultSchema,
  assetListItemSchema,
  assetSchema,
  errorResponses,
  errorsFor,
  fieldClassificationSchema,
  inputGateTurnSchema,
  listOf,
  nullable,
  objectOf,
  refParam,
  stringList,
  UNKNOWN_FILTER,
  versionSchema,
} from '../schemas.js';

interface ApplyBody {
  expectedVersions?: Record<string, number>;
  documents?: unknown[];
  files?: { name: string; content: string; encoding?: 'utf8' | 'base64' }[];
  dryRun?: boolean;
  domain?: string;
}

/** The JSON body's fields, checked before use: a wrong shape is the caller's mistake (400), not a crash. */
function checkBody(b: Record<string, unknown>): void {
  const problems: string[] = [];
  const isFile = (f: unknown) =>
    !!f &&
    typeof (f as { name?: unknown }).name === 'string' &&
    typeof (f as { content?: unknown }).content === 'string';
  if (b.files !== undefined && !(Array.isArray(b.files) && b.files.every(isFile)))
    problems.push('files must be an array of {name, content, encoding?} with text name and content');
  if (b.documents !== undefined && !Array.isArray(b.documents))
    problems.push('documents must be an array of manifests');
  const expected = b.expectedVersions;
  if (
    expected !== undefined &&
    (!expected ||
      typeof expected !== 'object' ||
      Array.isArray(expected) ||
      !Object.values(expected).every((v) => Number.isInteger(v) && (v as number) >= 0))
  )
    problems.push('expectedVersions must map refs to versions (whole numbers; 0: must not exist)');
  if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') problems.push('dryRun must be true or false');
  if (b.domain !== undefined && typeof b.domain !== 'string') problems.push('domain must be a domain name');
  if (problems.length) throw new InputError(`The apply body is invalid: ${problems.join('; ')}`);
}

/** The documents of an apply body, and the text of each source read from text (for issue lines). */
function parseBody(
  body: unknown,
  contentType: string | undefined,
): Parsed & { text?: (source: string) => string | undefined } {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const content = typeof body === 'string' ? body : new Uint8Array(body);
    return { ...parseManifests(content, 'request'), text: sourceTexts([{ name: 'request', content }]) };
  }
  if (Array.isArray(body))
    return { docs: body.map((doc, index) => ({ source: 'request', index, doc })), problems: [] };
  if (body && typeof body === 'object') checkBody(body as Record<string, unknown>);
  const b = body as ApplyBody | undefined;
  if (b?.files) {
    const files = b.files.map((f) => ({
      name: f.name,
      content: f.encoding === 'base64' ? new Uint8Array(Buffer.from(f.content, 'base64')) : f.content,
    }));
    return { ...parseSources(files), text: sourceTexts(files) };
  }
  if (b?.documents)
    return { docs: b.documents.map((doc, index) => ({ source: 'request', index, doc })), problems: [] };
  throw new InputError(
    `The body must be YAML or JSON manifests, or {documents: [...]} / {files: [{name, content}]} (content type ${contentType ?? 'none'})`,
  );
}

/** An owner, steward or role holder, and where it comes from. */
const principalSchema = objectOf({
  ref: { type: 'string' },
  title: { type: 'string' },
  source: { type: 'string', description: '`declared` on the asset, or the domain it is inherited from' },
});

/** A field of the asset's live document, as its kind reads it. */
const fieldSchema = objectOf({
  ref: { type: 'string' },
  position: { type: 'integer' },
  path: { type: 'string', description: 'table.column (table.parent.child for nested properties)' },
  docPath: { type: 'string', description: 'JSON path of the property in the document' },
  table: { type: 'string' },
  name: { type: 'string' },
  tags: stringList,
  terms: { ...stringList, description: 'Glossary terms the field links to' },
  logicalType: { type: 'string' },
  physicalType: { type: 'string' },
  classification: { type: 'string' },
  description: { type: 'string' },
  required: { type: 'boolean' },
});

const describeSchema = objectOf({
  asset: assetSchema,
  doc: anyObject,
  owners: { type: 'array', items: principalSchema },
  stewards: { type: 'array', items: principalSchema },
  roles: {
    type: 'object',
    additionalProperties: { type: 'array', items: principalSchema },
    description: 'Holders by role',
  },
  domainPath: { ...stringList, description: 'The domain and its ancestors, nearest first' },
  fields: { type: 'array', items: fieldSchema },
  glossary: {
    type: 'array',
    items: objectOf({ ref: { type: 'string' }, title: { type: 'string' }, definition: { type: 'string' } }),
  },
  relations: {
    type: 'array',
    items: objectOf({ type: { type: 'string' }, ref: { type: 'string' }, role: { type: 'string' } }),
  },
  versions: { type: 'array', items: versionSchema },
  classification: {
    type: 'array',
    items: fieldClassificationSchema,
    description: 'For a contract, when lineage is on: declared and inherited classification per field',
  },
  inputsGate: {
    type: 'array',
    description:
      "For a model or application: the AI-use gate's answer now for each dataset it declares as an input (each link but output, its role as the use; not recorded). restricted: the caller may not read the dataset",
    items: objectOf(
      {
        index: { type: 'integer', description: 'The link in spec.inputs' },
        dataset: { type: 'string' },
        use: { type: 'string' },
        decision: { type: 'string', enum: ['allow', 'deny', 'restricted'] },
        reasons: {
          type: 'array',
          items: objectOf(
            { check: { type: 'string' }, message: { type: 'string' }, fix: { type: 'string' } },
            ['check', 'message', 'fix'],
          ),
        },
        since: inputGateTurnSchema,
      },
      ['index', 'dataset', 'use', 'decision', 'reasons'],
    ),
  },
});

const diffSchema = objectOf({
  ref: { type: 'string' },
  from: { type: 'integer' },
  to: { type: 'integer' },
  fields: {
    type: 'array',
    description: "Changes to the contract's fields, field by field",
    items: objectOf({
      field: { type: 'string' },
      change: { type: 'string', enum: ['added', 'removed', 'changed'] },
      attributes: { ...anyObject, description: 'For a changed field: attribute → [before, after]' },
      typeChanged: { type: 'boolean' },
      classificationChanged: { type: 'boolean' },
    }),
  },
  changes: {
    type: 'array',
    description: 'Every other change, by JSON path',
    items: objectOf({
      path: { type: 'string' },
      change: { type: 'string', enum: ['added', 'removed', 'changed'] },
      before: {},
      after: {},
    }),
  },
});

/**
 * The variant of an asset's cached body: every caller allowed to read an asset gets the same body
 * (its row and manifest; clearance withholds data values, which are in quality runs, not here).
 * Anything that comes to shape the body by caller must become part of this key.
 */
const EVERY_READER = 'reader';

/** `assets` keeps serialized GET /api/v1/assets/{ref} bodies between writes (see ResponseCache). */
export function catalogRoutes(app: FastifyInstance, assets?: ResponseCache) {
  app.post(
    '/api/v1/apply',
    {
      schema: {
        summary: 'Apply manifests (YAML or JSON; one or many documents) as one atomic change',
        tags: ['catalog'],
        querystring: {
          type: 'object',
          properties: {
            dryRun: { type: 'boolean' },
            expect: {
              type: 'array',
              items: { type: 'string', pattern: '^.+@[0-9]+$' },
              description:
                'Optimistic concurrency: REF@VERSION the asset must be at (0: must not exist); 409 otherwise',
            },
            domain: { type: 'string', description: 'Domain for contracts that name none' },
          },
        },
        body: {
          description:
            'YAML/JSON text, an array of documents, or {documents} / {files: [{name, content, encoding}]}',
        },
        response: { 200: applyResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query as { dryRun?: boolean; domain?: string };
      const body = request.body as ApplyBody | undefined;
      const { text, ...parsed } = parseBody(request.body, request.headers['content-type']);
      const dryRun = query.dryRun ?? body?.dryRun ?? false;
      const domain = query.domain ?? body?.domain;
      const expected: Record<string, number> = {
        ...(body && !Array.isArray(body) ? (body.expectedVersions ?? {}) : {}),
      };
      for (const e of (request.query as { expect?: string[] }).expect ?? []) {
        const at = e.lastIndexOf('@');
        expected[e.slice(0, at)] = Number(e.slice(at + 1));
      }
      const result = await request.charter.catalog.apply({
        ...parsed,
        dryRun,
        ...(domain ? { defaultDomain: domain } : {}),
        ...(Object.keys(expected).length ? { expectedVersions: expected } : {}),
      });
      if (text) placeIssues(result.results, text);
      if (!result.applied && !result.summary.invalid) {
        const denied = result.summary.denied;
        throw new RefusedError(
          `${denied} document${denied === 1 ? ' was' : 's were'} denied by policy; nothing was stored`,
          { result },
        );
      }
      if (!result.applied) {
        const bad = result.summary.invalid;
        throw new InputError(
          `${bad} of ${result.results.length} document${result.results.length === 1 ? '' : 's'} ${bad === 1 ? 'is' : 'are'} invalid; nothing was stored`,
          { result },
        );
      }
      return result;
    },
  );

  app.get(
    '/api/v1/assets',
    {
      schema: {
        summary: 'List live assets of a kind',
        description: UNKNOWN_FILTER,
        tags: ['catalog'],
        querystring: {
          type: 'object',
          required: ['kind'],
          properties: {
            kind: {
              type: 'string',
              description: kindListNames,
            },
            domain: { type: 'string', description: 'Only this domain (NAME or domain:NAME)' },
            name: { type: 'string' },
            owner: {
              type: 'string',
              description:
                'Only assets this user or team (user:NAME, team:DOMAIN/NAME) owns or stewards, declared on the asset or inherited from its domain',
            },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: {
          200: listOf('items', assetListItemSchema),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as {
        kind: string;
        domain?: string;
        name?: string;
        owner?: string;
        limit?: number;
        offset?: number;
      };
      const items = await request.charter.catalog.list(q.kind, {
        ...(q.domain ? { domain: q.domain } : {}),
        ...(q.name ? { name: q.name } : {}),
        ...(q.owner ? { owner: q.owner } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.offset ? { offset: q.offset } : {}),
      });
      return { items };
    },
  );

  app.get(
    '/api/v1/assets/:ref',
    {
      schema: {
        summary: 'The current version of an asset: its row and its manifest',
        tags: ['catalog'],
        params: refParam,
        response: {
          200: objectOf({ asset: assetSchema, doc: anyObject }, ['asset', 'doc']),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const ref = (request.params as { ref: string }).ref;
      const { catalog, since } = request.charter;
      reply.type('application/json; charset=utf-8');
      if (!assets) return reply.send(reply.serialize(await catalog.get(ref)));
      const cached = await assets.get(ref, EVERY_READER, since);
      if (cached) {
        // The same check as a fresh read, on what the kept entry says the asset is.
        catalog.guard?.requireRead(cached.target);
        return reply.send(cached.body);
      }
      const position = assets.position;
      const found = await catalog.get(ref);
      const body = reply.serialize(found) as string;
      const { asset } = found;
      // Kept under the ref the audit log names, so a write to it drops the entry.
      if (asset.ref === ref)
        assets.put(ref, EVERY_READER, position, {
          target: { ref: asset.ref, kind: asset.kind, domain: asset.domain },
          version: asset.version,
          body,
        });
      return reply.send(body);
    },
  );

  app.get(
    '/api/v1/assets/:ref/describe',
    {
      schema: {
        summary: 'Everything about an asset: owners, stewards, fields, glossary, relations, versions',
        tags: ['catalog'],
        params: refParam,
        response: { 200: describeSchema, ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => request.charter.catalog.describe((request.params as { ref: string }).ref),
  );

  app.get(
    '/api/v1/assets/:ref/history',
    {
      schema: {
        summary: 'Every version of an asset',
        tags: ['catalog'],
        params: refParam,
        response: { 200: listOf('versions', versionSchema), ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => ({
      versions: await request.charter.catalog.history((request.params as { ref: string }).ref),
    }),
  );

  app.get(
    '/api/v1/assets/:ref/diff',
    {
      schema: {
        summary: 'Field-level differences between two versions (default: the previous and the latest)',
        tags: ['catalog'],
        params: refParam,
        querystring: {
          type: 'object',
          properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
        },
        response: { 200: diffSchema, ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query as { from?: number; to?: number };
      return request.charter.catalog.diff((request.params as { ref: string }).ref, q.from, q.to);
    },
  );

  app.delete(
    '/api/v1/assets/:ref',
    {
      schema: {
        summary: 'Delete an asset (a tombstone version; history stays)',
        tags: ['catalog'],
        params: refParam,
        response: {
          200: objectOf(
            {
              ref: { type: 'string' },
              version: { type: 'integer', description: 'The tombstone version' },
              status: { type: 'string', enum: ['deleted'] },
            },
            ['ref', 'version', 'status'],
          ),
          ...errorsFor(400, 403, 404, 409),
        },
      },
    },
    async (request) => request.charter.catalog.remove((request.params as { ref: string }).ref),
  );

  app.get(
    '/api/v1/search',
    {
      schema: {
        summary: 'Ranked full-text search over names, descriptions, fields, tags and glossary terms',
        description: UNKNOWN_FILTER,
        tags: ['catalog'],
        querystring: {
          type: 'object',
          required: ['q'],
          properties: {
            q: { type: 'string' },
            kind: { type: 'string' },
            domain: { type: 'string', description: 'Only this domain (NAME or domain:NAME)' },
            owner: {
              type: 'string',
              description:
                'Only assets this user or team owns or stewards, declared on the asset or inherited from its domain',
            },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
          },
        },
        response: {
          200: listOf(
            'hits',
            objectOf({
              ref: { type: 'string' },
              kind: { type: 'string' },
              domain: nullable('string'),
              title: { type: 'string' },
              description: { type: 'string' },
              score: { type: 'number', description: 'Higher ranks first' },
              match: { type: 'string', description: 'An excerpt with the matched words between « and »' },
            }),
          ),
          ...errorsFor(400),
        },
      },
    },
    async (request) => {
      const q = request.query as {
        q: string;
        kind?: string;
        domain?: string;
        owner?: string;
        limit?: number;
      };
      const hits = await request.charter.catalog.search(q.q, {
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.domain ? { domain: q.domain } : {}),
        ...(q.owner ? { owner: q.owner } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      });
      return { hits };
    },
  );

  app.get(
    '/api/v1/stats',
    {
      schema: {
        summary: 'Live assets per kind and domain',
        tags: ['catalog'],
        response: {
          200: listOf(
            'counts',
            objectOf({ kind: { type: 'string' }, domain: nullable('string'), count: { type: 'integer' } }),
          ),
        },
      },
    },
    async (request) => ({
      counts: await request.charter.catalog.stats(),
    }),
  );
}

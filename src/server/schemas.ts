/**
 * JSON Schemas shared by the routes, for request validation and the OpenAPI document, and what the
 * document adds to every operation at once (the Error schema, 401, the default error answer).
 */
import { ENFORCEMENTS } from '../model/kinds/policy-kind.js';
import { isPublicPath } from './request-context.js';

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['name', 'message'],
      properties: { name: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
} as const;

/** What the lists say about their filters (src/catalog/list-filters.ts), in their descriptions. */
export const UNKNOWN_FILTER =
  'A filter naming a domain, user, team or asset the catalog does not have (nor had) is answered 404 naming it (a domain: with the known domains), and 400 when it is not a name or ref of the kind the filter takes; a filter naming something that is there but matches nothing gives an empty list.';

/** The error answers a route can give, by status: `errorsFor(400, 403, 404)`. */
export function errorsFor<S extends number>(...statuses: S[]): Record<S, typeof errorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorSchema])) as Record<S, typeof errorSchema>;
}

/** A `{ref}` path parameter described for what the route takes. */
export function refParamOf(description: string) {
  return {
    type: 'object',
    required: ['ref'],
    properties: { ref: { type: 'string', description } },
  } as const;
}

export const refParam = {
  type: 'object',
  required: ['ref'],
  properties: {
    ref: { type: 'string', description: 'A ref such as dataset:payments/transactions (URL-encoded)' },
  },
} as const;

/*
 * Response schemas also serialize the answers (fast-json-stringify): it writes the properties a
 * schema lists first, `required` ones before the others, each in the schema's order, then those it
 * does not list (kept by additionalProperties: true), and coerces each value to the type declared.
 * So an answer's schema lists properties in the order the service builds them, names as `required`
 * only properties that lead the object anyway, and gives a type only where the value always has it:
 * the answer is then the JSON the service (and the CLI's -o json) gives, byte for byte.
 */

/** A value of this type, or null. */
export const nullable = (type: string, description?: string) => ({
  type: [type, 'null'],
  ...(description ? { description } : {}),
});

export const stringList = { type: 'array', items: { type: 'string' } } as const;

/** Free-form JSON as it was reported or recorded (facets, details, a draft contract, sampled rows). */
export const anyObject = { type: 'object', additionalProperties: true } as const;

/** An object answer that keeps whatever it does not list; `required` names its leading properties. */
export const objectOf = <P extends Record<string, object>>(
  properties: P,
  required: (keyof P & string)[] = [],
) =>
  ({
    type: 'object',
    additionalProperties: true,
    ...(required.length ? { required } : {}),
    properties,
  }) as const;

/** `{key: [item]}`: the lists the routes answer with. */
export const listOf = (key: string, items: object) => objectOf({ [key]: { type: 'array', items } }, [key]);

/**
 * The same properties listed in another order, for an object one service builds in two orders
 * (as it runs, and as its store reads it back).
 */
export const inOrder = <K extends string>(properties: Record<K, object>, keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, properties[key]])) as Record<K, object>;

/** An asset's row, as the store reads it. */
export const assetSchema = objectOf({
  ref: { type: 'string' },
  kind: { type: 'string' },
  domain: nullable('string'),
  name: { type: 'string' },
  uid: nullable('string', 'The contract or product id its document declares'),
  version: { type: 'integer' },
  state: { type: 'string', enum: ['live', 'deleted'] },
  digest: { type: 'string' },
  title: { type: 'string' },
  description: { type: 'string' },
  updatedAt: { type: 'string' },
  updatedBy: { type: 'string' },
});

/** An asset in a list, with the people accountable for it. */
export const assetListItemSchema = objectOf({
  ...assetSchema.properties,
  owners: {
    ...stringList,
    description:
      'Its owners: declared on it, else those of the nearest domain up its chain that declares them',
  },
  stewards: { ...stringList, description: 'Its stewards, by the same rule' },
});

/** One stored version of an asset (its document apart). */
export const versionSchema = objectOf({
  ref: { type: 'string' },
  version: { type: 'integer' },
  kind: { type: 'string' },
  state: { type: 'string', enum: ['live', 'deleted', 'pending', 'rejected', 'superseded'] },
  digest: { type: 'string' },
  createdAt: { type: 'string' },
  actor: { type: 'string' },
  action: { type: 'string' },
});

/** One record of the hash-chained audit log. */
export const auditRecordSchema = objectOf({
  seq: { type: 'integer' },
  time: { type: 'string' },
  actor: { type: 'string' },
  action: { type: 'string' },
  ref: { type: 'string' },
  version: nullable('integer'),
  beforeDigest: nullable('string'),
  afterDigest: nullable('string'),
  details: { ...anyObject, type: ['object', 'null'], description: 'What else the action recorded' },
  prevHash: { type: 'string' },
  hash: { type: 'string' },
});

/** What a policy finds wrong with an asset. */
export const violationSchema = objectOf(
  {
    policy: { type: 'string' },
    enforcement: { type: 'string', enum: [...ENFORCEMENTS] },
    asset: { type: 'string' },
    path: { type: 'string', description: 'JSON path in the manifest; empty for the asset as a whole' },
    message: { type: 'string' },
    field: { type: 'string', description: 'table.column, for a field-scope policy' },
    remediation: { type: 'string' },
    error: { type: 'string', description: 'Why the rule could not be evaluated (counts as a failure)' },
    waivedBy: { type: 'string', description: 'The active waiver that excuses it' },
  },
  ['policy', 'enforcement', 'asset', 'path', 'message'],
);

export const fieldClassificationProperties = {
  path: { type: 'string', description: 'table.column of the contract' },
  declared: nullable('string'),
  inherited: nullable('string'),
  from: { ...stringList, description: 'Upstream fields the inherited level comes from' },
  protectedBy: {
    type: 'array',
    description: 'Upstream fields whose level was not passed on, and why',
    items: objectOf({ from: { type: 'string' }, protection: { type: 'string' } }),
  },
  conflict: { type: 'boolean', description: 'The contract declares less than the field inherits' },
  declaredProtection: { type: 'string', description: 'A protection the contract declares for the field' },
} as const;

/** A contract field's classification as declared and as inherited along column lineage. */
export const fieldClassificationSchema = objectOf(fieldClassificationProperties, [
  'path',
  'declared',
  'inherited',
  'from',
  'protectedBy',
  'conflict',
]);

export const issueSchema = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    message: { type: 'string' },
    line: { type: 'integer', description: 'the line of the source text the path points at' },
  },
} as const;

/** One document of an apply: what became of it, and why. */
const documentResultProperties = {
  source: { type: 'string' },
  index: { type: 'integer' },
  line: { type: 'integer' },
  kind: { type: 'string' },
  ref: { type: 'string' },
  status: {
    type: 'string',
    enum: ['created', 'updated', 'unchanged', 'invalid', 'skipped', 'denied', 'pending'],
  },
  version: { type: 'integer' },
  issues: { type: 'array', items: issueSchema },
  warnings: { type: 'array', items: issueSchema },
  admission: {
    type: 'string',
    description: 'What admission decided for a change (absent for unchanged or invalid documents)',
  },
  violations: {
    type: 'array',
    items: anyObject,
    description: 'Policy violations admission found, waived ones included and marked',
  },
};
const applyResultProperties = {
  applied: { type: 'boolean', description: 'Stored (in a dry run: would be)' },
  dryRun: { type: 'boolean' },
  summary: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Documents by status' },
  results: { type: 'array', items: objectOf(documentResultProperties) },
};

/** POST /api/v1/apply's answer: the summary and each document's identity first. */
export const applyResultSchema = objectOf(applyResultProperties);

/** An apply's result in the order the catalog makes it, as other answers carry it. */
export const catalogApplyResultSchema = objectOf({
  ...inOrder(applyResultProperties, ['applied', 'dryRun', 'results', 'summary']),
  results: {
    type: 'array',
    items: objectOf(
      inOrder(documentResultProperties, [
        'source',
        'index',
        'status',
        'issues',
        'warnings',
        'line',
        'kind',
        'ref',
        'version',
        'admission',
        'violations',
      ]),
    ),
  },
});

export const errorResponses = {
  400: errorSchema,
  404: errorSchema,
  409: errorSchema,
  503: errorSchema,
} as const;

/** What each error status stands for, in the document (a route may give its own description). */
const ERROR_STATUSES: Record<string, string> = {
  '400': 'InputError: the request is invalid; the message says why',
  '401': 'AuthenticationError: no bearer token, or one that is unknown, expired or revoked',
  '403': 'NotAllowedError: the caller may not do this; the message names the role it needs',
  '404': 'NotFoundError: what the request names does not exist',
  '409': 'ConflictError: the request conflicts with the current state',
  '413': 'InputError: the body is larger than this operation accepts',
  '415': 'InputError: a content type this operation does not accept',
  '422': 'RefusedError: refused by policy; details carry the violations',
  '429': 'UnavailableError: too many requests are waiting; retry after Retry-After seconds',
  '503': 'UnavailableError: a service Charter needs did not answer',
  default: 'Any other error, in the same shape; one Charter did not expect is 500 InternalError',
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

interface DocumentResponse {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface DocumentOperation {
  security?: unknown[];
  responses?: Record<string, DocumentResponse>;
}
interface OpenApiDocument {
  paths?: Record<string, Record<string, DocumentOperation>>;
  components?: { schemas?: Record<string, unknown> };
}

/**
 * What every operation of the OpenAPI document shares, added once here rather than on each route:
 * the `Error` schema (routes' inline copies become references to it), `security: []` on what anyone
 * may call, 401 on every operation that needs a token (the request context refuses them all the
 * same way), a `default` error answer on the API's operations, and a description per error status.
 * Only the document changes: the routes' own response schemas still serialize their answers.
 */
export function withSharedResponses<D extends object>(document: D, options: { metricsPublic: boolean }): D {
  const doc = document as OpenApiDocument;
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Error: errorSchema } };
  const inline = JSON.stringify(errorSchema);
  const error = (description: string): DocumentResponse => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const open = isPublicPath(path, options.metricsPublic);
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      operation.responses ??= {};
      const responses = operation.responses;
      if (open) operation.security ??= [];
      else responses['401'] ??= error(ERROR_STATUSES['401']!);
      if (path.startsWith('/api/')) responses.default ??= error(ERROR_STATUSES.default!);
      for (const [status, response] of Object.entries(responses)) {
        const media = response.content?.['application/json'];
        if (media && JSON.stringify(media.schema) === inline)
          media.schema = { $ref: '#/components/schemas/Error' };
        const meaning = ERROR_STATUSES[status];
        if (meaning && (!response.description || response.description === 'Default Response'))
          response.description = meaning;
      }
    }
  }
  return document;
}

/** When, and by whose change, a model's or application's input link got the AI-use gate's answer it has now. */
export const inputGateTurnSchema = {
  ...objectOf(
    {
      time: { type: 'string', format: 'date-time' },
      actor: { type: 'string' },
      auditSeq: { type: 'integer' },
      datasetVersion: { type: ['integer', 'null'] },
      qualityRun: { type: 'string', description: 'The quality run that turned it, when one did' },
    },
    ['time', 'actor', 'auditSeq', 'datasetVersion'],
  ),
  description:
    'The change that turned this link to its answer now (its ai.input.refused or ai.input.allowed audit record), when one did since the system was applied; absent for a restricted link',
};

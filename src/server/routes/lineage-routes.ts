/**
 * Lineage and accountability over HTTP: the OpenLineage endpoint (`/api/v1/lineage`, one event as
 * the OpenLineage HTTP transport sends it, and `/api/v1/lineage/batch`, a JSON array or NDJSON),
 * the datasets lineage reported, classification propagation, trace, impact, AI outcomes,
 * scorecards and webhooks. Bodies are the same JSON the CLI prints with -o json.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { IngestGate } from '../../lineage/ingest-gate.js';
import {
  type IngestItem,
  type IngestResult,
  OUTCOME_TYPES,
  type OutcomeInput,
  SEVERITIES,
  type WebhookInput,
} from '../../lineage/lineage-api.js';
import { DEFAULT_MAX_EVENT_BYTES, type LineageService } from '../../lineage/lineage-service.js';
import { EVENT_TYPES as RUN_EVENT_TYPES } from '../../lineage/openlineage.js';
import { EVENT_TYPES as WEBHOOK_EVENT_TYPES } from '../../lineage/webhooks.js';
import { InputError } from '../../model/errors.js';
import type { DeliveryState } from '../../store/lineage-store.js';
import { errorBody } from '../errors.js';
import { actorOf } from '../request-context.js';
import {
  anyObject,
  errorSchema,
  errorsFor,
  fieldClassificationProperties,
  fieldClassificationSchema,
  listOf,
  nullable,
  refParamOf,
  stringList,
  UNKNOWN_FILTER,
} from '../schemas.js';

export interface LineageRouteOptions {
  /** Largest single event (default 1 MB; CHARTER_LINEAGE_MAX_EVENT_BYTES). */
  maxEventBytes?: number;
  /** Largest batch body (default 32 MB; CHARTER_LINEAGE_MAX_BATCH_BYTES). */
  maxBatchBytes?: number;
  /** Ingest requests stored or waiting at once before 429 (default 16; CHARTER_LINEAGE_MAX_PENDING). */
  maxPending?: number;
  gate?: IngestGate;
}

function envNumber(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? '');
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function lineageOptionsFromEnv(): LineageRouteOptions {
  return {
    maxEventBytes: envNumber('CHARTER_LINEAGE_MAX_EVENT_BYTES', DEFAULT_MAX_EVENT_BYTES),
    maxBatchBytes: envNumber('CHARTER_LINEAGE_MAX_BATCH_BYTES', 32 * 1024 * 1024),
    maxPending: envNumber('CHARTER_LINEAGE_MAX_PENDING', 16),
  };
}

const RS = String.fromCharCode(0x1e);
/** One JSON value per line: NDJSON, JSON Lines, JSON text sequences (RFC 7464). */
const LINE_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json-seq'];
const JSON_TYPES = ['application/json', ...LINE_TYPES];

function statusError(status: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode: status });
}

/** The request's media type, without parameters such as charset, in lower case. */
function mediaTypeOf(request: FastifyRequest): string {
  return String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/**
 * Route config adding to the OpenAPI document what the route does not validate with its schema: a
 * body read as text, or values the service checks itself with a message naming the allowed ones.
 * A route's swaggerTransform takes the place of a global `transform` (the app sets none; its
 * `transformObject` still runs).
 */
function documented(extra: FastifySchema) {
  return {
    swaggerTransform: ({ schema, url }: { schema: FastifySchema; url: string }) => ({
      schema: { ...schema, ...extra },
      url,
    }),
  };
}

/** Splits a batch body into items: a JSON array, or one JSON value per line (NDJSON). */
export function batchItems(body: string, ndjson: boolean): IngestItem[] {
  if (!ndjson) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      throw new InputError(`The body is not JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(value))
      throw new InputError(
        'A batch is a JSON array of OpenLineage events (or NDJSON: one event per line, content type application/x-ndjson)',
      );
    return value.map((v) => ({ value: v }));
  }
  const items: IngestItem[] = [];
  body.split('\n').forEach((line, i) => {
    // JSON text sequences (RFC 7464) start each record with RS; NDJSON has none.
    const text = (line.startsWith(RS) ? line.slice(1) : line).trim();
    if (!text) return;
    try {
      items.push({ value: JSON.parse(text), text });
    } catch (error) {
      items.push({ error: `line ${i + 1} is not JSON: ${(error as Error).message}` });
    }
  });
  return items;
}

/* The answers' schemas list properties in the order the service builds them (see schemas.ts). */

/** One node of a trace or an impact report; a node the caller may not read comes back restricted. */
const lineageRowSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['node', 'kind', 'managed', 'depth', 'role', 'via', 'job', 'asset'],
  properties: {
    node: {
      type: 'string',
      description:
        'The asset ref, namespace/name for an unmanaged dataset, or restricted:N (an id valid in this answer only) for a node the caller may not read',
    },
    kind: { type: 'string', enum: ['dataset', 'model', 'app'] },
    managed: { type: 'boolean' },
    depth: { type: 'integer', description: 'Hops from the start (jobs are not counted)' },
    role: nullable('string', 'Trace: the role of the link through which the subject depends on it'),
    via: nullable('string', 'The node it was reached from (restricted:N when that one is restricted)'),
    job: nullable('string', 'The job between them; restricted-job:N beyond a restricted node'),
    asset: {
      type: ['object', 'null'],
      additionalProperties: true,
      description:
        'Owners, stewards, domain, version, classification, quality; null for an unmanaged dataset and for a restricted node',
    },
    classificationUsed: nullable(
      'string',
      'Trace: the classification of the version used, when a link pins a version other than the current one',
    ),
    versionThen: {
      type: 'integer',
      description:
        "As of a past time (an outcome's occurredAt, a trace's ?at=), for a link that names no version: the contract's version current then, where it is not the current one",
    },
    classificationThen: nullable(
      'string',
      "With versionThen: that version's classification, where it differs from the current version's",
    ),
    qualityThen: {
      type: 'object',
      additionalProperties: true,
      description:
        "An outcome's trace: the dataset's quality status when the outcome occurred (its newest run finished by then), when that differs from asset.quality (the status at recording); a trace with ?at=: its status at that time, where it differs from now",
    },
    restricted: {
      type: 'boolean',
      description:
        'Present (true) when the caller may not read this asset: only kind, depth, role, via, domain and requestAccessFrom are shown',
    },
    domain: nullable('string', "A restricted node's domain"),
    requestAccessFrom: {
      type: 'array',
      items: { type: 'string' },
      description: "A restricted node's domain owners: whom to ask for access",
    },
  },
} as const;

const accountableSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: true,
    properties: {
      ref: { type: 'string' },
      title: { type: 'string' },
      why: { type: 'array', items: { type: 'string' } },
    },
  },
} as const;

const cyclesSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: true,
    properties: { from: { type: 'string' }, to: { type: 'string' } },
  },
} as const;

const restrictedCount = {
  type: 'integer',
  description: 'How many nodes are shown restricted (absent when the caller may read them all)',
} as const;

const traceSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    subject: { type: 'object', additionalProperties: true },
    at: { type: 'string' },
    models: { type: 'array', items: lineageRowSchema },
    datasets: { type: 'array', items: lineageRowSchema },
    jobs: { type: 'integer' },
    cycles: cyclesSchema,
    accountable: accountableSchema,
    domains: { type: 'array', items: { type: 'string' } },
    restricted: restrictedCount,
    qualityAt: {
      type: 'string',
      description:
        "With ?at=: that time, which each dataset row's qualityThen, versionThen and classificationThen refer to",
    },
    outcome: { type: 'object', additionalProperties: true, description: 'For outcome:ID, the outcome' },
  },
} as const;

const impactSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    subject: { type: 'object', additionalProperties: true },
    at: { type: 'string' },
    depth: { type: 'integer' },
    datasets: { type: 'array', items: lineageRowSchema },
    models: { type: 'array', items: lineageRowSchema },
    apps: { type: 'array', items: lineageRowSchema },
    fields: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          node: { type: 'string' },
          field: nullable('string', 'null in a restricted node'),
          depth: { type: 'integer' },
          from: { type: 'string' },
          restricted: { type: 'boolean' },
        },
      },
    },
    jobs: { type: 'integer' },
    cycles: cyclesSchema,
    notify: accountableSchema,
    domains: { type: 'array', items: { type: 'string' } },
    restricted: restrictedCount,
  },
} as const;

const conflictRowSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    ref: { type: 'string' },
    field: { type: 'string' },
    declared: nullable('string'),
    inherited: { type: 'string' },
    sources: { ...stringList, description: 'Upstream dataset#field the inherited level comes from' },
    detectedAt: { type: 'string' },
  },
} as const;

/** The OpenLineage batch answer, with what Charter recorded. */
const ingestResultSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['status', 'summary', 'failed_events', 'warnings', 'stored', 'conflicts'],
  properties: {
    status: { type: 'string', enum: ['success', 'partial_success'] },
    summary: {
      type: 'object',
      additionalProperties: true,
      properties: {
        received: { type: 'integer' },
        successful: { type: 'integer' },
        failed: { type: 'integer' },
        retriable: { type: 'integer' },
        non_retriable: { type: 'integer' },
      },
    },
    failed_events: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          index: { type: 'integer' },
          reason: { type: 'string' },
          retriable: { type: 'boolean' },
        },
      },
    },
    warnings: {
      type: 'array',
      description: 'What the lenient reader assumed, per event',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { index: { type: 'integer' }, message: { type: 'string' } },
      },
    },
    stored: {
      type: 'object',
      additionalProperties: true,
      properties: {
        events: { type: 'integer' },
        datasets: { type: 'integer' },
        managed: { ...stringList, description: 'Contracts reported, that the caller may read' },
        unmanaged: { type: 'integer' },
        jobs: { type: 'integer' },
        edges: { type: 'integer' },
        fieldEdges: { type: 'integer' },
      },
    },
    conflicts: {
      type: 'array',
      items: conflictRowSchema,
      description: 'Contract fields that now declare less than they inherit',
    },
    batch: { type: 'integer', description: 'The batch sequence number (absent when nothing was stored)' },
  },
} as const;

/** One OpenLineage event (RunEvent, JobEvent or DatasetEvent, spec 2-0-x); read leniently. */
const openLineageEventSchema = {
  type: 'object',
  additionalProperties: true,
  description:
    'An OpenLineage RunEvent, JobEvent or DatasetEvent: https://openlineage.io/spec/2-0-2/OpenLineage.json',
  properties: {
    eventType: {
      type: 'string',
      enum: RUN_EVENT_TYPES,
      description: "A RunEvent's; JobEvents and DatasetEvents have none",
    },
    eventTime: { type: 'string', description: 'Without a time zone it is read as UTC' },
    producer: { type: 'string' },
    schemaURL: { type: 'string' },
    run: { type: 'object', additionalProperties: true, properties: { runId: { type: 'string' } } },
    job: anyObject,
    inputs: { type: 'array', items: anyObject },
    outputs: { type: 'array', items: anyObject },
    dataset: { ...anyObject, description: "A DatasetEvent's dataset" },
  },
} as const;

const eventLines = {
  type: 'string',
  description: 'One OpenLineage event (JSON) per line; a JSON text sequence starts each with RS (0x1E)',
} as const;

const lineageDatasetProperties = {
  namespace: { type: 'string' },
  name: { type: 'string' },
  ref: nullable('string', 'The contract it is, or null: unmanaged, to be adopted'),
  table: { type: 'string', description: "The contract's table it is" },
  firstSeen: { type: 'integer', description: 'The batch it was first reported in' },
  lastSeen: {
    type: 'integer',
    description:
      'The batch it was last reported in, kept to within 64 batches (a dataset reported in every batch is not rewritten each time); batches are numbered in order, as in the `lineage.ingest` audit records',
  },
} as const;

const lineageDatasetSchema = {
  type: 'object',
  additionalProperties: true,
  properties: lineageDatasetProperties,
} as const;

const datasetDetailSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    ...lineageDatasetProperties,
    facets: { ...anyObject, description: 'The latest of each facet reported, by name' },
    producers: { ...stringList, description: 'Jobs writing it (namespace/name)' },
    consumers: { ...stringList, description: 'Jobs reading it (namespace/name)' },
    fields: {
      type: 'array',
      description: 'Column lineage into it',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          field: { type: 'string' },
          from: {
            type: 'string',
            description: 'The source dataset, or restricted (domain:D) when the caller may not read it',
          },
          fromField: { type: 'string' },
          protection: nullable('string'),
        },
      },
    },
    draft: { ...anyObject, description: 'For an unmanaged dataset, an ODCS v3.1.0 contract to adopt it' },
  },
} as const;

const fieldConflictSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['ref', 'path', 'declared', 'inherited', 'from', 'protectedBy', 'conflict'],
  properties: { ref: { type: 'string' }, ...fieldClassificationProperties },
} as const;

const outcomeProperties = {
  id: { type: 'string' },
  ref: { type: 'string', description: 'outcome:ID' },
  subject: { type: 'string' },
  domain: nullable('string'),
  type: { type: 'string', enum: OUTCOME_TYPES },
  severity: { type: 'string', enum: SEVERITIES },
  summary: { type: 'string' },
  details: { type: ['object', 'null'], additionalProperties: true },
  runId: nullable('string'),
  traceId: nullable('string'),
  occurredAt: { type: 'string' },
  recordedAt: { type: 'string' },
  actor: { type: 'string' },
  accountable: { ...accountableSchema, description: 'Who is accountable and why, as the caller may see it' },
  domains: stringList,
} as const;
const OUTCOME_REQUIRED = Object.keys(outcomeProperties);

const outcomeSchema = {
  type: 'object',
  additionalProperties: true,
  required: OUTCOME_REQUIRED,
  properties: outcomeProperties,
} as const;

const outcomeWithTraceSchema = {
  type: 'object',
  additionalProperties: true,
  required: [...OUTCOME_REQUIRED, 'trace'],
  properties: {
    ...outcomeProperties,
    trace: { ...traceSchema, description: 'The trace recorded with it, as the caller may see it' },
  },
} as const;

const scorecardRowSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    key: { type: 'string', description: 'A domain name, or a user or team ref' },
    title: { type: 'string' },
    assets: { type: 'integer' },
    datasets: { type: 'integer' },
    products: { type: 'integer' },
    models: { type: 'integer' },
    apps: { type: 'integer' },
    withOwnerAndSteward: { type: 'integer' },
    described: { type: 'integer' },
    classified: { type: 'integer', description: 'Datasets whose every field is classified' },
    qualityChecked: { type: 'integer' },
    passingQuality: { type: 'integer' },
    openIncidents: { type: 'integer' },
    outcomes: { type: 'integer' },
    score: {
      type: ['number', 'null'],
      description:
        'Share of the assets meeting all of: owner and steward, described, classified (datasets), passing quality (checked datasets)',
    },
  },
} as const;

const scorecardsSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['at', 'domains', 'owners', 'stewards'],
  properties: {
    at: { type: 'string' },
    domains: { type: 'array', items: scorecardRowSchema },
    owners: {
      type: 'array',
      items: scorecardRowSchema,
      description: 'Per user or team, the assets they own (declared, or inherited from a domain)',
    },
    stewards: {
      type: 'array',
      items: scorecardRowSchema,
      description: 'Per user or team, the assets they steward (declared, or inherited from a domain)',
    },
  },
} as const;

const deliverySchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    eventId: { type: 'string' },
    webhookId: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'string' },
    leaseOwner: nullable('string'),
    leaseUntil: nullable('string'),
    lastStatus: { type: ['integer', 'null'], description: "The receiver's last HTTP status" },
    lastError: nullable('string'),
    deliveredAt: nullable('string'),
    createdAt: { type: 'string' },
    eventType: nullable('string', 'The CloudEvent type, e.g. io.charter.incident.opened'),
    url: nullable('string', "The webhook's URL; null once the webhook was removed"),
  },
} as const;

const webhookSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'url', 'domain', 'events'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    domain: nullable('string', 'null: every domain'),
    events: { ...stringList, description: 'Event types sent; empty: all' },
    description: { type: 'string' },
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
    secret: { type: 'string', description: 'The signing secret: only in the answer to its creation' },
    lastDelivery: {
      anyOf: [{ type: 'null' }, deliverySchema],
      description: 'In the list: the newest delivery to this webhook (null: none yet)',
    },
  },
} as const;

/** 429 from the ingest gate, with when to retry. */
const floodSchema = {
  ...errorSchema,
  headers: { 'retry-after': { type: 'integer', description: 'Seconds to wait before retrying' } },
} as const;

const ingestMedia = (events: object) => ({
  content: {
    'application/json': { schema: events },
    ...Object.fromEntries(LINE_TYPES.map((type) => [type, { schema: eventLines }])),
  },
});

const outcomeBody = {
  type: 'object',
  required: ['subject', 'type', 'severity', 'summary'],
  additionalProperties: false,
  properties: {
    subject: { type: 'string', description: 'A model or application ref' },
    type: { type: 'string' },
    severity: { type: 'string' },
    summary: { type: 'string', description: 'One sentence saying what happened (at most 2,000 characters)' },
    details: { type: 'object' },
    runId: { type: 'string' },
    traceId: { type: 'string' },
    occurredAt: { type: 'string', description: 'ISO 8601 date-time; default now' },
  },
} as const;

const outcomeEnums = {
  type: { type: 'string', enum: OUTCOME_TYPES },
  severity: { type: 'string', enum: SEVERITIES },
} as const;

const webhookBody = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: {
      type: 'string',
      description:
        'An absolute http(s) URL of a public address (loopback, private and link-local ones only with CHARTER_WEBHOOK_ALLOW_PRIVATE=true)',
    },
    domain: { type: 'string', description: 'Only this domain and its sub-domains; leave out for all' },
    events: {
      type: 'array',
      items: { type: 'string' },
      description: 'Event types to send; leave out for all',
    },
    secret: { type: 'string', description: 'At least 16 characters; leave out to have one generated' },
    description: { type: 'string' },
  },
} as const;

const READ_RULE =
  'With access control the start must be readable by the caller (403 otherwise); a node in a domain where the caller may not read is shown restricted (docs/lineage.md, Access).';

export function lineageRoutes(
  app: FastifyInstance,
  lineage: LineageService,
  defaultActor: string,
  options: LineageRouteOptions = lineageOptionsFromEnv(),
) {
  const gate = options.gate ?? new IngestGate(options.maxPending ?? 16);
  /** Global webhooks and deliveries are the data office's; a domain's webhooks are also its owners'. */
  const ownersOf = (name: string) => ({ ref: `domain:${name}`, kind: 'Team', domain: name });
  const manageWebhooks = (request: FastifyRequest, domain: string | null) => {
    const guard = request.charter?.guard;
    if (!guard) return;
    const name = domain?.replace(/^domain:/, '');
    // What a domain's owners manage (like its teams); the data office manages everything.
    if (name) guard.requireWrite([ownersOf(name)]);
    else guard.requireDataOffice('manage webhooks for every domain');
  };
  /** The webhooks the caller manages: every one (`all`) for the data office, else its domains'. */
  const managedWebhooks = async (request: FastifyRequest, options = { lastDelivery: false }) => {
    const hooks = await lineage.webhooks(options);
    const guard = request.charter?.guard;
    if (!guard || guard.isAdmin) return { all: true, hooks };
    const mine = hooks.filter((h) => {
      const name = h.domain?.replace(/^domain:/, '');
      return name && guard.canWrite(ownersOf(name));
    });
    return { all: false, hooks: mine };
  };
  /**
   * The service as the caller, with their access: trace, impact and outcomes start only from what
   * they may read and show what they may not as restricted nodes (src/lineage/redaction.ts).
   */
  const as = (request: FastifyRequest) => lineage.as(actorOf(request, defaultActor), request.charter?.guard);
  const maxEvent = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const maxBatch = options.maxBatchBytes ?? 32 * 1024 * 1024;

  /** Stores under the flood gate: 429 with Retry-After when too many ingests are already waiting. */
  const gated = async (reply: FastifyReply, fn: () => Promise<IngestResult>) => {
    const ran = await gate.run(fn);
    if (!ran) {
      reply.header('retry-after', '1');
      return reply
        .status(429)
        .send(
          errorBody(
            'UnavailableError',
            `Charter is storing ${gate.pending} lineage requests already; nothing of this one was stored, retry it shortly`,
          ),
        );
    }
    return ran.value;
  };

  const ingestScope = async (scope: FastifyInstance) => {
    // Bodies are read as text: the events are stored as sent, and NDJSON is read line by line.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.addContentTypeParser('*', (request, _payload, done) =>
      done(
        statusError(
          415,
          `Content type '${request.headers['content-type'] ?? ''}' is not accepted for lineage; send application/json (or application/x-ndjson for a batch)`,
        ),
      ),
    );

    scope.post(
      '/api/v1/lineage',
      {
        bodyLimit: maxEvent,
        config: documented({ body: { content: { 'application/json': { schema: openLineageEventSchema } } } }),
        schema: {
          summary:
            'Ingest one OpenLineage event (RunEvent, JobEvent or DatasetEvent), as the HTTP transport sends it',
          description:
            'Lenient: an eventTime without a time zone (read as UTC), a missing producer or schemaURL, facets without _producer are accepted and reported in warnings. Facets are stored as given. 400 when the body is not an event (with why), 413 when larger than the event limit (1 MB unless CHARTER_LINEAGE_MAX_EVENT_BYTES says otherwise), 415 for other content types, 429 when too many ingests are waiting.',
          tags: ['lineage'],
          response: { 200: ingestResultSchema, ...errorsFor(400, 413, 415), 429: floodSchema },
        },
      },
      async (request, reply) => {
        const text = String(request.body ?? '');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw new InputError(`The body is not JSON: ${(error as Error).message}`);
        }
        if (Array.isArray(value))
          throw new InputError(
            'The body is an array; send one event here, or the array to /api/v1/lineage/batch',
          );
        const result = await gated(reply, () =>
          as(request).ingest([{ value, text }], { atomic: true, source: 'api', maxEventBytes: maxEvent }),
        );
        if (!('status' in result)) return result;
        if (result.status === 'failure')
          throw new InputError(
            // A batch's reasons start with what the event is not; said once here.
            `The body is not an OpenLineage event: ${result.failed_events[0]?.reason.replace(/^is not an OpenLineage event: /, '')}`,
            { failed_events: result.failed_events },
          );
        return result;
      },
    );

    scope.post(
      '/api/v1/lineage/batch',
      {
        bodyLimit: maxBatch,
        config: documented({
          body: ingestMedia({ type: 'array', items: openLineageEventSchema }),
        }),
        schema: {
          summary: 'Ingest a batch of OpenLineage events: a JSON array, or NDJSON (one event per line)',
          description:
            'The valid events are stored in one transaction; invalid ones are listed in failed_events with why (partial_success). With atomic=true nothing is stored unless every event is valid. 400 when no event is valid, 413 when larger than the batch limit (32 MB unless CHARTER_LINEAGE_MAX_BATCH_BYTES says otherwise), 415 for other content types, 429 when too many ingests are waiting.',
          tags: ['lineage'],
          querystring: {
            type: 'object',
            properties: {
              atomic: { type: 'boolean', description: 'Store nothing unless every event is valid' },
            },
          },
          response: { 200: ingestResultSchema, ...errorsFor(400, 413, 415), 429: floodSchema },
        },
      },
      async (request, reply) => {
        const items = batchItems(String(request.body ?? ''), LINE_TYPES.includes(mediaTypeOf(request)));
        if (!items.length) throw new InputError('The batch is empty; send at least one event');
        const { atomic } = request.query as { atomic?: boolean };
        const result = await gated(reply, () =>
          as(request).ingest(items, { atomic: atomic ?? false, source: 'api', maxEventBytes: maxEvent }),
        );
        if (!('status' in result)) return result;
        if (result.status === 'failure')
          throw new InputError(
            atomic && result.failed_events.length < items.length
              ? `${result.failed_events.length} of ${items.length} events are invalid; nothing was stored (atomic)`
              : `None of the ${items.length} events is valid; nothing was stored`,
            { result },
          );
        return result;
      },
    );
  };
  app.register(ingestScope);

  const tags = ['lineage'];

  /**
   * Records sent as JSON: what is not JSON is refused with 415 naming what is accepted (the app's
   * YAML and text parsers do not apply here), and a body is at most as large as one lineage event.
   */
  const recordScope = async (scope: FastifyInstance) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string' },
      scope.getDefaultJsonParser('error', 'error'),
    );
    scope.addContentTypeParser('*', (request, _payload, done) =>
      done(
        statusError(
          415,
          `Content type '${request.headers['content-type'] ?? ''}' is not accepted by ${request.method} ${request.url.split('?')[0]}; send application/json`,
        ),
      ),
    );

    scope.post(
      '/api/v1/outcomes',
      {
        bodyLimit: maxEvent,
        // The service checks type and severity, naming the allowed values; the document lists them.
        config: documented({
          body: { ...outcomeBody, properties: { ...outcomeBody.properties, ...outcomeEnums } },
        }),
        schema: {
          summary:
            'Record an AI outcome (evaluation result, complaint, harmful or wrong answer, drift); traced at once',
          description:
            'With access control the subject must be readable by the caller (403 otherwise). The body is JSON of at most the lineage event limit (1 MB unless CHARTER_LINEAGE_MAX_EVENT_BYTES says otherwise; 413 beyond).',
          tags,
          body: outcomeBody,
          response: { 201: outcomeWithTraceSchema, ...errorsFor(400, 403, 404, 413, 415) },
        },
      },
      async (request, reply) => {
        const outcome = await as(request).recordOutcome(request.body as OutcomeInput);
        return reply.status(201).send(outcome);
      },
    );

    scope.post(
      '/api/v1/webhooks',
      {
        bodyLimit: maxEvent,
        config: documented({
          body: {
            ...webhookBody,
            properties: {
              ...webhookBody.properties,
              events: {
                ...webhookBody.properties.events,
                items: { type: 'string', enum: WEBHOOK_EVENT_TYPES },
              },
            },
          },
        }),
        schema: {
          summary: 'Subscribe a URL to CloudEvents (all domains, or one domain and its sub-domains)',
          description:
            "The answer carries the signing secret once; later reads never show it. A domain's webhooks are its owners' to manage, every domain's the data office's (403 otherwise). The body is JSON of at most the lineage event limit (413 beyond).",
          tags,
          body: webhookBody,
          response: { 201: webhookSchema, ...errorsFor(400, 403, 404, 413, 415) },
        },
      },
      async (request, reply) => {
        const body = request.body as WebhookInput;
        manageWebhooks(request, body.domain ?? null);
        return reply.status(201).send(await as(request).addWebhook(body));
      },
    );
  };
  app.register(recordScope);

  app.get(
    '/api/v1/lineage/datasets',
    {
      schema: {
        summary: 'Datasets lineage reported: managed (matched to a contract) or unmanaged (to adopt)',
        tags,
        querystring: {
          type: 'object',
          properties: {
            managed: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 500 },
          },
        },
        response: { 200: listOf('datasets', lineageDatasetSchema), ...errorsFor(400) },
      },
    },
    async (request) => {
      const q = request.query as { managed?: boolean; limit?: number };
      return {
        datasets: await as(request).datasets({
          ...(q.managed !== undefined ? { managed: q.managed } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        }),
      };
    },
  );

  app.get(
    '/api/v1/lineage/datasets/detail',
    {
      schema: {
        summary:
          'One reported dataset: its facets, producers, consumers, column lineage, and a draft contract to adopt it',
        tags,
        description:
          'domain names the domain the draft contract is for (404 listing the known domains when there is no such domain).',
        querystring: {
          type: 'object',
          required: ['namespace', 'name'],
          properties: {
            namespace: { type: 'string' },
            name: { type: 'string' },
            domain: {
              type: 'string',
              description: 'The domain that will own the dataset: the draft names it (default CHANGE-ME)',
            },
          },
        },
        response: { 200: datasetDetailSchema, ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query as { namespace: string; name: string; domain?: string };
      return as(request).dataset(q.namespace, q.name, q.domain ? { domain: q.domain } : {});
    },
  );

  app.get(
    '/api/v1/lineage/classification/:ref',
    {
      schema: {
        summary: "A contract's fields: declared and inherited classification (column lineage)",
        description: 'With access control the contract must be readable by the caller (403 otherwise).',
        tags,
        params: refParamOf(
          'A dataset (data contract) ref such as dataset:payments/transactions (URL-encoded)',
        ),
        response: { 200: listOf('fields', fieldClassificationSchema), ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => ({
      fields: await as(request).classification((request.params as { ref: string }).ref),
    }),
  );

  app.get(
    '/api/v1/lineage/conflicts',
    {
      schema: {
        summary: 'Contract fields declaring a lower classification than they inherit',
        description:
          'Of every contract the caller may read, or of one (ref); with access control that one must be readable (403 otherwise).',
        tags,
        querystring: {
          type: 'object',
          properties: { ref: { type: 'string', description: 'Only this dataset (data contract) ref' } },
        },
        response: { 200: listOf('conflicts', fieldConflictSchema), ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query as { ref?: string };
      return { conflicts: await as(request).conflicts(q.ref ? { ref: q.ref } : {}) };
    },
  );

  app.get(
    '/api/v1/trace/:ref',
    {
      schema: {
        summary:
          'Trace a model, an application or an outcome (outcome:ID) upstream to every dataset and the people accountable',
        description: `${READ_RULE} A dataset is refused with 400: use impact for a dataset.`,
        tags,
        params: refParamOf(
          'A model, application or outcome ref such as model:cards/fraud-scorer, app:support/nora or outcome:ID (URL-encoded)',
        ),
        querystring: {
          type: 'object',
          properties: {
            at: {
              type: 'string',
              description:
                "A past time (ISO 8601; UTC without a time zone): each dataset row also carries its quality status then (qualityThen) and, for a link that names no version, its contract's version and classification then (versionThen, classificationThen), where they differ from now; lineage and owners are the current ones. Not for an outcome, whose trace keeps what held when it occurred. A time in the future is refused with 400.",
            },
          },
        },
        response: { 200: traceSchema, ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => {
      const { ref } = request.params as { ref: string };
      const { at } = request.query as { at?: string };
      return as(request).trace(ref, at === undefined ? {} : { at });
    },
  );

  app.get(
    '/api/v1/impact/:ref',
    {
      schema: {
        summary: 'Everything downstream of a dataset (or one field: REF#table.column) and who to tell',
        description: READ_RULE,
        tags,
        params: refParamOf(
          'A dataset, model or application ref such as dataset:payments/transactions, or the namespace/name of a dataset lineage reported that no contract describes (kafka://broker:9092/orders); REF#table.column for one field (URL-encoded)',
        ),
        querystring: {
          type: 'object',
          properties: {
            depth: { type: 'integer', minimum: 1, maximum: 100, default: 5 },
            field: { type: 'string', description: 'table.column of the dataset' },
          },
        },
        response: { 200: impactSchema, ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => {
      const { ref } = request.params as { ref: string };
      const q = request.query as { depth?: number; field?: string };
      return as(request).impact(ref, {
        ...(q.depth ? { depth: q.depth } : {}),
        ...(q.field ? { field: q.field } : {}),
      });
    },
  );

  app.get(
    '/api/v1/outcomes',
    {
      schema: {
        summary: 'Recorded outcomes, newest first',
        description: `With access control, only outcomes about a model or application the caller may read (a subject the caller may not read is refused with 403); accountable (and the accountable filter) follow the caller’s view of each trace. ${UNKNOWN_FILTER}`,
        tags,
        querystring: {
          type: 'object',
          properties: {
            subject: { type: 'string', description: 'A model or application ref' },
            accountable: { type: 'string', description: 'A user or team ref' },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 100 },
          },
        },
        response: { 200: listOf('outcomes', outcomeSchema), ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query as { subject?: string; accountable?: string; limit?: number };
      return { outcomes: await as(request).outcomes(q) };
    },
  );

  app.get(
    '/api/v1/outcomes/:id',
    {
      schema: {
        summary: 'One outcome with the trace recorded with it',
        description:
          'With access control the subject must be readable (403 otherwise); the stored trace is shown as the caller may see it.',
        tags,
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', description: 'The outcome id (or outcome:ID)' } },
        },
        response: { 200: outcomeWithTraceSchema, ...errorsFor(403, 404) },
      },
    },
    async (request) => as(request).outcome((request.params as { id: string }).id.replace(/^outcome:/, '')),
  );

  app.get(
    '/api/v1/scorecards',
    {
      schema: {
        summary: 'Scorecards per domain, per owner and per steward',
        description: UNKNOWN_FILTER,
        tags,
        querystring: {
          type: 'object',
          properties: {
            domain: { type: 'string', description: 'Only this domain and its sub-domains' },
            owner: {
              type: 'string',
              description: "Only this user's or team's rows (as owner and as steward), and no domain rows",
            },
          },
        },
        response: { 200: scorecardsSchema, ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => as(request).scorecards(request.query as { domain?: string; owner?: string }),
  );

  app.get(
    '/api/v1/webhooks',
    {
      schema: {
        summary: 'Webhook subscriptions (without their secrets)',
        description:
          "The data office sees every webhook; anyone else the webhooks of the domains they own (a domain's owners manage its webhooks).",
        tags,
        response: { 200: listOf('webhooks', webhookSchema) },
      },
    },
    async (request) => {
      return { webhooks: (await managedWebhooks(request, { lastDelivery: true })).hooks };
    },
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      schema: {
        summary: 'Remove a webhook; its pending deliveries go to the dead-letter list',
        description:
          "A domain's webhook by its owners or the data office, any other by the data office (403 otherwise).",
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            required: ['id', 'removed'],
            properties: { id: { type: 'string' }, removed: { type: 'boolean', enum: [true] } },
          },
          ...errorsFor(403, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const hook = (await lineage.webhooks({ lastDelivery: false })).find((h) => h.id === id);
      manageWebhooks(request, hook?.domain ?? null);
      return as(request).removeWebhook(id);
    },
  );

  app.post(
    '/api/v1/webhooks/:id/test',
    {
      schema: {
        summary: 'Send a test event to one webhook',
        description:
          "Queues an io.charter.webhook.test CloudEvent to this webhook alone, whatever events it subscribes to; the delivery loop sends it signed like any other, within seconds. The answer is the delivery (poll GET /api/v1/webhooks/deliveries?webhook=ID for its result). A domain's webhook by its owners or the data office, any other by the data office (403 otherwise).",
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 202: deliverySchema, ...errorsFor(403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const hook = (await lineage.webhooks({ lastDelivery: false })).find((h) => h.id === id);
      manageWebhooks(request, hook?.domain ?? null);
      const delivery = await as(request).testWebhook(id);
      return reply.status(202).send(delivery);
    },
  );

  app.get(
    '/api/v1/webhooks/deliveries',
    {
      schema: {
        summary: 'Deliveries, newest first (state=dead: the dead-letter list)',
        description:
          "The data office sees every delivery; anyone else the deliveries of the webhooks of the domains they own. A webhook id that names no webhook (nor a removed one's deliveries) is answered 404, one the caller does not manage 403.",
        tags,
        querystring: {
          type: 'object',
          properties: {
            state: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
            webhook: { type: 'string', description: 'Only the deliveries to this webhook (its id)' },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 100 },
          },
        },
        response: { 200: listOf('deliveries', deliverySchema), ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query as { state?: DeliveryState; webhook?: string; limit?: number };
      const managed = await managedWebhooks(request);
      const only = managed.all ? q : { ...q, webhooks: managed.hooks.map((h) => h.id) };
      const deliveries = await lineage.deliveries(only);
      // A webhook that is there (or was) but not the caller's: refused, not an empty list.
      if (q.webhook && !managed.all && !managed.hooks.some((h) => h.id === q.webhook))
        request.charter?.guard?.requireDataOffice("read the deliveries of another domain's webhook");
      return { deliveries };
    },
  );

  app.post(
    '/api/v1/webhooks/deliveries/:id/retry',
    {
      schema: {
        summary: 'Make a dead (or pending) delivery due again now',
        description:
          "A domain's webhook's delivery by the domain's owners or the data office, any other by the data office (403 otherwise); 404 for a delivery that is not there or already delivered, 409 when its webhook was removed.",
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            required: ['id', 'state'],
            properties: { id: { type: 'string' }, state: { type: 'string', enum: ['pending'] } },
          },
          ...errorsFor(403, 404, 409),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const managed = await managedWebhooks(request);
      if (!managed.all) {
        const webhook = await lineage.deliveryWebhook(id);
        // Another domain's delivery (or a global webhook's) is the data office's to retry.
        if (webhook !== undefined && !managed.hooks.some((h) => h.id === webhook))
          request.charter?.guard?.requireDataOffice("retry a delivery to another domain's webhook");
      }
      return as(request).retryDelivery(id);
    },
  );
}

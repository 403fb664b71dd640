/**
 * Lineage and accountability over HTTP: the OpenLineage endpoint (`/api/v1/lineage`, one event as
 * the OpenLineage HTTP transport sends it, and `/api/v1/lineage/batch`, a JSON array or NDJSON),
 * the datasets lineage reported, classification propagation, trace, impact, AI outcomes,
 * scorecards and webhooks. Bodies are the same JSON the CLI prints with -o json.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IngestGate } from '../../lineage/ingest-gate.js';
import type { IngestItem, IngestResult, OutcomeInput, WebhookInput } from '../../lineage/lineage-api.js';
import { DEFAULT_MAX_EVENT_BYTES, type LineageService } from '../../lineage/lineage-service.js';
import { InputError } from '../../model/errors.js';
import type { DeliveryState } from '../../store/lineage-store.js';
import { errorBody } from '../errors.js';
import { actorOf } from '../request-context.js';
import { errorResponses, errorSchema, refParam } from '../schemas.js';

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
const JSON_TYPES = ['application/json', 'application/x-ndjson', 'application/jsonl', 'application/json-seq'];

function statusError(status: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode: status });
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

const nullable = (type: string, description?: string) => ({
  type: [type, 'null'],
  ...(description ? { description } : {}),
});

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
  const manageWebhooks = (request: FastifyRequest, domain: string | null) => {
    const guard = request.charter?.guard;
    if (!guard) return;
    const name = domain?.replace(/^domain:/, '');
    // What a domain's owners manage (like its teams); the data office manages everything.
    if (name) guard.requireWrite([{ ref: `domain:${name}`, kind: 'Team', domain: name }]);
    else guard.requireDataOffice('manage webhooks for every domain');
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
        schema: {
          summary:
            'Ingest one OpenLineage event (RunEvent, JobEvent or DatasetEvent), as the HTTP transport sends it',
          description:
            'Lenient: an eventTime without a time zone (read as UTC), a missing producer or schemaURL, facets without _producer are accepted and reported in warnings. Facets are stored as given. 400 when the body is not an event (with why), 413 when larger than the event limit, 415 for other content types, 429 when too many ingests are waiting.',
          tags: ['lineage'],
          response: { 400: errorResponses[400], 503: errorResponses[503] },
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
          as(request).ingest([{ value, text }], { atomic: true, source: 'api' }),
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
        schema: {
          summary: 'Ingest a batch of OpenLineage events: a JSON array, or NDJSON (one event per line)',
          description:
            'The valid events are stored in one transaction; invalid ones are listed in failed_events with why (partial_success). With atomic=true nothing is stored unless every event is valid. 400 when no event is valid.',
          tags: ['lineage'],
          querystring: {
            type: 'object',
            properties: {
              atomic: { type: 'boolean', description: 'Store nothing unless every event is valid' },
            },
          },
          response: { 400: errorResponses[400], 503: errorResponses[503] },
        },
      },
      async (request, reply) => {
        const type = String(request.headers['content-type'] ?? '');
        const ndjson = !type.startsWith('application/json') || type.startsWith('application/json-seq');
        const items = batchItems(String(request.body ?? ''), ndjson);
        if (!items.length) throw new InputError('The batch is empty; send at least one event');
        const { atomic } = request.query as { atomic?: boolean };
        const result = await gated(reply, () =>
          as(request).ingest(items, { atomic: atomic ?? false, source: 'api' }),
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
        querystring: {
          type: 'object',
          required: ['namespace', 'name'],
          properties: { namespace: { type: 'string' }, name: { type: 'string' } },
        },
        response: errorResponses,
      },
    },
    async (request) => {
      const q = request.query as { namespace: string; name: string };
      return as(request).dataset(q.namespace, q.name);
    },
  );

  app.get(
    '/api/v1/lineage/classification/:ref',
    {
      schema: {
        summary: "A contract's fields: declared and inherited classification (column lineage)",
        tags,
        params: refParam,
        response: errorResponses,
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
        tags,
        querystring: { type: 'object', properties: { ref: { type: 'string' } } },
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
        description: READ_RULE,
        tags,
        params: refParam,
        response: { 200: traceSchema, 403: errorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { ref } = request.params as { ref: string };
      return as(request).trace(ref);
    },
  );

  app.get(
    '/api/v1/impact/:ref',
    {
      schema: {
        summary: 'Everything downstream of a dataset (or one field: REF#table.column) and who to tell',
        description: READ_RULE,
        tags,
        params: refParam,
        querystring: {
          type: 'object',
          properties: {
            depth: { type: 'integer', minimum: 1, maximum: 100, default: 5 },
            field: { type: 'string', description: 'table.column of the dataset' },
          },
        },
        response: { 200: impactSchema, 403: errorSchema, ...errorResponses },
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

  app.post(
    '/api/v1/outcomes',
    {
      schema: {
        summary:
          'Record an AI outcome (evaluation result, complaint, harmful or wrong answer, drift); traced at once',
        tags,
        body: {
          type: 'object',
          required: ['subject', 'type', 'severity', 'summary'],
          additionalProperties: false,
          properties: {
            subject: { type: 'string', description: 'A model or application ref' },
            type: { type: 'string' },
            severity: { type: 'string' },
            summary: { type: 'string' },
            details: { type: 'object' },
            runId: { type: 'string' },
            traceId: { type: 'string' },
            occurredAt: { type: 'string' },
          },
        },
        response: { 201: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const outcome = await as(request).recordOutcome(request.body as OutcomeInput);
      return reply.status(201).send(outcome);
    },
  );

  app.get(
    '/api/v1/outcomes',
    {
      schema: {
        summary: 'Recorded outcomes, newest first',
        description:
          'With access control, only outcomes about a model or application the caller may read; accountable (and the accountable filter) follow the caller’s view of each trace.',
        tags,
        querystring: {
          type: 'object',
          properties: {
            subject: { type: 'string' },
            accountable: { type: 'string', description: 'A user or team ref' },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 100 },
          },
        },
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
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 403: errorSchema, ...errorResponses },
      },
    },
    async (request) => as(request).outcome((request.params as { id: string }).id.replace(/^outcome:/, '')),
  );

  app.get(
    '/api/v1/scorecards',
    {
      schema: {
        summary: 'Scorecards per domain and per owner',
        tags,
        querystring: {
          type: 'object',
          properties: {
            domain: { type: 'string', description: 'Only this domain and its sub-domains' },
            owner: { type: 'string', description: 'Only this user or team' },
          },
        },
        response: errorResponses,
      },
    },
    async (request) => lineage.scorecards(request.query as { domain?: string; owner?: string }),
  );

  app.post(
    '/api/v1/webhooks',
    {
      schema: {
        summary: 'Subscribe a URL to CloudEvents (all domains, or one domain and its sub-domains)',
        description: 'The answer carries the signing secret once; later reads never show it.',
        tags,
        body: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: {
            url: { type: 'string' },
            domain: { type: 'string' },
            events: { type: 'array', items: { type: 'string' } },
            secret: { type: 'string' },
            description: { type: 'string' },
          },
        },
        response: { 201: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as WebhookInput;
      manageWebhooks(request, body.domain ?? null);
      return reply.status(201).send(await as(request).addWebhook(body));
    },
  );

  app.get(
    '/api/v1/webhooks',
    { schema: { summary: 'Webhook subscriptions (without their secrets)', tags } },
    async (request) => {
      manageWebhooks(request, null);
      return { webhooks: await lineage.webhooks() };
    },
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      schema: {
        summary: 'Remove a webhook; its pending deliveries go to the dead-letter list',
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: errorResponses,
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const hook = (await lineage.webhooks()).find((h) => h.id === id);
      manageWebhooks(request, hook?.domain ?? null);
      return as(request).removeWebhook(id);
    },
  );

  app.get(
    '/api/v1/webhooks/deliveries',
    {
      schema: {
        summary: 'Deliveries, newest first (state=dead: the dead-letter list)',
        tags,
        querystring: {
          type: 'object',
          properties: {
            state: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
            webhook: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 100 },
          },
        },
      },
    },
    async (request) => {
      manageWebhooks(request, null);
      const q = request.query as { state?: DeliveryState; webhook?: string; limit?: number };
      return { deliveries: await lineage.deliveries(q) };
    },
  );

  app.post(
    '/api/v1/webhooks/deliveries/:id/retry',
    {
      schema: {
        summary: 'Make a dead (or pending) delivery due again now',
        tags,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: errorResponses,
      },
    },
    async (request) => {
      manageWebhooks(request, null);
      return as(request).retryDelivery((request.params as { id: string }).id);
    },
  );
}

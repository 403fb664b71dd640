/**
 * The OpenAPI document against the server it describes, with token authentication on: every
 * operation declares its success answer with a schema (JSON, or text with its media type), every
 * operation that needs a token declares 401 and is answered 401 without one, errors share one Error
 * schema. For the lineage routes: the declared answers serialize everything the service returns, in
 * its order; a batch is read by its content type's family (a JSON array, or one event per line);
 * outcomes and webhooks take JSON only (415 naming it otherwise) and no larger than one lineage
 * event (413). For the quality, AI, scan, catalog, audit, export and import, policy, access and
 * system routes, over the demo organisation: each answer is byte for byte what its handler gave, so
 * the response schemas that serialize it leave nothing out, reorder nothing and change no type.
 */
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import { OUTCOME_TYPES, SEVERITIES } from '../src/lineage/lineage-api.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import type { SqlStore } from '../src/store/sql/sql-store.js';
import { fixture, ndjson, orgYaml } from './lineage-support.js';
import { guardedApp, tokensFor } from './support/guarded-app.js';
import { authorizeAt, freshPkce, startTestIssuer } from './support/oidc-issuer.js';
import { repoRoot } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const enc = encodeURIComponent;
const events = fixture('events.ndjson').trim().split('\n');
const ERROR_REF = { $ref: '#/components/schemas/Error' };
const TOO_LARGE = { name: 'InputError', message: 'The request body is larger than this server accepts' };

interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Record<string, unknown> }>;
}
interface Operation {
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; description?: string }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, { enum?: string[] }> } }> };
  responses: Record<string, Response>;
}
interface Document {
  info: { description: string };
  security: unknown[];
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

/**
 * The same answer made twice differs only in when it was made (a report's `at`) and in a draft
 * contract's new id.
 */
const remade = (json: string) =>
  json.replace(/"at":"[^"]+"/g, '"at":"-"').replace(/("draft":\{[^{]*?"id":)"[^"]+"/g, '$1"-"');

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`the OpenAPI document and the server on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let app: FastifyInstance;
    let spec: Document;
    const tokens: Record<string, string> = {};

    const operations = () =>
      Object.entries(spec.paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => ({
          key: `${method.toUpperCase()} ${path}`,
          method,
          path,
          op,
        })),
      );
    const operation = (method: string, path: string) => spec.paths[path]![method.toLowerCase()]!;
    const send = (
      who: string | null,
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      payload?: string,
      type = 'application/json',
    ) =>
      app.inject({
        method,
        url,
        headers: {
          ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
          ...(payload !== undefined ? { 'content-type': type } : {}),
        },
        ...(payload !== undefined ? { payload } : {}),
      });
    /** The answer's status is one the operation declares. */
    const expectDeclared = (res: LightMyRequestResponse, method: string, path: string) =>
      expect(
        Object.keys(operation(method, path).responses),
        `${method} ${path} → ${res.statusCode}`,
      ).toContain(String(res.statusCode));

    beforeAll(async () => {
      handle = await factory.create();
      platform = createPlatform(handle.store, { actor: 'user:setup' });
      const applied = await platform.catalog.apply(parseSources([{ name: 'org.yaml', content: orgYaml }]));
      expect(applied.applied).toBe(true);
      expect((await platform.lineage.ingest(ndjson(fixture('events.ndjson')), {})).status).toBe('success');
      Object.assign(tokens, await tokensFor(platform, ['ada', 'alice']));
      app = await guardedApp(platform);
      spec = (await app.inject({ url: '/openapi.json' })).json() as Document;
    });
    afterAll(async () => {
      await app?.close();
      await handle?.dispose();
    });

    it('declares a success answer with a schema for every operation', () => {
      expect(operations().filter((o) => o.path.startsWith('/api/v1/')).length).toBeGreaterThan(50);
      const success = (op: Operation) =>
        Object.entries(op.responses).find(([status]) => /^2/.test(status))?.[1];
      expect(
        operations()
          .filter((o) => !success(o.op))
          .map((o) => o.key),
      ).toEqual([]);
      // Each answer names its media types, each with a schema: a JSON one an object or a list, a
      // text one (YAML, Markdown, metrics) a string.
      const undescribed = operations().flatMap(({ key, op }) => {
        const media = Object.entries(success(op)?.content ?? {});
        if (!media.length) return [`${key}: no media type`];
        return media
          .filter(([type, { schema }]) =>
            /[/+]json$/.test(type)
              ? !['object', 'array'].includes(String(schema?.type))
              : schema?.type !== 'string',
          )
          .map(([type]) => `${key} ${type}`);
      });
      expect(undescribed).toEqual([]);
      const media = (method: string, path: string) =>
        Object.keys(success(operation(method, path))?.content ?? {});
      expect(media('GET', '/metrics')).toEqual(['text/plain']);
      expect(media('GET', '/api/v1/export')).toEqual([
        'application/yaml',
        'application/json',
        'application/ld+json',
      ]);
      expect(media('GET', '/api/v1/context/{ref}')).toEqual(['application/json', 'text/markdown']);
      expect(media('GET', '/healthz')).toEqual(['application/json']);
    });

    it('declares 401 wherever a token is needed, and the server answers 401 there without one', async () => {
      expect(spec.security).toEqual([{ bearer: [] }]);
      let secured = 0;
      for (const { key, method, path, op } of operations()) {
        const url = path.replace(/\{[^}]+\}/g, 'x');
        const res = await app.inject({ method: method.toUpperCase() as 'GET', url });
        if (op.security && op.security.length === 0) {
          // Anyone may call it: the server lets it through.
          expect(res.statusCode, `${key} → ${res.body}`).not.toBe(401);
          continue;
        }
        secured++;
        expect(op.responses['401']?.content?.['application/json']?.schema, key).toEqual(ERROR_REF);
        expect(res.statusCode, `${key} → ${res.body}`).toBe(401);
        expect(res.json().error.name, key).toBe('AuthenticationError');
      }
      expect(secured).toBeGreaterThan(50);
      expect(operation('GET', '/healthz').security).toEqual([]);
    });

    it('describes every error with one Error schema, and a default error on every API operation', () => {
      expect(spec.components.schemas.Error).toMatchObject({
        type: 'object',
        properties: { error: { required: ['name', 'message'] } },
      });
      expect(spec.info.description).toMatch(/InternalError/);
      for (const { key, path, op } of operations()) {
        if (!path.startsWith('/api/')) continue;
        expect(op.responses.default?.content?.['application/json']?.schema, key).toEqual(ERROR_REF);
        for (const [status, response] of Object.entries(op.responses)) {
          if (!/^[45]/.test(status)) continue;
          expect(response.content?.['application/json']?.schema, `${key} ${status}`).toEqual(ERROR_REF);
          expect(response.description, `${key} ${status}`).not.toBe('Default Response');
        }
      }
    });

    it('documents what the lineage routes take: media types, body limits, the values the service checks', () => {
      const media = (method: string, path: string) =>
        Object.keys(operation(method, path).requestBody?.content ?? {});
      expect(media('POST', '/api/v1/lineage')).toEqual(['application/json']);
      expect(media('POST', '/api/v1/lineage/batch')).toEqual([
        'application/json',
        'application/x-ndjson',
        'application/jsonl',
        'application/json-seq',
      ]);
      for (const path of ['/api/v1/lineage', '/api/v1/lineage/batch']) {
        expect(Object.keys(operation('POST', path).responses)).toEqual(
          expect.arrayContaining(['200', '400', '401', '413', '415', '429']),
        );
        expect(operation('POST', path).responses['429']?.headers).toHaveProperty('retry-after');
      }
      for (const path of ['/api/v1/outcomes', '/api/v1/webhooks']) {
        expect(media('POST', path)).toEqual(['application/json']);
        expect(Object.keys(operation('POST', path).responses)).toEqual(
          expect.arrayContaining(['201', '400', '401', '403', '413', '415']),
        );
      }
      const outcome = operation('POST', '/api/v1/outcomes').requestBody!.content['application/json']!.schema;
      expect(outcome.properties?.type?.enum).toEqual([...OUTCOME_TYPES]);
      expect(outcome.properties?.severity?.enum).toEqual([...SEVERITIES]);
      const ref = (path: string) =>
        operation('GET', path).parameters?.find((p) => p.name === 'ref')?.description;
      expect(ref('/api/v1/trace/{ref}')).not.toMatch(/dataset:/);
      expect(ref('/api/v1/impact/{ref}')).toMatch(/namespace\/name/);
    });

    it('answers with everything the service returns, in its order', async () => {
      const lineage = platform.lineage;
      const datasets = await lineage.datasets({});
      const features = datasets.find((d) => d.ref === 'dataset:risk/features')!;
      const hook = await send(
        'ada',
        'POST',
        '/api/v1/webhooks',
        JSON.stringify({ url: 'https://hooks.example.com/h' }),
      );
      expect(hook.statusCode, hook.body).toBe(201);
      const recorded = await send(
        'ada',
        'POST',
        '/api/v1/outcomes',
        JSON.stringify({
          subject: 'app:support/helper',
          type: 'harmful_answer',
          severity: 'critical',
          summary: 'Quoted a card number',
          details: { channel: 'chat', turns: [1, 2], nested: { deep: true } },
          runId: 'r-1',
        }),
      );
      expect(recorded.statusCode, recorded.body).toBe(201);
      const outcome = recorded.json() as { id: string; ref: string };
      expect(recorded.json()).toEqual(JSON.parse(JSON.stringify(await lineage.outcome(outcome.id))));
      expect(hook.json()).toEqual({
        ...(await lineage.webhooks({ lastDelivery: false }))[0],
        secret: expect.any(String),
      });
      const answers: [string, unknown][] = [
        ['/api/v1/lineage/datasets', { datasets }],
        [
          `/api/v1/lineage/datasets/detail?namespace=${enc(features.namespace)}&name=${enc(features.name)}`,
          await lineage.dataset(features.namespace, features.name),
        ],
        [
          `/api/v1/lineage/datasets/detail?namespace=${enc('kafka://broker:9092')}&name=payments.authorised`,
          await lineage.dataset('kafka://broker:9092', 'payments.authorised'),
        ],
        [
          `/api/v1/lineage/classification/${enc('dataset:risk/features')}`,
          { fields: await lineage.classification('dataset:risk/features') },
        ],
        ['/api/v1/lineage/conflicts', { conflicts: await lineage.conflicts({}) }],
        [`/api/v1/trace/${enc('app:support/helper')}`, await lineage.trace('app:support/helper')],
        [`/api/v1/trace/${enc(outcome.ref)}`, await lineage.trace(outcome.ref)],
        [
          `/api/v1/impact/${enc('dataset:payments/transactions')}`,
          await lineage.impact('dataset:payments/transactions'),
        ],
        [
          `/api/v1/impact/${enc('kafka://broker:9092/payments.authorised')}`,
          await lineage.impact('kafka://broker:9092/payments.authorised'),
        ],
        ['/api/v1/outcomes', { outcomes: await lineage.outcomes({}) }],
        [`/api/v1/outcomes/${outcome.id}`, await lineage.outcome(outcome.id)],
        ['/api/v1/scorecards', await lineage.scorecards({})],
        ['/api/v1/webhooks', { webhooks: await lineage.webhooks() }],
        ['/api/v1/webhooks/deliveries', { deliveries: await lineage.deliveries({}) }],
      ];
      // What the reports hold, so that a dropped field would show.
      expect((answers[4]![1] as { conflicts: unknown[] }).conflicts).toHaveLength(1);
      expect((answers[13]![1] as { deliveries: unknown[] }).deliveries).toHaveLength(1);
      for (const [url, expected] of answers) {
        const res = await send('ada', 'GET', url);
        expect(res.statusCode, `${url} → ${res.body}`).toBe(200);
        expect(remade(res.body), url).toBe(remade(JSON.stringify(expected)));
      }
    });

    it('reads a batch by the family of its content type: a JSON array, or one event per line', async () => {
      const lines = events.join('\n');
      for (const [type, body] of [
        ['application/json', `[${events.join(',')}]`],
        ['application/json; charset=utf-8', `[${events.join(',')}]`],
        ['application/x-ndjson', lines],
        ['application/jsonl', lines],
        ['application/jsonl; charset=utf-8', lines],
        ['application/json-seq', events.map((e) => `\u001e${e}`).join('\n')],
      ] as const) {
        const res = await send('ada', 'POST', '/api/v1/lineage/batch', body, type);
        expect(res.statusCode, `${type} → ${res.body}`).toBe(200);
        expect(res.json(), type).toMatchObject({
          status: 'success',
          summary: { received: events.length, successful: events.length },
        });
      }
      const notArray = await send('ada', 'POST', '/api/v1/lineage/batch', lines, 'application/json');
      expect(notArray.statusCode).toBe(400);
      expectDeclared(notArray, 'POST', '/api/v1/lineage/batch');
    });

    it('refuses an outcome or a webhook larger than one lineage event with 413, recording nothing', async () => {
      const before = (await platform.lineage.outcomes({ limit: 5000 })).length;
      const outcome = {
        subject: 'model:risk/fraud-scorer',
        type: 'evaluation',
        severity: 'info',
        summary: 'Weekly evaluation',
      };
      const huge = await send(
        'ada',
        'POST',
        '/api/v1/outcomes',
        JSON.stringify({ ...outcome, details: { blob: 'x'.repeat(2 * 1024 * 1024) } }),
      );
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error).toEqual(TOO_LARGE);
      expectDeclared(huge, 'POST', '/api/v1/outcomes');
      expect(await platform.lineage.outcomes({ limit: 5000 })).toHaveLength(before);
      const fits = await send(
        'ada',
        'POST',
        '/api/v1/outcomes',
        JSON.stringify({ ...outcome, details: { blob: 'x'.repeat(200 * 1024) } }),
      );
      expect(fits.statusCode, fits.body).toBe(201);
      expect(fits.json().details.blob).toHaveLength(200 * 1024);
      const hooks = (await platform.lineage.webhooks()).length;
      const hook = await send(
        'ada',
        'POST',
        '/api/v1/webhooks',
        JSON.stringify({ url: 'https://hooks.example.com/big', description: 'x'.repeat(2 * 1024 * 1024) }),
      );
      expect(hook.statusCode).toBe(413);
      expect(hook.json().error).toEqual(TOO_LARGE);
      expectDeclared(hook, 'POST', '/api/v1/webhooks');
      expect(await platform.lineage.webhooks()).toHaveLength(hooks);
    });

    it('takes outcomes and webhooks as JSON only, answering 415 with what they accept', async () => {
      const outcome = JSON.stringify({
        subject: 'model:risk/fraud-scorer',
        type: 'drift',
        severity: 'low',
        summary: 'Scores drifted',
      });
      for (const [path, body] of [
        ['/api/v1/outcomes', outcome],
        ['/api/v1/webhooks', JSON.stringify({ url: 'https://hooks.example.com/typed' })],
      ] as const) {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/yaml']) {
          const res = await send('ada', 'POST', path, body, type);
          expect(res.statusCode, `${path} ${type} → ${res.body}`).toBe(415);
          expect(res.json().error).toEqual({
            name: 'InputError',
            message: `Content type '${type}' is not accepted by POST ${path}; send application/json`,
          });
          expectDeclared(res, 'POST', path);
        }
        const json = await send('ada', 'POST', path, body, 'application/json; charset=utf-8');
        expect(json.statusCode, json.body).toBe(201);
        expectDeclared(json, 'POST', path);
      }
      // Access still decides after the content type: alice may not read the support assistant.
      const denied = await send(
        'alice',
        'POST',
        '/api/v1/outcomes',
        JSON.stringify({ subject: 'app:support/helper', type: 'complaint', severity: 'low', summary: 'x' }),
      );
      expect(denied.statusCode).toBe(403);
      expectDeclared(denied, 'POST', '/api/v1/outcomes');
    });
  });
}

const MEMBERS = 'dataset:customer/loyalty-members';
const CALLBACK = 'http://127.0.0.1:8080/sign-in/callback';

const CUSTOMER_VIEWER = `apiVersion: charter/v1
kind: Domain
metadata: { name: customer }
spec: { title: Customer, owners: [user:chloe], stewards: [user:devi], viewers: [user:kemi] }
`;

/**
 * Watches what route handlers give Fastify to send, before a response schema serializes it: the
 * body a route without a schema answers (JSON.stringify). Every reply inherits `send` from
 * Fastify's Reply prototype; a throwaway instance's reply leads to it.
 */
async function watchSends(): Promise<MockInstance<(payload: unknown) => unknown>> {
  const probe = Fastify();
  let reply: object = {};
  probe.get('/', async (_request, r) => {
    reply = r;
    return {};
  });
  await probe.inject({ url: '/' });
  await probe.close();
  let owner = reply;
  while (!Object.hasOwn(owner, 'send')) owner = Object.getPrototypeOf(owner);
  return vi.spyOn(owner as { send: (payload: unknown) => unknown }, 'send');
}

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`answers over the demo organisation on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let app: FastifyInstance;
    let sends: MockInstance<(payload: unknown) => unknown>;
    const dataRoot = process.env.CHARTER_DATA_ROOT;
    const tokens: Record<string, string> = {};

    /**
     * The answer, checked to be byte for byte what the handler gave: a response schema that left a
     * property out, reordered one or changed its type would show here. A text answer (YAML, metrics,
     * a JSON-LD record) is the handler's text. A text body is sent as `type`; `who` null sends no
     * token.
     */
    const answer = async (
      who: string | null,
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      body?: object | string,
      { type, via = app }: { type?: string; via?: FastifyInstance } = {},
    ) => {
      sends.mockClear();
      const res = await via.inject({
        method,
        url,
        headers: {
          ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
          ...(type ? { 'content-type': type } : {}),
        },
        ...(body !== undefined ? { payload: body } : {}),
      });
      expect(res.statusCode, `${method} ${url} → ${res.body}`).toBe(200);
      expect(sends.mock.calls.length, url).toBeGreaterThan(0);
      const given = sends.mock.calls[0]![0];
      expect(res.body, `${method} ${url}`).toBe(typeof given === 'string' ? given : JSON.stringify(given));
      return typeof given === 'string' ? res.body : res.json();
    };
    /** Applies manifests as `who` (the apply answer's own order is checked elsewhere). */
    const apply = async (who: string, body: object | string, type = 'application/json') => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': type },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };

    beforeAll(async () => {
      // The demo organisation and its data files (local servers resolve inside the data root).
      process.env.CHARTER_DATA_ROOT = join(repoRoot, 'examples');
      handle = await factory.create();
      platform = createPlatform(handle.store, { actor: 'user:demo-loader' });
      const applied = await platform.catalog.apply(
        parseSources(readManifestFiles([join(repoRoot, 'examples', 'org')])),
      );
      expect(applied.applied).toBe(true);
      // kemi may read the customer domain, below its confidential data: runs without their samples.
      const viewer = await platform.catalog.apply(
        parseSources([{ name: 'viewer.yaml', content: CUSTOMER_VIEWER }]),
      );
      expect(viewer.applied).toBe(true);
      Object.assign(tokens, await tokensFor(platform, ['ada', 'ben', 'chloe', 'kemi']));
      app = await guardedApp(platform);
      sends = await watchSends();
    });
    afterAll(async () => {
      sends?.mockRestore();
      if (dataRoot === undefined) delete process.env.CHARTER_DATA_ROOT;
      else process.env.CHARTER_DATA_ROOT = dataRoot;
      await app?.close();
      await handle?.dispose();
    });

    it('answers quality runs, scores and incidents as the service gives them', async () => {
      const report = await answer('ada', 'POST', '/api/v1/quality/runs', { domain: 'customer', samples: 2 });
      const customers = report.runs.find((r: { ref: string }) => r.ref === 'dataset:customer/customers');
      // What the answers hold, so that a dropped property would show.
      expect(customers.checks.some((c: { samples?: unknown[] }) => c.samples?.length)).toBe(true);
      expect(customers.checks.some((c: { message?: string }) => c.message)).toBe(true);
      const partial = await answer('ada', 'POST', '/api/v1/quality/runs', {
        ref: 'dataset:customer/customers',
        dimensions: ['uniqueness'],
        filter: "country_code = 'DE'",
      });
      expect(partial.runs[0].scope).toBeDefined();
      for (const id of [customers.id, partial.runs[0].id]) {
        const run = await answer('ada', 'GET', `/api/v1/quality/runs/${id}`);
        expect(run.checks.length).toBeGreaterThan(0);
      }
      const withheld = await answer('kemi', 'GET', `/api/v1/quality/runs/${customers.id}`);
      expect(withheld.samplesWithheld).toBeDefined();
      await answer('ada', 'GET', `/api/v1/quality/runs?ref=${enc('dataset:customer/customers')}`);
      for (const ref of ['dataset:customer/customers', 'domain:customer', 'user:chloe'])
        await answer('ada', 'GET', `/api/v1/quality/scores/${enc(ref)}`);
      const incidents = await answer('ada', 'GET', '/api/v1/incidents?state=all');
      expect(incidents.length).toBeGreaterThan(0);
      await answer('ada', 'GET', `/api/v1/incidents/${incidents[0].id}`);
    });

    it('answers AI-use decisions, context and readiness as the service gives them', async () => {
      const denied = await answer('ada', 'POST', '/api/v1/ai/decisions', {
        dataset: 'dataset:customer/customers',
        use: 'training',
        purpose: 'dpv:FraudPreventionAndDetection',
      });
      expect(denied.reasons[0].path).toBeDefined();
      const allowed = await answer('ada', 'POST', '/api/v1/ai/decisions', {
        dataset: 'dataset:support/kb-articles',
        use: 'rag_retrieval',
        for: 'app:support/nora',
      });
      expect(allowed.decision).toBe('allow');
      expect((await answer('ada', 'GET', '/api/v1/ai/decisions')).decisions).toHaveLength(2);
      for (const { id } of [denied, allowed]) await answer('ada', 'GET', `/api/v1/ai/decisions/${id}`);
      // The systems and what the gate says of their inputs; a model's description with the same.
      const systems = await answer('ada', 'GET', '/api/v1/ai/systems');
      expect(systems.systems.some((x: { refused: number }) => x.refused > 0)).toBe(true);
      const model = await answer('ada', 'GET', `/api/v1/assets/${enc('app:support/nora')}/describe`);
      expect(model.inputsGate.some((g: { reasons: unknown[] }) => g.reasons.length)).toBe(true);
      // The customers' context after a failing run names its open incident.
      await answer('ada', 'POST', '/api/v1/quality/runs', { ref: 'dataset:customer/customers' });
      const customers = await answer('ada', 'GET', `/api/v1/context/${enc('dataset:customer/customers')}`);
      expect(customers.quality.openIncident).not.toBeNull();
      expect(customers.glossary.length).toBeGreaterThan(0);
      const product = await answer(
        'ada',
        'GET',
        `/api/v1/context/${enc('product:support/support-knowledge')}`,
      );
      expect(product.datasets.length).toBeGreaterThan(0);
      const md = await app.inject({
        url: `/api/v1/context/${enc('dataset:customer/customers')}?format=md`,
        headers: { authorization: `Bearer ${tokens.ada}` },
      });
      expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(md.body).toMatch(/^# /);
      for (const ref of [
        'dataset:support/kb-articles',
        'product:support/support-knowledge',
        'domain:support',
      ]) {
        const readiness = await answer('ada', 'GET', `/api/v1/ai/readiness/${enc(ref)}`);
        expect(readiness.improvements.length).toBeGreaterThan(0);
      }
    });

    it('answers scans and their suggestions as the service gives them', async () => {
      const settlements = 'dataset:payments/settlements';
      const scan = () => answer('ada', 'POST', '/api/v1/scan', { ref: settlements, sample: 100 });
      const decide = (id: string, verb: 'accept' | 'dismiss', body?: object) =>
        answer('ada', 'POST', `/api/v1/scan/suggestions/${id}/${verb}`, body);
      const first = await scan();
      expect(first.fields.some((f: { detections: unknown[] }) => f.detections.length)).toBe(true);
      expect(first.suggestions).toHaveLength(1);
      const dismissed = await decide(first.suggestions[0].id, 'dismiss', { reason: 'a test' });
      expect(dismissed.decidedBy).toBe('user:ada');
      const second = await scan();
      const listed = await answer('ada', 'GET', `/api/v1/scan/suggestions?state=all&ref=${enc(settlements)}`);
      expect(listed.suggestions).toHaveLength(2);
      const accepted = await decide(second.suggestions[0].id, 'accept');
      expect(accepted.suggestion.acceptedVersion).toBe(2);
      expect(accepted.apply.results[0].violations.length).toBeGreaterThan(0);
      // Nothing left to propose: the accepted scan applies nothing.
      const again = await answer('ada', 'POST', '/api/v1/scan', {
        ref: settlements,
        sample: 100,
        accept: true,
      });
      expect(again).toMatchObject({ scan: { ref: settlements }, apply: null });
    });

    it('answers catalog reads, changes and deletes as the catalog gives them', async () => {
      const listed = await answer('ada', 'GET', '/api/v1/assets?kind=dataset&domain=customer');
      expect(listed.items.every((a: { uid: string | null }) => a.uid)).toBe(true);
      // Each with its owners and stewards (the domain's, where a contract names none).
      expect(
        listed.items.every(
          (a: { owners: string[]; stewards: string[] }) => a.owners.length && a.stewards.length,
        ),
      ).toBe(true);
      await answer('kemi', 'GET', '/api/v1/assets?kind=domain&limit=3&offset=1');
      const refs = [MEMBERS, 'domain:customer', 'user:ada', 'charter:northwind', 'product:customer/loyalty'];
      for (const ref of refs) {
        // The schema serialized this answer (and the cache keeps it): it is the catalog's JSON.
        const read = await app.inject({
          url: `/api/v1/assets/${enc(ref)}`,
          headers: { authorization: `Bearer ${tokens.ada}` },
        });
        expect(read.body, ref).toBe(JSON.stringify(await platform.catalog.get(ref)));
        await answer('ada', 'GET', `/api/v1/assets/${enc(ref)}/history`);
      }
      // What the descriptions hold, so that a dropped property would show.
      const members = await answer('ada', 'GET', `/api/v1/assets/${enc(MEMBERS)}/describe`);
      expect(members.classification.length).toBeGreaterThan(0);
      expect(
        members.fields.some((f: { required?: boolean; terms: string[] }) => f.required && f.terms.length),
      ).toBe(true);
      expect(members.owners[0].source).toBe('declared');
      const domain = await answer('ada', 'GET', `/api/v1/assets/${enc('domain:customer')}/describe`);
      expect(domain.relations.some((r: { role?: string }) => r.role)).toBe(true);
      const charter = await answer('ada', 'GET', `/api/v1/assets/${enc('charter:northwind')}/describe`);
      expect(Object.keys(charter.roles).length).toBeGreaterThan(0);
      await answer('kemi', 'GET', `/api/v1/assets/${enc('product:customer/loyalty')}/describe`);

      // A new version: a field described anew, one added, one dropped, and the contract deprecated.
      const { doc } = await platform.catalog.get(MEMBERS);
      const next = structuredClone(doc) as {
        status: string;
        schema: { properties: Record<string, unknown>[] }[];
      };
      const fields = next.schema[0]!.properties;
      fields[0]!.description = 'The loyalty programme membership key.';
      fields.pop();
      fields.push({ ...fields[2], name: 'tier_before', description: 'The tier before the last change.' });
      next.status = 'deprecated';
      await apply('ada', { documents: [next] });
      const diff = await answer('ada', 'GET', `/api/v1/assets/${enc(MEMBERS)}/diff`);
      expect(diff.fields.map((f: { change: string }) => f.change).sort()).toEqual([
        'added',
        'changed',
        'removed',
      ]);
      expect(diff.changes).toContainEqual({
        path: 'status',
        change: 'changed',
        before: 'active',
        after: 'deprecated',
      });
      await answer('ada', 'GET', `/api/v1/assets/${enc(MEMBERS)}/diff?from=1&to=1`);

      const found = await answer('ada', 'GET', '/api/v1/search?q=loyalty');
      expect(found.hits.some((h: { domain: string | null }) => h.domain === null)).toBe(true);
      await answer('kemi', 'GET', '/api/v1/search?q=email&kind=dataset&domain=customer&limit=5');
      const stats = await answer('ada', 'GET', '/api/v1/stats');
      expect(stats.counts.some((c: { domain: string | null }) => c.domain === null)).toBe(true);
      await answer('kemi', 'GET', '/api/v1/stats');
      const segments = 'dataset:customer/customer-segments';
      expect(await answer('ada', 'DELETE', `/api/v1/assets/${enc(segments)}`)).toEqual({
        ref: segments,
        version: 2,
        status: 'deleted',
      });
      await answer('ada', 'GET', `/api/v1/assets/${enc(segments)}/history`);
    });

    it('answers policy explanations, tests, compliance, approvals and waivers as governance gives them', async () => {
      const explain = (ref: string) => answer('ada', 'GET', `/api/v1/policies/explain?ref=${enc(ref)}`);
      // A field left undescribed: a warning its owner may store.
      const { doc } = await platform.catalog.get(MEMBERS);
      const undescribed = structuredClone(doc) as { schema: { properties: Record<string, unknown>[] }[] };
      delete undescribed.schema[0]!.properties[1]!.description;
      expect((await apply('chloe', { documents: [undescribed] })).results[0].admission).toBe(
        'admitted-with-warnings',
      );
      const explained = await explain(MEMBERS);
      const failing = explained.policies.find((p: { result?: string }) => p.result === 'fail');
      expect(failing.violations[0]).toMatchObject({
        field: expect.any(String),
        remediation: expect.any(String),
      });
      expect(explained.policies.some((p: { applies?: boolean }) => p.applies === false)).toBe(true);
      await explain('domain:customer');
      const tested = await answer('ada', 'POST', '/api/v1/policies/test', {});
      expect(tested.results.some((r: { violations: { field?: string }[] }) => r.violations[0]?.field)).toBe(
        true,
      );
      const compliance = await answer('ada', 'GET', '/api/v1/compliance');
      expect(compliance.failing[0].violations.length).toBeGreaterThan(0);
      await answer('ada', 'GET', '/api/v1/compliance?limit=0');
      await answer('kemi', 'GET', '/api/v1/compliance?domain=customer&offset=1&limit=2');

      // A deprecated contract made active again waits for the data office: approved once, refused once.
      const reactivate = async () => {
        const { doc } = await platform.catalog.get(MEMBERS);
        await apply('chloe', { documents: [{ ...doc, status: 'deprecated' }] });
        const applied = await apply('chloe', { documents: [{ ...doc, status: 'active' }] });
        expect(applied.results[0].status).toBe('pending');
      };
      await reactivate();
      const approved = await answer('ada', 'POST', `/api/v1/approvals/${enc(MEMBERS)}/approve`, {
        reason: 'The programme relaunches',
      });
      expect(approved).toMatchObject({ state: 'approved', write: { ref: MEMBERS } });
      await reactivate();
      const open = await answer('ada', 'GET', '/api/v1/approvals?state=open&type=change');
      expect(open.approvals).toHaveLength(1);
      await answer('ben', 'POST', `/api/v1/approvals/${open.approvals[0].id}/reject`, { reason: 'Not yet' });

      // Waivers asked for by the owner, one granted and one (for a field) refused by the data office.
      const waiver = (name: string, field = '') =>
        `apiVersion: charter/v1\nkind: Waiver\nmetadata: {name: ${name}, domain: customer}\nspec: {policy: "${failing.policy}", asset: "${MEMBERS}", ${field}reason: Next quarter, expires: "2999-01-01T00:00:00Z"}\n`;
      await apply('chloe', waiver('later'), 'application/yaml');
      await apply('chloe', waiver('tier', 'field: loyalty_members.tier, '), 'application/yaml');
      const requested = await answer('ada', 'GET', '/api/v1/waivers');
      expect(requested.waivers.map((w: { state: string }) => w.state)).toEqual(['requested', 'requested']);
      await answer('ada', 'POST', `/api/v1/waivers/${enc('waiver:customer/later')}/approve`, {});
      await answer('ben', 'POST', `/api/v1/waivers/${enc('waiver:customer/tier')}/reject`, { reason: 'No' });
      const decided = await answer('ada', 'GET', '/api/v1/waivers');
      expect(decided.waivers.find((w: { field?: string }) => w.field)?.state).toBe('rejected');
      const approvals = await answer('ada', 'GET', '/api/v1/approvals');
      expect(approvals.approvals.map((a: { type: string }) => a.type).sort()).toEqual([
        'change',
        'change',
        'waiver',
        'waiver',
      ]);
      const waived = await explain(MEMBERS);
      const excused = waived.policies.find((p: { policy: string }) => p.policy === failing.policy);
      expect(excused.result).toBe('waived');
      expect(excused.violations[0].waivedBy).toBe('waiver:customer/later');
    });

    it('answers sign-in, who the caller is and API tokens as access control gives them', async () => {
      expect(await answer(null, 'GET', '/api/v1/auth')).toEqual({
        methods: { pickUser: false, tokens: true, oidc: null },
      });
      expect(await answer('chloe', 'GET', '/api/v1/whoami')).toEqual({
        actor: 'user:chloe',
        title: 'Chloé Martin',
        dataOffice: false,
        readableDomains: ['customer'],
      });
      const made = await answer('ada', 'POST', '/api/v1/tokens', {
        for: 'user:devi',
        name: 'ci',
        expires: '30d',
      });
      expect(made.info.expiresAt).not.toBeNull();
      await answer('chloe', 'POST', '/api/v1/tokens', { for: 'user:chloe' });
      await answer('chloe', 'GET', '/api/v1/tokens');
      const revoked = await answer('ada', 'DELETE', `/api/v1/tokens/${made.info.id}`);
      expect(revoked.revokedBy).toBe('user:ada');
      const devi = await answer('ada', 'GET', '/api/v1/tokens?for=user%3Adevi');
      expect(devi.tokens[0].revokedAt).not.toBeNull();
      await answer('ada', 'GET', '/api/v1/tokens');

      // Single sign-on, against an issuer on loopback, and one that is down.
      const up = await startTestIssuer();
      const down = await startTestIssuer();
      down.down = true;
      const apps: FastifyInstance[] = [];
      try {
        for (const issuer of [up, down]) {
          const oidc = {
            issuer: issuer.issuer,
            clientId: issuer.clientId,
            clientSecret: issuer.clientSecret,
          };
          apps.push(await guardedApp(createPlatform(handle.store, { actor: 'user:demo-loader', oidc })));
        }
        const [sso, unavailable] = apps as [FastifyInstance, FastifyInstance];
        const info = await answer(null, 'GET', '/api/v1/auth', undefined, { via: sso });
        expect(info.methods.oidc.authorizationEndpoint).toBe(`${up.issuer}/authorize`);
        const pkce = freshPkce();
        const back = await authorizeAt(up, 'ada.lindqvist@northwind.example', pkce, CALLBACK);
        const exchange = {
          code: back.searchParams.get('code'),
          codeVerifier: pkce.verifier,
          redirectUri: CALLBACK,
          nonce: pkce.nonce,
        };
        const signedIn = await answer(null, 'POST', '/api/v1/auth/oidc', exchange, { via: sso });
        expect(signedIn).toMatchObject({ actor: 'user:ada', title: 'Ada Lindqvist' });
        tokens.sso = signedIn.token;
        expect(await answer('sso', 'GET', '/api/v1/whoami', undefined, { via: sso })).toEqual({
          actor: 'user:ada',
          title: 'Ada Lindqvist',
          dataOffice: true,
          readableDomains: null,
        });
        const none = await answer(null, 'GET', '/api/v1/auth', undefined, { via: unavailable });
        expect(none.methods.oidc).toMatchObject({ authorizationEndpoint: null, problem: expect.any(String) });
      } finally {
        for (const each of apps) await each.close();
        await up.close();
        await down.close();
      }
    });

    // Last: it changes the store behind Charter's back.
    it('answers health, metrics, exports, imports, the audit log and its verification as given', async () => {
      expect(await answer(null, 'GET', '/healthz')).toEqual({ status: 'ok', store: factory.name });
      // A receiver and an outcome, so that there is a delivery to count.
      await platform.lineage.addWebhook({ url: 'https://hooks.example.com/kpi' });
      await platform.lineage.recordOutcome({
        subject: 'app:support/nora',
        type: 'wrong_answer',
        severity: 'high',
        summary: 'Quoted last year’s refund policy',
      });
      const metrics: string = await answer('ada', 'GET', '/metrics');
      expect(metrics).toMatch(/^# HELP /);
      // The governance KPIs say what the API lists: open incidents per domain, outcomes per type and
      // severity, deliveries per state.
      const series = (name: string) =>
        Object.fromEntries(
          [...metrics.matchAll(new RegExp(`^${name}\\{(.*)\\} (\\d+)$`, 'gm'))].map((m) => [
            m[1],
            Number(m[2]),
          ]),
        );
      const tally = (labels: string[]) => {
        const out: Record<string, number> = {};
        for (const l of labels) out[l] = (out[l] ?? 0) + 1;
        return out;
      };
      const open = await answer('ada', 'GET', '/api/v1/incidents?limit=5000');
      expect(open.length).toBeGreaterThan(0);
      expect(series('charter_quality_incidents_open')).toEqual(
        tally(open.map((i: { domain: string | null }) => `domain="${i.domain ?? ''}"`)),
      );
      const outcomes = (await answer('ada', 'GET', '/api/v1/outcomes?limit=5000')).outcomes;
      expect(outcomes.length).toBeGreaterThan(0);
      expect(series('charter_ai_outcomes')).toEqual(
        tally(
          outcomes.map(
            (o: { type: string; severity: string }) => `type="${o.type}",severity="${o.severity}"`,
          ),
        ),
      );
      const deliveries = (await answer('ada', 'GET', '/api/v1/webhooks/deliveries?limit=5000')).deliveries;
      expect(deliveries.length).toBeGreaterThan(0);
      expect(series('charter_webhook_deliveries')).toEqual({
        'state="pending"': 0,
        'state="delivered"': 0,
        'state="dead"': 0,
        ...tally(deliveries.map((d: { state: string }) => `state="${d.state}"`)),
      });
      expect(await answer('ada', 'GET', '/api/v1/export?domain=customer')).toMatch(/^apiVersion: /);
      await answer('kemi', 'GET', '/api/v1/export?format=json&kind=dataset');
      const backup = await answer('ada', 'GET', '/api/v1/export?withHistory=true');
      expect(backup.versions.length).toBeGreaterThan(0);
      expect(backup.audit.length).toBeGreaterThan(0);
      const record = await answer(
        'ada',
        'GET',
        `/api/v1/export?format=croissant&ref=${enc('dataset:support/kb-articles')}`,
      );
      const draft = await answer('ada', 'POST', '/api/v1/import/croissant?domain=support', record, {
        type: 'application/ld+json',
      });
      expect(draft.notes.length).toBeGreaterThan(0);
      // The backup restores into an empty catalog.
      const empty = await factory.create();
      try {
        const fresh = createPlatform(empty.store, { actor: 'user:restorer' });
        const restorer = await buildApp({ catalog: fresh.catalog, governance: fresh.governance });
        const restored = await answer(null, 'POST', '/api/v1/import/backup', backup, { via: restorer });
        expect(restored).toEqual({ versions: backup.versions.length, audit: backup.audit.length });
        await restorer.close();
      } finally {
        await empty.dispose();
      }

      const audit = await answer('ada', 'GET', '/api/v1/audit?limit=10000');
      expect(
        audit.records.some((r: { details: { violations?: unknown[] } | null }) => r.details?.violations),
      ).toBe(true);
      await answer('kemi', 'GET', `/api/v1/audit?ref=${enc(MEMBERS)}&after=1`);
      expect(await answer('ada', 'GET', '/api/v1/audit/verify')).toMatchObject({ intact: true });
      // Changed in the database, not through Charter: a stored document, then an audit record.
      const db = (handle.store as SqlStore).db;
      const term = 'glossary:customer/consent';
      await db.updateTable('versions').set({ doc: '{}' }).where('ref', '=', term).execute();
      expect(await answer('ada', 'GET', '/api/v1/audit/verify')).toMatchObject({
        intact: false,
        brokenVersion: `${term}@1`,
      });
      await db.updateTable('audit_log').set({ actor: 'user:mallory' }).where('seq', '=', 2).execute();
      expect(await answer('ada', 'GET', '/api/v1/audit/verify')).toMatchObject({
        intact: false,
        brokenAt: 2,
      });
    });
  });
}

/**
 * The lineage API in-process on both stores: the OpenLineage endpoint as the HTTP transport uses it
 * (one event, a batch as JSON or NDJSON), what it answers to bad input (400 with why, 413, 415, 429
 * under a flood with nothing half-stored), trace, impact, outcomes, scorecards, webhooks, describe,
 * and the `lineage` variable a charter policy uses to deny a contract declaring less than it inherits.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { IngestGate } from '../src/lineage/ingest-gate.js';
import { buildApp } from '../src/server/app.js';
import { handleError } from '../src/server/errors.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { lineageRoutes } from '../src/server/routes/lineage-routes.js';
import { lineageStoreFor } from '../src/store/sql/sql-lineage-store.js';
import { fixture, orgYaml } from './lineage-support.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const enc = encodeURIComponent;
const events = fixture('events.ndjson').trim().split('\n');

const classificationPolicy = `apiVersion: charter/v1
kind: Policy
metadata: {name: classification-covers-lineage}
spec:
  match: {kinds: [DataContract]}
  rule: lineage.conflicts.size() == 0
  message: "{{ref}} declares a lower classification than it inherits along column lineage"
  remediation: Classify the field at least as high as its sources, or declare the protecting transformation.
  enforcement: deny
  tests:
    - {name: no lineage, input: {kind: DataContract}, expect: pass}
    - name: inherits more
      input: {kind: DataContract}
      context: {lineage: {fields: {}, conflicts: [{field: t.email_domain, declared: internal, inherited: confidential}]}}
      expect: fail
`;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`lineage API on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let app: FastifyInstance;

    beforeEach(async () => {
      handle = await factory.create();
      platform = createPlatform(handle.store, { actor: 'user:ada' });
      const applied = await platform.catalog.apply(parseSources([{ name: 'org.yaml', content: orgYaml }]));
      expect(applied.applied).toBe(true);
      app = await buildApp({
        catalog: platform.catalog,
        governance: platform.governance,
        lineage: platform.lineage,
      });
    });
    afterEach(async () => {
      await app.close();
      await handle.dispose();
    });

    const post = (url: string, payload: string, type = 'application/json', actor = 'user:pipeline') =>
      app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': type, 'x-charter-actor': actor },
      });

    it('takes one event as the OpenLineage HTTP transport sends it, lenient about what it lacks', async () => {
      const res = await post('/api/v1/lineage', events[0]!);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'success', batch: 1, stored: { events: 1, edges: 2 } });
      const lax = JSON.parse(events[0]!);
      lax.eventTime = '2026-01-10T02:00:00';
      delete lax.producer;
      lax.run.runId = '0193f4a2-0000-7000-8000-0000000000aa';
      const res2 = await post('/api/v1/lineage', JSON.stringify(lax));
      expect(res2.statusCode).toBe(200);
      expect(res2.json().warnings).toEqual([
        { index: 0, message: 'eventTime has no time zone; it was read as UTC' },
        { index: 0, message: 'producer is missing' },
      ]);
      const stored = await lineageStoreFor(handle.store).events({});
      expect(stored.map((e) => [e.eventTime, e.producer, e.notes.length])).toEqual([
        ['2026-01-10T02:00:00.000Z', 'https://github.com/acme/pipelines', 0],
        ['2026-01-10T02:00:00.000Z', null, 2],
      ]);
      // The event is kept as sent.
      expect(JSON.parse(stored[1]!.body)).toEqual(lax);
      const audit = await app.inject({ url: '/api/v1/audit?ref=lineage' });
      expect(audit.json().records.map((r: { actor: string }) => r.actor)).toEqual([
        'user:pipeline',
        'user:pipeline',
      ]);
    });

    it('answers what is not an event with 400 and why, a wrong content type with 415, too large with 413', async () => {
      const notJson = await post('/api/v1/lineage', '{"eventTime": ');
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json().error.message).toMatch(/^The body is not JSON: /);
      const notEvent = await post(
        '/api/v1/lineage',
        JSON.stringify({ eventTime: '2026-01-01T00:00:00Z', foo: 1 }),
      );
      expect(notEvent.statusCode).toBe(400);
      expect(notEvent.json().error).toMatchObject({
        name: 'InputError',
        message:
          'The body is not an OpenLineage event: it has neither run and job (RunEvent), job (JobEvent) nor dataset (DatasetEvent)',
      });
      const badRun = JSON.parse(events[0]!);
      badRun.run.runId = 'run-1';
      const res = await post('/api/v1/lineage', JSON.stringify(badRun));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toBe(
        'The body is not an OpenLineage event: run.runId is required and must be a UUID (e.g. 3f5e83fa-3480-44ff-99c5-ff943904e5e8)',
      );
      const yaml = await post('/api/v1/lineage', 'eventTime: now', 'application/yaml');
      expect(yaml.statusCode).toBe(415);
      expect(yaml.json().error.message).toBe(
        "Content type 'application/yaml' is not accepted for lineage; send application/json (or application/x-ndjson for a batch)",
      );
      const array = await post('/api/v1/lineage', `[${events[0]}]`);
      expect(array.statusCode).toBe(400);
      expect(array.json().error.message).toMatch(
        /send one event here, or the array to \/api\/v1\/lineage\/batch/,
      );
      // Nested deeper than any facet goes: refused with why, not a failure further in.
      const deep = events[0]!.replace(
        '"job":{',
        `"job":{"facets":{"deep":${'{"x":'.repeat(5000)}true${'}'.repeat(5000)}},`,
      );
      const tooDeep = await post('/api/v1/lineage', deep);
      expect(tooDeep.statusCode).toBe(400);
      expect(tooDeep.json().error.message).toBe(
        "The body is not an OpenLineage event: its objects and arrays nest more than 64 levels deep; an event's facets need far fewer",
      );
      const big = JSON.parse(events[0]!);
      big.run.facets = { padding: { text: 'x'.repeat(1024 * 1024) } };
      const tooBig = await post('/api/v1/lineage', JSON.stringify(big));
      expect(tooBig.statusCode).toBe(413);
      expect(await lineageStoreFor(handle.store).countEvents()).toBe(0);
      // A long name (an unmanaged dataset's, here) still fits in a path once encoded.
      const long = `exports.${'daily_card_authorisations_by_merchant_'.repeat(4)}v2`;
      const reported = JSON.parse(events[0]!);
      reported.run.runId = '0193f4a2-0000-7000-8000-0000000000bb';
      reported.outputs[0].name = long;
      expect((await post('/api/v1/lineage', JSON.stringify(reported))).statusCode).toBe(200);
      const path = `/api/v1/impact/${enc(`${reported.outputs[0].namespace}/${long}`)}`;
      expect(path.length).toBeGreaterThan(200);
      const longImpact = await app.inject({ url: path });
      expect(longImpact.statusCode, longImpact.body).toBe(200);
      expect(longImpact.json().subject.node).toBe(`${reported.outputs[0].namespace}/${long}`);
    });

    it('takes a batch as a JSON array or NDJSON, stores the valid events in one transaction and lists the others', async () => {
      const ndjson = await post(
        '/api/v1/lineage/batch',
        `${events.join('\n')}\nnot json\n`,
        'application/x-ndjson',
      );
      expect(ndjson.statusCode).toBe(200);
      const body = ndjson.json();
      expect(body.status).toBe('partial_success');
      expect(body.summary).toEqual({ received: 3, successful: 2, failed: 1, retriable: 0, non_retriable: 1 });
      expect(body.failed_events[0]).toMatchObject({ index: 2, retriable: false });
      expect(body.failed_events[0].reason).toMatch(/^line 3 is not JSON/);
      expect(body.conflicts).toHaveLength(1);
      const array = await post('/api/v1/lineage/batch', `[${events.join(',')}]`);
      expect(array.json()).toMatchObject({ status: 'success', summary: { received: 2, successful: 2 } });
      const atomic = await post('/api/v1/lineage/batch?atomic=true', `[${events[0]}, {"job": {}}]`);
      expect(atomic.statusCode).toBe(400);
      expect(atomic.json().error.message).toBe('1 of 2 events are invalid; nothing was stored (atomic)');
      const none = await post('/api/v1/lineage/batch', '[{}, 3]');
      expect(none.statusCode).toBe(400);
      expect(none.json().error.details.result.failed_events.map((f: { reason: string }) => f.reason)).toEqual(
        [
          'is not an OpenLineage event: it has neither run and job (RunEvent), job (JobEvent) nor dataset (DatasetEvent)',
          'is not an OpenLineage event: expected a JSON object, got a number',
        ],
      );
      expect(await lineageStoreFor(handle.store).countEvents()).toBe(4);
    });

    it('holds every event of a batch to the configured event limit, as it holds a single event', async () => {
      const small = Fastify();
      small.setErrorHandler(handleError);
      lineageRoutes(small, platform.lineage, 'user:api', { maxEventBytes: 4096 });
      await small.ready();
      const padded = JSON.parse(events[0]!);
      padded.run.facets = { padding: { text: 'x'.repeat(5000) } };
      const single = await small.inject({
        method: 'POST',
        url: '/api/v1/lineage',
        payload: JSON.stringify(padded),
        headers: { 'content-type': 'application/json' },
      });
      expect(single.statusCode).toBe(413);
      const batch = await small.inject({
        method: 'POST',
        url: '/api/v1/lineage/batch',
        payload: `${JSON.stringify(padded)}\n${events[1]}`,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(batch.statusCode).toBe(200);
      expect(batch.json()).toMatchObject({
        status: 'partial_success',
        failed_events: [{ index: 0, reason: 'is 6 KB; an event may be at most 4 KB', retriable: false }],
      });
      await small.close();
    });

    it('refuses with 429 when the ingest queue is full, storing nothing of the refused request', async () => {
      // The lineage routes with a gate of one slot, held here as if another batch were waiting for the write lock.
      const gate = new IngestGate(1);
      const small = Fastify();
      small.setErrorHandler(handleError);
      lineageRoutes(small, platform.lineage, 'user:api', { gate });
      await small.ready();
      expect(gate.tryAcquire()).toBe(true);
      const refused = await small.inject({
        method: 'POST',
        url: '/api/v1/lineage/batch',
        payload: events.join('\n'),
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json().error.name).toBe('UnavailableError');
      expect(await lineageStoreFor(handle.store).countEvents()).toBe(0);
      gate.release();
      const accepted = await small.inject({
        method: 'POST',
        url: '/api/v1/lineage/batch',
        payload: events.join('\n'),
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(accepted.statusCode).toBe(200);
      expect(await lineageStoreFor(handle.store).countEvents()).toBe(2);
      expect(gate.pending).toBe(0);
      await small.close();
    });

    it('a flood of concurrent batches is stored whole or refused whole', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(
            '/api/v1/lineage/batch',
            events
              .map((e) =>
                e.replace(/000000000001"|000000000002"/, `0000000001${String(i).padStart(2, '0')}"`),
              )
              .join('\n'),
            'application/x-ndjson',
          ),
        ),
      );
      const accepted = results.filter((r) => r.statusCode === 200).length;
      expect(results.every((r) => r.statusCode === 200 || r.statusCode === 429)).toBe(true);
      expect(await lineageStoreFor(handle.store).countEvents()).toBe(accepted * 2);
    });

    it('traces, finds impact, records outcomes and scores over HTTP with the JSON the CLI prints', async () => {
      await post('/api/v1/lineage/batch', events.join('\n'), 'application/x-ndjson');
      const trace = await app.inject({ url: `/api/v1/trace/${enc('app:support/helper')}` });
      expect(trace.statusCode).toBe(200);
      expect(trace.json().datasets.map((d: { node: string }) => d.node)).toEqual([
        'dataset:support/kb',
        'dataset:risk/features',
        'dataset:payments/transactions',
        'kafka://broker:9092/payments.authorised',
      ]);
      // A ref written into the path as it is spans two segments: the 404 names the encoded path.
      const raw = await app.inject({ url: '/api/v1/trace/app:support/helper' });
      expect(raw.statusCode).toBe(404);
      expect(raw.json().error.message).toBe(
        'No route GET /api/v1/trace/app:support/helper; a ref in a path is one segment, URL-encoded: GET /api/v1/trace/app%3Asupport%2Fhelper',
      );
      const rawDescribe = await app.inject({ url: '/api/v1/assets/dataset:risk/features/describe' });
      expect(rawDescribe.json().error.message).toMatch(
        /URL-encoded: GET \/api\/v1\/assets\/dataset%3Arisk%2Ffeatures\/describe$/,
      );
      expect((await app.inject({ url: '/api/v1/nothing/here' })).json().error.message).toBe(
        'No route GET /api/v1/nothing/here',
      );
      // A ref without a domain is one segment already: nothing to suggest.
      expect((await app.inject({ url: '/api/v1/assets/user:ada/bogus' })).json().error.message).toBe(
        'No route GET /api/v1/assets/user:ada/bogus',
      );
      const notTraceable = await app.inject({ url: `/api/v1/trace/${enc('dataset:support/kb')}` });
      expect(notTraceable.statusCode).toBe(400);
      const impact = await app.inject({
        url: `/api/v1/impact/${enc('dataset:payments/transactions')}?depth=1`,
      });
      expect(impact.json().models.map((m: { node: string }) => m.node)).toEqual(['model:risk/fraud-scorer']);
      expect(impact.json().apps).toEqual([]);
      const field = await app.inject({
        url: `/api/v1/impact/${enc('dataset:payments/transactions')}?field=transactions.customer_email`,
      });
      expect(field.json().fields.map((f: { field: string }) => f.field)).toEqual(['email_domain']);
      const missing = await app.inject({ url: `/api/v1/impact/${enc('dataset:payments/nothing')}` });
      expect(missing.statusCode).toBe(404);
      const recorded = await app.inject({
        method: 'POST',
        url: '/api/v1/outcomes',
        payload: {
          subject: 'model:risk/fraud-scorer',
          type: 'wrong_answer',
          severity: 'high',
          summary: 'Legitimate payments declined',
        },
        headers: { 'x-charter-actor': 'user:dan' },
      });
      expect(recorded.statusCode).toBe(201);
      const o = recorded.json();
      expect(o.accountable.map((a: { ref: string }) => a.ref)).toEqual([
        'user:carol',
        'user:dan',
        'user:alice',
        'user:bob',
      ]);
      expect(o.actor).toBe('user:dan');
      const again = await app.inject({ url: `/api/v1/trace/${enc(o.ref)}` });
      expect(again.json().outcome.id).toBe(o.id);
      const listed = await app.inject({ url: `/api/v1/outcomes?subject=${enc('model:risk/fraud-scorer')}` });
      expect(listed.json().outcomes).toHaveLength(1);
      const badOutcome = await app.inject({
        method: 'POST',
        url: '/api/v1/outcomes',
        payload: { subject: 'model:risk/fraud-scorer', type: 'meh', severity: 'high', summary: 'x' },
      });
      expect(badOutcome.statusCode).toBe(400);
      expect(badOutcome.json().error.message).toMatch(/^type must be one of evaluation, complaint/);
      const cards = await app.inject({ url: '/api/v1/scorecards?domain=risk' });
      expect(cards.json().domains).toEqual([
        expect.objectContaining({ key: 'risk', outcomes: 1, models: 1 }),
      ]);
      const unmanaged = await app.inject({ url: '/api/v1/lineage/datasets?managed=false' });
      expect(unmanaged.json().datasets).toEqual([
        expect.objectContaining({ name: 'payments.authorised', ref: null }),
      ]);
      // Its draft contract, for a domain the catalog has; one it has not is refused, naming those it has.
      const detail = (domain: string) =>
        app.inject({
          url: `/api/v1/lineage/datasets/detail?namespace=${encodeURIComponent('kafka://broker:9092')}&name=payments.authorised&domain=${domain}`,
        });
      expect((await detail('payments')).json().draft).toMatchObject({
        kind: 'DataContract',
        domain: 'payments',
      });
      const unknown = await detail('paymnts');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toBe(
        "Domain 'domain:paymnts' not found; known domains: payments, risk, support",
      );
    });

    it('describe shows declared and inherited classification; a charter policy denies a contract declaring less', async () => {
      await post('/api/v1/lineage/batch', events.join('\n'), 'application/x-ndjson');
      const described = await app.inject({ url: `/api/v1/assets/${enc('dataset:risk/features')}/describe` });
      expect(described.json().classification).toContainEqual(
        expect.objectContaining({
          path: 'features.email_domain',
          declared: 'internal',
          inherited: 'confidential',
          conflict: true,
        }),
      );
      const policy = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: classificationPolicy,
        headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:ada' },
      });
      expect(policy.statusCode).toBe(200);
      const tested = await app.inject({ method: 'POST', url: '/api/v1/policies/test', payload: {} });
      expect(tested.json().results.map((r: { test: string; ok: boolean }) => [r.test, r.ok])).toEqual([
        ['no lineage', true],
        ['inherits more', true],
      ]);
      // Re-applying the contract as it is (declaring internal) is now denied…
      const changed = orgYaml.replace(
        'description: {purpose: Fraud features per transaction}',
        'description: {purpose: Fraud features, per transaction}',
      );
      const denied = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: changed,
        headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:carol' },
      });
      expect(denied.statusCode).toBe(422);
      const result = denied
        .json()
        .error.details.result.results.find((r: { ref: string }) => r.ref === 'dataset:risk/features');
      expect(
        result.violations.map((v: { policy: string; message: string }) => [v.policy, v.message]),
      ).toEqual([
        [
          'policy:classification-covers-lineage',
          'dataset:risk/features declares a lower classification than it inherits along column lineage',
        ],
      ]);
      // …and admitted once it declares what it inherits.
      const fixed = changed.replace(
        '{name: email_domain, logicalType: string, classification: internal',
        '{name: email_domain, logicalType: string, classification: confidential',
      );
      const ok = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: fixed,
        headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:carol' },
      });
      expect(ok.statusCode).toBe(200);
      expect((await app.inject({ url: '/api/v1/lineage/conflicts' })).json().conflicts).toEqual([]);
    });

    it('manages webhooks; the secret is shown once; a denial queues a delivery for the domain', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        payload: {
          url: 'https://hooks.example.com/charter',
          domain: 'risk',
          events: ['io.charter.admission.denied'],
        },
        headers: { 'x-charter-actor': 'user:carol' },
      });
      expect(created.statusCode).toBe(201);
      const hook = created.json();
      expect(hook.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const listed = (await app.inject({ url: '/api/v1/webhooks' })).json().webhooks;
      expect(listed).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
      const subscribe = (url: string) =>
        app.inject({ method: 'POST', url: '/api/v1/webhooks', payload: { url, events: [] } });
      expect((await subscribe('ftp://x')).statusCode).toBe(400);
      // The cloud's metadata service, or any link-local, loopback or private address.
      const metadata = await subscribe('http://169.254.169.254/latest/meta-data/');
      expect(metadata.statusCode).toBe(400);
      expect(metadata.json().error.message).toBe(
        "url's host 169.254.169.254 is a link-local address; webhooks go to public addresses only, unless Charter runs with CHARTER_WEBHOOK_ALLOW_PRIVATE=true",
      );
      const withCredentials = await subscribe('https://ops:s3cret@hooks.example.com/charter');
      expect(withCredentials.statusCode).toBe(400);
      expect(withCredentials.json().error.message).toBe(
        'url must not carry a user or password (user:password@): receivers verify Charter by the webhook-signature header',
      );
      expect(withCredentials.body).not.toContain('s3cret');
      await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: classificationPolicy.replace('rule: lineage.conflicts.size() == 0', 'rule: "false"'),
        headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:ada' },
      });
      const denied = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: orgYaml.replace('Fraud features per transaction', 'Fraud features for every transaction'),
        headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:carol' },
      });
      expect(denied.statusCode).toBe(422);
      const deliveries = (await app.inject({ url: `/api/v1/webhooks/deliveries?webhook=${hook.id}` })).json()
        .deliveries;
      // Each delivery says which event it carries and where it goes.
      expect(deliveries).toEqual([
        expect.objectContaining({
          state: 'pending',
          attempts: 0,
          webhookId: hook.id,
          eventType: 'io.charter.admission.denied',
          url: 'https://hooks.example.com/charter',
        }),
      ]);
      const removed = await app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` });
      expect(removed.json()).toEqual({ id: hook.id, removed: true });
      const dead = (await app.inject({ url: '/api/v1/webhooks/deliveries?state=dead' })).json().deliveries;
      expect(dead).toEqual([
        expect.objectContaining({
          lastError: 'the webhook was removed',
          eventType: 'io.charter.admission.denied',
          url: null,
        }),
      ]);
      // It would never be sent: retrying it is refused, and it stays on the dead-letter list.
      const retried = await app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/deliveries/${dead[0].id}/retry`,
        payload: {},
      });
      expect(retried.statusCode).toBe(409);
      expect(retried.json().error.message).toBe(
        `Delivery '${dead[0].id}' cannot be retried: its webhook was removed`,
      );
      expect(
        (await app.inject({ url: '/api/v1/webhooks/deliveries?state=pending' })).json().deliveries,
      ).toEqual([]);
    });
  });
}

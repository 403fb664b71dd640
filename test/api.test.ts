/** The REST API, called in-process with app.inject on both stores. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { buildApp } from '../src/server/app.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const orgYaml = readFileSync(fileURLToPath(new URL('./fixtures/small-org.yaml', import.meta.url)), 'utf8');
const enc = encodeURIComponent;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`REST API on ${factory.name}`, () => {
    let handle: StoreHandle;
    let app: FastifyInstance;

    beforeEach(async () => {
      handle = await factory.create();
      app = await buildApp({ catalog: new Catalog(handle.store, { actor: 'user:api' }) });
    });
    afterEach(async () => {
      await app.close();
      await handle.dispose();
    });

    const applyYaml = (body: string, actor = 'user:alice') =>
      app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: body,
        headers: { 'content-type': 'application/yaml', 'x-charter-actor': actor },
      });

    it('applies YAML and records the actor from the request', async () => {
      const res = await applyYaml(orgYaml);
      expect(res.statusCode).toBe(200);
      expect(res.json().summary.created).toBe(8);
      const history = await app.inject({
        url: `/api/v1/assets/${enc('dataset:payments/transactions')}/history`,
      });
      expect(history.json().versions[0]).toMatchObject({ version: 1, actor: 'user:alice', action: 'create' });
      const audit = await app.inject({ url: `/api/v1/audit?ref=${enc('domain:finance')}` });
      expect(audit.json().records).toHaveLength(1);
      expect(audit.json().records[0].actor).toBe('user:alice');
    });

    it('answers an invalid apply with 400, the per-document result, and stores nothing', async () => {
      const text = `${orgYaml}\n---\napiVersion: charter/v1\nkind: Team\nmetadata: {name: t}\nspec: {}\n`;
      const res = await applyYaml(text);
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.error.name).toBe('InputError');
      expect(body.error.message).toBe('1 of 9 documents is invalid; nothing was stored');
      const bad = body.error.details.result.results.find((r: { status: string }) => r.status === 'invalid');
      // The line of the deepest part of the path the text holds: `metadata`, which lacks `domain`.
      const line = text.split('\n').indexOf('metadata: {name: t}') + 1;
      // "is required" says what to give, from the schema's description of the field.
      expect(bad.issues).toEqual([
        {
          path: 'metadata.domain',
          message:
            'is required: the domain it belongs to, e.g. payments (lower-case letters, digits, ".", "_" and "-")',
          line,
        },
      ]);
      const list = await app.inject({ url: '/api/v1/assets?kind=datasets' });
      expect(list.json().items).toEqual([]);
    });

    it('gets, describes, diffs, searches and deletes through the API', async () => {
      await applyYaml(orgYaml);
      await applyYaml(orgYaml.replace('classification: confidential', 'classification: restricted'));
      const ref = enc('dataset:payments/transactions');
      const get = await app.inject({ url: `/api/v1/assets/${ref}` });
      expect(get.json().asset).toMatchObject({
        ref: 'dataset:payments/transactions',
        version: 2,
        state: 'live',
      });
      expect(get.json().doc.apiVersion).toBe('v3.1.0');
      const describe = await app.inject({ url: `/api/v1/assets/${ref}/describe` });
      expect(describe.json().owners[0]).toMatchObject({ ref: 'user:alice', source: 'domain:finance' });
      const diff = await app.inject({ url: `/api/v1/assets/${ref}/diff?from=1&to=2` });
      expect(diff.json().fields).toEqual([
        {
          field: 'transactions.customer_email',
          change: 'changed',
          attributes: { classification: ['confidential', 'restricted'] },
          typeChanged: false,
          classificationChanged: true,
        },
      ]);
      const search = await app.inject({ url: '/api/v1/search?q=chargeback&kind=datasets' });
      expect(search.json().hits.map((h: { ref: string }) => h.ref)).toEqual([
        'dataset:payments/transactions',
      ]);
      const del = await app.inject({
        method: 'DELETE',
        url: `/api/v1/assets/${ref}`,
        headers: { 'x-charter-actor': 'user:bob' },
      });
      expect(del.json()).toEqual({ ref: 'dataset:payments/transactions', version: 3, status: 'deleted' });
      const gone = await app.inject({ url: `/api/v1/assets/${ref}` });
      expect(gone.statusCode).toBe(404);
      expect(gone.json().error).toMatchObject({ name: 'NotFoundError' });
      const verify = await app.inject({ url: '/api/v1/audit/verify' });
      expect(verify.json()).toEqual({ intact: true, records: 10, versions: 10 });
    });

    it('applies with optimistic concurrency: a stale expected version is a 409 and stores nothing', async () => {
      await applyYaml(orgYaml);
      const ref = 'dataset:payments/transactions';
      const v2 = orgYaml.replace('Every card transaction', 'All card transactions');
      const ok = await app.inject({
        method: 'POST',
        url: `/api/v1/apply?expect=${enc(`${ref}@1`)}`,
        payload: v2,
        headers: { 'content-type': 'application/yaml' },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      const stale = await app.inject({
        method: 'POST',
        url: `/api/v1/apply?expect=${enc(`${ref}@1`)}`,
        payload: orgYaml.replace('Every card transaction', 'Some card transactions'),
        headers: { 'content-type': 'application/yaml' },
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error).toMatchObject({
        name: 'ConflictError',
        message: `'${ref}' is at version 2, not 1; re-read it and apply your change again`,
      });
      const json = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: { documents: [], expectedVersions: { 'user:nobody': 0 } },
      });
      expect(json.statusCode).toBe(200);
      expect((await app.inject({ url: `/api/v1/assets/${enc(ref)}/history` })).json().versions).toHaveLength(
        2,
      );
    });

    it('refuses deletes that would leave dangling refs with 409', async () => {
      await applyYaml(orgYaml);
      const res = await app.inject({ method: 'DELETE', url: `/api/v1/assets/${enc('domain:payments')}` });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.details.referrers).toContain('dataset:payments/transactions');
    });

    it('rejects bad requests with clear JSON errors', async () => {
      const badRef = await app.inject({ url: '/api/v1/assets/not-a-ref' });
      expect(badRef.statusCode).toBe(400);
      expect(badRef.json().error.message).toMatch(/'not-a-ref' is not a ref/);
      const badKind = await app.inject({ url: '/api/v1/assets?kind=spaceships' });
      expect(badKind.statusCode).toBe(400);
      const badActor = await applyYaml(orgYaml, 'alice');
      expect(badActor.statusCode).toBe(400);
      expect(badActor.json().error.message).toMatch(/x-charter-actor/);
      const badType = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: 'x',
        headers: { 'content-type': 'image/png' },
      });
      expect(badType.statusCode).toBe(415);
      expect(badType.json().error.message).toMatch(/not supported/);
      const noRoute = await app.inject({ url: '/api/v1/nothing' });
      expect(noRoute.statusCode).toBe(404);
    });

    it('exports and re-imports the catalog through the API', async () => {
      await applyYaml(orgYaml);
      const exported = await app.inject({ url: '/api/v1/export' });
      expect(exported.headers['content-type']).toMatch(/yaml/);
      expect(exported.body).toContain('kind: DataContract');
      const target = await factory.create();
      const other = await buildApp({ catalog: new Catalog(target.store, { actor: 'user:api' }) });
      try {
        const res = await other.inject({
          method: 'POST',
          url: '/api/v1/apply',
          payload: exported.body,
          headers: { 'content-type': 'application/yaml' },
        });
        expect(res.json().summary.created).toBe(8);
        const before = (
          await app.inject({ url: `/api/v1/assets/${enc('dataset:payments/transactions')}` })
        ).json();
        const after = (
          await other.inject({ url: `/api/v1/assets/${enc('dataset:payments/transactions')}` })
        ).json();
        expect(after.asset.digest).toBe(before.asset.digest);
      } finally {
        await other.close();
        await target.dispose();
      }
    });

    it('serves health, metrics and an OpenAPI 3.1 document', async () => {
      await applyYaml(orgYaml);
      expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok', store: factory.name });
      const metrics = await app.inject({ url: '/metrics' });
      expect(metrics.body).toMatch(/charter_assets\{kind="DataContract",domain="payments"\} 1/);
      expect(metrics.body).toMatch(
        /charter_http_requests_total\{method="POST",route="\/api\/v1\/apply",status="200"\} 1/,
      );
      const spec = (await app.inject({ url: '/openapi.json' })).json();
      expect(spec.openapi).toBe('3.1.0');
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/apply',
          '/api/v1/assets/{ref}',
          '/api/v1/search',
          '/api/v1/audit/verify',
          '/api/v1/export',
        ]),
      );
      expect((await app.inject({ url: '/docs/' })).statusCode).toBe(200);
    });
  });
}

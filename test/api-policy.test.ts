/** The governance endpoints in-process: same JSON as the CLI, errors with stable names. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { createPlatform } from '../src/server/platform.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const orgYaml = readFileSync(
  fileURLToPath(new URL('./fixtures/small-org.yaml', import.meta.url)),
  'utf8',
).replace(
  '  ownershipTypes: [owner, steward, technical-owner]',
  '  ownershipTypes: [owner, steward, technical-owner]\n  dataOffice: [user:alice]',
);

const policies = `apiVersion: charter/v1
kind: Policy
metadata: {name: no-restricted}
spec:
  match: {kinds: [DataContract]}
  scope: field
  rule: '!has(field.classification) || field.classification != "restricted"'
  message: "Field {{field.path}} is restricted"
  enforcement: require-approval
  tests:
    - {name: internal, input: {kind: DataContract, schema: [{name: t, properties: [{name: a, classification: internal}]}]}, expect: pass}
    - {name: restricted, input: {kind: DataContract, schema: [{name: t, properties: [{name: a, classification: restricted}]}]}, expect: fail}
---
apiVersion: charter/v1
kind: Policy
metadata: {name: purpose}
spec:
  match: {kinds: [DataContract]}
  rule: has(asset.description) && has(asset.description.purpose)
  message: "{{ref}} has no purpose"
  enforcement: deny
`;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`governance API on ${factory.name}`, () => {
    let handle: StoreHandle;
    let app: FastifyInstance;

    beforeEach(async () => {
      handle = await factory.create();
      const p = createPlatform(handle.store, { actor: 'user:api' });
      app = await buildApp({ catalog: p.catalog, governance: p.governance });
      const res = await post('/api/v1/apply', `${orgYaml}---\n${policies}`, 'user:alice', 'application/yaml');
      expect(res.statusCode, res.body).toBe(200);
    });
    afterEach(async () => {
      await app.close();
      await handle.dispose();
    });

    function post(url: string, payload: unknown, actor: string, type = 'application/json') {
      return app.inject({
        method: 'POST',
        url,
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload ?? {}),
        headers: { 'content-type': type, 'x-charter-actor': actor },
      });
    }

    it('answers a denial with 422 RefusedError carrying every violation', async () => {
      const res = await post(
        '/api/v1/apply',
        orgYaml.replace('description: {purpose: Every card transaction settled by Acme}', ''),
        'user:bob',
        'application/yaml',
      );
      expect(res.statusCode).toBe(422);
      const body = res.json();
      expect(body.error).toMatchObject({
        name: 'RefusedError',
        message: '1 document was denied by policy; nothing was stored',
      });
      const denied = body.error.details.result.results.find((r: { status: string }) => r.status === 'denied');
      expect(denied.violations).toEqual([
        {
          policy: 'policy:purpose',
          enforcement: 'deny',
          asset: 'dataset:payments/transactions',
          path: '',
          message: 'dataset:payments/transactions has no purpose',
        },
      ]);
    });

    it('lists, refuses and approves pending changes', async () => {
      const res = await post(
        '/api/v1/apply',
        orgYaml.replace('classification: confidential', 'classification: restricted'),
        'user:bob',
        'application/yaml',
      );
      expect(
        res.json().results.find((r: { ref: string }) => r.ref === 'dataset:payments/transactions').status,
      ).toBe('pending');
      const list = (await app.inject({ url: '/api/v1/approvals?state=open' })).json();
      expect(list.approvals).toHaveLength(1);
      const id = list.approvals[0].id;
      const self = await post(`/api/v1/approvals/${id}/approve`, {}, 'user:bob');
      expect(self.statusCode).toBe(403);
      expect(self.json().error.name).toBe('NotAllowedError');
      const ok = await post(
        `/api/v1/approvals/${id}/approve`,
        { reason: 'needed for fraud work' },
        'user:alice',
      );
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({
        state: 'approved',
        decidedBy: 'user:alice',
        reason: 'needed for fraud work',
      });
      const again = await post(`/api/v1/approvals/${id}/approve`, {}, 'user:alice');
      expect(again.statusCode).toBe(409);
    });

    it('re-evaluates compliance in the background when a policy, a waiver or a contract changes, and exports the KPIs', async () => {
      const reports: { failing: number }[] = [];
      const errors: unknown[] = [];
      let done: () => void = () => {};
      const p = createPlatform(handle.store, {
        actor: 'user:api',
        onComplianceChange: {
          done: (r) => {
            reports.push(r.totals);
            done();
          },
          error: (e) => errors.push(e),
        },
      });
      const other = await buildApp({ catalog: p.catalog, governance: p.governance });
      try {
        const evaluated = new Promise<void>((resolve) => {
          done = resolve;
        });
        const res = await other.inject({
          method: 'POST',
          url: '/api/v1/apply',
          payload: `apiVersion: charter/v1\nkind: Policy\nmetadata: {name: tagged}\nspec:\n  match: {kinds: [DataContract]}\n  rule: asset.tags.size() > 0\n  message: untagged\n  enforcement: audit\n`,
          headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:alice' },
        });
        expect(res.statusCode, res.body).toBe(200);
        await evaluated;
        expect(reports[0]!.failing).toBe(1);
        // Kept for the counts: the failing asset is counted, not listed.
        expect(p.governance.latestCompliance()?.failing).toEqual([]);
        expect(p.governance.latestCompliance()?.page).toEqual({ offset: 0, limit: 0, total: 1 });
        const metrics = (await other.inject({ url: '/metrics' })).body;
        expect(metrics).toContain('charter_compliance_assets{domain="payments",status="failing"} 1');
        expect(metrics).toContain(
          'charter_policy_failing_assets{policy="policy:tagged",enforcement="audit"} 1',
        );
        expect(metrics).toContain('charter_approvals_open{type="change"} 0');

        // A waiver counts once the data office grants it: granting it re-evaluates too. Carol joins
        // the data office to grant it (Alice wrote the policy; Bob asks for the waiver).
        const charter = (await other.inject({ url: '/api/v1/assets/charter%3Aacme' })).json().doc;
        charter.spec.dataOffice = ['user:alice', 'user:carol'];
        const joined = new Promise<void>((resolve) => {
          done = resolve;
        });
        const carol = await other.inject({
          method: 'POST',
          url: '/api/v1/apply',
          payload: {
            documents: [
              { apiVersion: 'charter/v1', kind: 'User', metadata: { name: 'carol' }, spec: {} },
              charter,
            ],
          },
          headers: { 'x-charter-actor': 'user:alice' },
        });
        expect(carol.statusCode, carol.body).toBe(200);
        await joined;
        const [failing] = (await other.inject({ url: '/api/v1/compliance' })).json().failing;
        // It lapses in a few seconds, with no action by anyone.
        const lapses = new Date(Date.now() + 5_000).toISOString();
        const requested = await other.inject({
          method: 'POST',
          url: '/api/v1/apply',
          payload: `apiVersion: charter/v1\nkind: Waiver\nmetadata: {name: untagged, domain: payments}\nspec: {policy: "policy:tagged", asset: "${failing.asset}", reason: Tags come next sprint, expires: "${lapses}"}\n`,
          headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:bob' },
        });
        expect(requested.statusCode, requested.body).toBe(200);
        const { approvals } = (
          await other.inject({ url: '/api/v1/approvals?state=open&type=waiver' })
        ).json();
        const decided = await other.inject({
          method: 'POST',
          url: `/api/v1/approvals/${approvals[0].id}/approve`,
          payload: {},
          headers: { 'x-charter-actor': 'user:carol' },
        });
        expect(decided.statusCode, decided.body).toBe(200);
        expect((await other.inject({ url: '/api/v1/compliance' })).json().totals).toMatchObject({
          waived: 1,
        });
        // The run the waiver's apply started may still be going: the grant's run follows it.
        await vi.waitFor(() => expect(reports.at(-1)).toMatchObject({ failing: 0, waived: 1 }), {
          timeout: 20_000,
        });
        expect(errors).toEqual([]);
        expect((await other.inject({ url: '/metrics' })).body).toContain(
          'charter_compliance_assets{domain="payments",status="waived"} 1',
        );
        // At its expiry the background run counts the violation again by itself.
        await vi.waitFor(() => expect(reports.at(-1)).toMatchObject({ failing: 1, waived: 0 }), {
          timeout: 20_000,
          interval: 200,
        });
        expect(errors).toEqual([]);

        // A contract applied is counted by the next background run (it alone is evaluated): untagged,
        // it fails policy:tagged; tagged, it passes.
        const contract = (tags: string) =>
          `apiVersion: v3.1.0\nkind: DataContract\nid: refunds\nname: refunds\nversion: 1.0.0\nstatus: active\ndomain: payments\ndescription: {purpose: Refunds issued}\n${tags}schema: [{name: refunds, properties: [{name: id, logicalType: string}]}]\n`;
        for (const [tags, failing] of [
          ['', 2],
          ['tags: [finance]\n', 1],
        ] as const) {
          const applied = await other.inject({
            method: 'POST',
            url: '/api/v1/apply',
            payload: contract(tags),
            headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:bob' },
          });
          expect(applied.statusCode, applied.body).toBe(200);
          expect(applied.json().summary.denied).toBe(0);
          await vi.waitFor(() => expect(reports.at(-1)).toMatchObject({ failing }), { timeout: 20_000 });
          expect((await other.inject({ url: '/metrics' })).body).toContain(
            `charter_policy_failing_assets{policy="policy:tagged",enforcement="audit"} ${failing}`,
          );
        }
        // A pending change (a restricted field needs the data office) counts once it is approved.
        const pending = await other.inject({
          method: 'POST',
          url: '/api/v1/apply',
          payload: contract('tags: [finance]\n').replace(
            '{name: id, logicalType: string}',
            '{name: id, logicalType: string, classification: restricted}',
          ),
          headers: { 'content-type': 'application/yaml', 'x-charter-actor': 'user:bob' },
        });
        expect(pending.json().results[0].status, pending.body).toBe('pending');
        const open = (await other.inject({ url: '/api/v1/approvals?state=open&type=change' })).json();
        const approved = await other.inject({
          method: 'POST',
          url: `/api/v1/approvals/${open.approvals[0].id}/approve`,
          payload: {},
          headers: { 'x-charter-actor': 'user:alice' },
        });
        expect(approved.statusCode, approved.body).toBe(200);
        await vi.waitFor(() => expect(reports.at(-1)).toMatchObject({ failing: 2 }), { timeout: 20_000 });
        expect(p.governance.latestCompliance()?.totals).toEqual(
          (await other.inject({ url: '/api/v1/compliance?limit=0' })).json().totals,
        );
        expect(errors).toEqual([]);
      } finally {
        await other.close();
      }
    });

    it('explains, tests and reports compliance', async () => {
      const explain = (
        await app.inject({
          url: `/api/v1/policies/explain?ref=${encodeURIComponent('dataset:payments/transactions')}`,
        })
      ).json();
      expect(explain.policies.map((p: { policy: string; result: string }) => [p.policy, p.result])).toEqual([
        ['policy:no-restricted', 'pass'],
        ['policy:purpose', 'pass'],
      ]);
      const tests = (await post('/api/v1/policies/test', {}, 'user:bob')).json();
      expect(tests).toMatchObject({ passed: 2, failed: 0 });
      const compliance = (await app.inject({ url: '/api/v1/compliance?domain=payments' })).json();
      expect(compliance.totals).toEqual({ assets: 4, passing: 4, failing: 0, waived: 0 });
      const missing = await app.inject({ url: '/api/v1/compliance?policy=policy:nope' });
      expect(missing.statusCode).toBe(404);
      const counted = (await app.inject({ url: '/api/v1/compliance?limit=0&offset=2' })).json();
      expect(counted.failing).toEqual([]);
      expect(counted.page).toEqual({
        offset: 2,
        limit: 0,
        total: counted.totals.failing + counted.totals.waived,
      });
      for (const bad of ['limit=-1', 'limit=ten', 'offset=1.5']) {
        const refused = await app.inject({ url: `/api/v1/compliance?${bad}` });
        expect(refused.statusCode, bad).toBe(400);
        expect(refused.json().error.message, bad).toMatch(/limit|offset/);
      }
    });
  });
}

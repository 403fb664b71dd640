/**
 * Every cell of the authorization matrix (operation × role × same domain / sub-domain / other
 * domain) against a running server with token authentication, on SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTHORIZATION_MATRIX,
  allowed,
  MATRIX_ROLES,
  MATRIX_SCOPES,
  type MatrixRole,
  type MatrixScope,
} from '../src/access/authorization-matrix.js';
import { parseSources } from '../src/catalog/parse.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform } from '../src/server/platform.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const ORG = `apiVersion: charter/v1
kind: Charter
metadata: {name: acme}
spec: {classificationLevels: [public, internal, confidential, restricted], dataOffice: [user:office]}
${['office', 'owner', 'steward', 'contrib', 'viewer', 'outsider', 'other']
  .map((u) => `---\napiVersion: charter/v1\nkind: User\nmetadata: {name: ${u}}\nspec: {}\n`)
  .join('')}---
apiVersion: charter/v1
kind: Domain
metadata: {name: payments}
spec: {owners: [user:owner], stewards: [user:steward], contributors: [user:contrib], viewers: [user:viewer]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: cards, parent: payments}
spec: {description: Card payments}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: customer}
spec: {owners: [user:other]}
---
apiVersion: charter/v1
kind: Policy
metadata: {name: anything}
spec: {rule: "true", message: m, enforcement: audit}
`;

const contract = (domain: string, name: string) => `apiVersion: v3.1.0
kind: DataContract
id: ${name}
name: ${name}
version: 1.0.0
status: active
domain: ${domain}
description: {purpose: Matrix test data about zebrafish ${name}}
schema: [{name: t, properties: [{name: a, logicalType: string}]}]
`;

/** A model in `domain` trained on `input` (a dataset ref). */
const model = (domain: string, name: string, input: string) => `apiVersion: charter/v1
kind: Model
metadata: {name: ${name}, domain: ${domain}}
spec:
  title: ${name}
  version: 1.0.0
  stage: development
  intendedPurpose: Matrix test
  riskClass: {euAiAct: minimal, rationale: test}
  inputs: [{dataset: "${input}", version: 1, role: training}]
`;

/** A dataset classified confidential whose one quality rule fails on one row (zq-7731). */
const sampled = (domain: string) => `apiVersion: v3.1.0
kind: DataContract
id: sampled-${domain}
name: sampled-${domain}
version: 1.0.0
status: active
domain: ${domain}
servers: [{server: local, type: local, format: csv, path: sampled.csv}]
schema:
  - name: sampled
    properties:
      - {name: id, logicalType: string}
      - {name: email, logicalType: string, classification: confidential}
      - {name: amount, logicalType: string, quality: [{metric: invalidValues, arguments: {pattern: '^[0-9]+$'}, mustBe: 0}]}
`;

const userOf: Record<MatrixRole, string> = {
  'data-office': 'user:office',
  'domain-owner': 'user:owner',
  steward: 'user:steward',
  contributor: 'user:contrib',
  viewer: 'user:viewer',
  none: 'user:outsider',
};
const domainOf: Record<MatrixScope, string> = {
  'same domain': 'payments',
  'sub-domain': 'cards',
  'other domain': 'customer',
};

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`authorization matrix on ${factory.name}`, () => {
    let handle: StoreHandle;
    let app: FastifyInstance;
    const tokens = {} as Record<MatrixRole, string>;
    let n = 0;
    let data: string;
    /** The id of a stored quality run with samples, per domain. */
    const runOf: Record<string, string> = {};

    beforeAll(async () => {
      handle = await factory.create();
      data = mkdtempSync(join(tmpdir(), 'charter-matrix-'));
      writeFileSync(join(data, 'sampled.csv'), 'id,email,amount\nok,a@x.io,1\nzq-7731,b@x.io,abc\n');
      process.env.CHARTER_DATA_ROOT = data;
      const p = createPlatform(handle.store, { actor: 'user:setup' });
      const loaded = await p.catalog.apply(
        parseSources([
          {
            name: 'org.yaml',
            content: [
              ORG,
              ...Object.values(domainOf).flatMap((d) => [
                contract(d, `base-${d}`),
                sampled(d),
                // Traced from its own domain, and from payments (where every role but none reads).
                model(d, `traced-${d}`, `dataset:${d}/base-${d}`),
                model('payments', `fed-by-${d}`, `dataset:${d}/base-${d}`),
              ]),
            ].join('---\n'),
          },
        ]),
      );
      expect(loaded.applied, JSON.stringify(loaded.results.filter((r) => r.issues.length))).toBe(true);
      for (const role of MATRIX_ROLES) {
        tokens[role] = (
          await p.access.tokens.create({
            principal: userOf[role],
            name: 't',
            expiresAt: null,
            actor: 'user:setup',
          })
        ).token;
      }
      app = await buildApp({
        catalog: p.catalog,
        governance: p.governance,
        access: p.access,
        tokens: p.access.tokens,
      });
      for (const domain of Object.values(domainOf)) {
        const res = await asOffice('POST', '/api/v1/quality/runs', {
          ref: `dataset:${domain}/sampled-${domain}`,
          samples: 2,
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.body).toContain('zq-7731');
        runOf[domain] = res.json().runs[0].id;
      }
    });
    afterAll(async () => {
      delete process.env.CHARTER_DATA_ROOT;
      await app?.close();
      await handle?.dispose();
      rmSync(data, { recursive: true, force: true });
    });

    const call = (
      role: MatrixRole,
      method: string,
      url: string,
      payload?: string | object,
      type = typeof payload === 'object' ? 'application/json' : 'application/yaml',
    ) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: {
          authorization: `Bearer ${tokens[role]}`,
          ...(payload !== undefined ? { 'content-type': type } : {}),
        },
        ...(payload !== undefined ? { payload } : {}),
      });
    const asOffice = (method: string, url: string, payload?: string | object) =>
      call('data-office', method, url, payload);
    const enc = encodeURIComponent;

    /** Performs the operation; returns whether it was allowed (and checks a refusal is a 403 naming the permission). */
    async function attempt(operation: string, role: MatrixRole, scope: MatrixScope): Promise<boolean> {
      const domain = domainOf[scope];
      const id = `m${++n}`;
      const verdict = (res: {
        statusCode: number;
        json: () => { error?: { name: string; message: string } };
      }) => {
        if (res.statusCode === 403) {
          expect(res.json().error?.name).toBe('NotAllowedError');
          expect(res.json().error?.message).toMatch(/may not .*(needs|it needs)/);
          return false;
        }
        expect(
          res.statusCode,
          `${operation} as ${role} in ${scope}: ${JSON.stringify(res.json())}`,
        ).toBeLessThan(300);
        return true;
      };
      switch (operation.split(' (')[0]) {
        case 'read a dataset':
          return verdict(
            await call(role, 'GET', `/api/v1/assets/${enc(`dataset:${domain}/base-${domain}`)}`),
          );
        case 'find a dataset in search': {
          const res = await call(role, 'GET', `/api/v1/search?q=zebrafish+base-${domain}`);
          expect(res.statusCode).toBe(200);
          return res.json().hits.some((h: { ref: string }) => h.ref === `dataset:${domain}/base-${domain}`);
        }
        case 'apply a dataset':
          return verdict(await call(role, 'POST', '/api/v1/apply', contract(domain, id)));
        case 'delete a dataset': {
          expect((await asOffice('POST', '/api/v1/apply', contract(domain, id))).statusCode).toBe(200);
          return verdict(await call(role, 'DELETE', `/api/v1/assets/${enc(`dataset:${domain}/${id}`)}`));
        }
        case 'apply a domain glossary term':
          return verdict(
            await call(
              role,
              'POST',
              '/api/v1/apply',
              `apiVersion: charter/v1\nkind: GlossaryTerm\nmetadata: {name: ${id}, domain: ${domain}}\nspec: {definition: A term}\n`,
            ),
          );
        case 'apply a team':
          return verdict(
            await call(
              role,
              'POST',
              '/api/v1/apply',
              `apiVersion: charter/v1\nkind: Team\nmetadata: {name: ${id}, domain: ${domain}}\nspec: {}\n`,
            ),
          );
        case 'apply a domain policy':
          return verdict(
            await call(
              role,
              'POST',
              '/api/v1/apply',
              `apiVersion: charter/v1\nkind: Policy\nmetadata: {name: ${id}, domain: ${domain}}\nspec: {rule: "true", message: m, enforcement: audit}\n`,
            ),
          );
        case 'apply a sub-domain':
          return verdict(
            await call(
              role,
              'POST',
              '/api/v1/apply',
              `apiVersion: charter/v1\nkind: Domain\nmetadata: {name: ${id}, parent: ${domain}}\nspec: {}\n`,
            ),
          );
        case 'apply a top-level domain':
          return verdict(
            await call(
              role,
              'POST',
              '/api/v1/apply',
              `apiVersion: charter/v1\nkind: Domain\nmetadata: {name: ${id}}\nspec: {}\n`,
            ),
          );
        case 'apply a charter policy':
          return verdict(
            await call(
              role,
              'POST',
              '/api/v1/apply',
              `apiVersion: charter/v1\nkind: Policy\nmetadata: {name: ${id}}\nspec: {rule: "true", message: m, enforcement: audit}\n`,
            ),
          );
        case 'grant a waiver': {
          const waiver = `apiVersion: charter/v1\nkind: Waiver\nmetadata: {name: ${id}, domain: ${domain}}\nspec: {policy: "policy:anything", asset: "dataset:${domain}/base-${domain}", reason: test, expires: "2999-01-01T00:00:00Z"}\n`;
          expect((await call('data-office', 'POST', '/api/v1/apply', waiver)).statusCode).toBe(200);
          // Requested by the data office, so only another data-office member could grant it: ask as the role.
          const res = await call(
            role,
            'POST',
            `/api/v1/waivers/${enc(`waiver:${domain}/${id}`)}/approve`,
            '{}',
            'application/json',
          );
          if (role === 'data-office') {
            // Separation of duties: the requester may not grant it.
            expect(res.statusCode).toBe(403);
            expect(res.json().error.message).toMatch(/separation of duties/);
            return true;
          }
          return verdict(res);
        }
        case 'trace a model':
          return verdict(await call(role, 'GET', `/api/v1/trace/${enc(`model:${domain}/traced-${domain}`)}`));
        case 'record an AI outcome about a model': {
          const res = await call(role, 'POST', '/api/v1/outcomes', {
            subject: `model:${domain}/traced-${domain}`,
            type: 'complaint',
            severity: 'low',
            summary: `Matrix: ${role} in ${scope}`,
          });
          if (!verdict(res)) return false;
          // Recorded with the caller as its actor.
          expect(res.json().actor).toBe(userOf[role]);
          return true;
        }
        case 'see a dataset named in the trace of a model it feeds': {
          const res = await call(role, 'GET', `/api/v1/trace/${enc(`model:payments/fed-by-${domain}`)}`);
          if (!verdict(res)) return false;
          const [row] = res.json().datasets as { node: string; restricted?: boolean; domain?: string }[];
          const ref = `dataset:${domain}/base-${domain}`;
          // Named with everything, or restricted with its domain and nothing that names it.
          if (row?.node === ref) return true;
          expect(row).toMatchObject({ node: 'restricted:1', restricted: true, domain });
          expect(res.body).not.toContain(ref);
          return false;
        }
        case 'answer an incident of a dataset': {
          const incidents = (await asOffice('GET', '/api/v1/incidents?state=open')).json() as {
            id: string;
            ref: string;
          }[];
          const incident = incidents.find((i) => i.ref === `dataset:${domain}/sampled-${domain}`);
          expect(incident, `an open incident in ${domain}`).toBeDefined();
          const res = await call(role, 'POST', `/api/v1/incidents/${incident!.id}/notes`, {
            note: `Matrix: ${role} in ${scope}`,
          });
          if (!verdict(res)) return false;
          expect(res.json().timeline.at(-1)).toMatchObject({ action: 'note', actor: userOf[role] });
          return true;
        }
        case 'read a quality run':
          return verdict(await call(role, 'GET', `/api/v1/quality/runs/${runOf[domain]}`));
        case 'see the failing-row samples of a dataset classified confidential': {
          const res = await call(role, 'GET', `/api/v1/quality/runs/${runOf[domain]}`);
          if (!verdict(res)) return false;
          const run = res.json() as { samplesWithheld?: string; checks: { samples?: unknown[] }[] };
          const shown = run.checks.some((c) => c.samples?.length);
          // Either the samples, or the run without them and the reason: never both, never neither.
          expect(shown, JSON.stringify(run)).toBe(!run.samplesWithheld);
          expect(res.body.includes('zq-7731')).toBe(shown);
          return shown;
        }
        case 'export the catalog with history':
          return verdict(await call(role, 'GET', '/api/v1/export?withHistory=true'));
        case 'read the charter':
          return verdict(await call(role, 'GET', `/api/v1/assets/${enc('charter:acme')}`));
      }
      throw new Error(`no attempt for ${operation}`);
    }

    for (const row of AUTHORIZATION_MATRIX) {
      it(row.operation, async () => {
        const seen: string[] = [];
        const expected: string[] = [];
        for (const role of MATRIX_ROLES) {
          for (const scope of MATRIX_SCOPES) {
            const ok = await attempt(row.operation, role, scope);
            seen.push(`${role} / ${scope}: ${ok ? 'allowed' : 'refused'}`);
            expected.push(`${role} / ${scope}: ${allowed(row, role, scope) ? 'allowed' : 'refused'}`);
          }
        }
        expect(seen).toEqual(expected);
      });
    }

    it("lets an incident's assignee answer it whatever their role, and says who may when refusing", async () => {
      // viewer reads payments only, but this contract names them its owner: its incident is theirs.
      const theirs = sampled('payments')
        .replace(/sampled-payments/g, 'theirs')
        .replace(
          'status: active',
          'status: active\nteam: {name: t, members: [{username: viewer, role: owner}]}',
        );
      expect((await asOffice('POST', '/api/v1/apply', theirs)).statusCode).toBe(200);
      const run = await asOffice('POST', '/api/v1/quality/runs', { ref: 'dataset:payments/theirs' });
      expect(run.statusCode, run.body).toBe(200);
      const incidents = (await asOffice('GET', '/api/v1/incidents?state=open')).json() as {
        id: string;
        ref: string;
        assignees: string[];
      }[];
      const incident = incidents.find((i) => i.ref === 'dataset:payments/theirs')!;
      expect(incident.assignees).toEqual(['user:viewer', 'user:steward']);
      const answered = await call('viewer', 'POST', `/api/v1/incidents/${incident.id}/notes`, {
        note: 'Looking at the export',
        acknowledge: true,
      });
      expect(answered.statusCode, answered.body).toBe(200);
      expect(answered.json().timeline.at(-1)).toMatchObject({ action: 'acknowledged', actor: 'user:viewer' });
      // Another viewer's incident is not theirs.
      const other = incidents.find((i) => i.ref === 'dataset:payments/sampled-payments')!;
      const refused = await call('viewer', 'POST', `/api/v1/incidents/${other.id}/notes`, { note: 'x' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toBe(
        `user:viewer may not answer incident ${other.id}: it is assigned to ${other.assignees.join(', ')}, and anyone else needs contributor on domain:payments`,
      );
      // The start of an id matches only what the caller may read: a guess learns nothing.
      const hidden = incidents.find((i) => i.ref === 'dataset:customer/sampled-customer')!;
      const guessed = await call('viewer', 'POST', `/api/v1/incidents/${hidden.id.slice(0, 8)}/notes`, {
        note: 'x',
      });
      expect(guessed.statusCode).toBe(404);
      expect(guessed.body).not.toContain('customer');
      const office = await call('data-office', 'POST', `/api/v1/incidents/${hidden.id.slice(0, 8)}/notes`, {
        note: 'Seen by the data office',
      });
      expect(office.statusCode, office.body).toBe(200);
    });

    it('refuses requests without a valid token', async () => {
      const none = await app.inject({ url: '/api/v1/assets?kind=datasets' });
      expect(none.statusCode).toBe(401);
      expect(none.json().error.name).toBe('AuthenticationError');
      const bad = await app.inject({
        url: '/api/v1/assets?kind=datasets',
        headers: { authorization: 'Bearer chtr_000000000000_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
      });
      expect(bad.statusCode).toBe(401);
      expect(bad.json().error.message).toBe('The token is not valid');
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    });
  });
}

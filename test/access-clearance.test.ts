/**
 * Clearance: a caller may read a dataset's quality runs and incidents (metadata) with viewer, but
 * its failing-row samples (data values) only when every classification the dataset carries is at
 * or below the clearance of the caller's role there. Checked over the API with tokens on both
 * stores, and once through the real CLI talking to a listening server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { bin } from './support/cli.js';
import { guardedApp, tokensFor } from './support/guarded-app.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const CHARTER = (clearance = '') => `apiVersion: charter/v1
kind: Charter
metadata: {name: acme}
spec:
  classificationLevels: [public, internal, confidential, restricted]
  dataOffice: [user:office]${clearance}
`;

const ORG = `${['office', 'owner', 'steward', 'contrib', 'viewer']
  .map((u) => `apiVersion: charter/v1\nkind: User\nmetadata: {name: ${u}}\nspec: {}\n`)
  .join('---\n')}---
apiVersion: charter/v1
kind: Domain
metadata: {name: payments}
spec: {owners: [user:owner], stewards: [user:steward], contributors: [user:contrib], viewers: [user:viewer]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: cards, parent: payments}
spec: {}
`;

/** A dataset whose `amount` column must be numeric; `note` carries the given classification. */
const dataset = (domain: string, name: string, classification: string) => `apiVersion: v3.1.0
kind: DataContract
id: ${name}
name: ${name}
version: 1.0.0
status: active
domain: ${domain}
servers:
  - {server: local, type: local, format: csv, path: ${name}.csv}
schema:
  - name: ${name}
    properties:
      - {name: id, logicalType: string}
      - {name: note, logicalType: string, classification: ${classification}}
      - name: amount
        logicalType: string
        quality:
          - {id: amount-numeric, metric: invalidValues, arguments: {pattern: '^[0-9]+$'}, mustBe: 0}
`;

// Values that appear only in the failing rows: a body showing either has leaked a sample.
const CSV = 'id,note,amount\nok-1,fine,10\nzq-7731,kept-out,abc\n';
const LEAK = /zq-7731|kept-out/;

const ROLES = ['office', 'owner', 'steward', 'contrib', 'viewer'] as const;
type Role = (typeof ROLES)[number];

interface RunBody {
  id: string;
  status: string;
  samplesWithheld?: string;
  checks: { id: string; measured: unknown; samples?: Record<string, unknown>[] }[];
}

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`clearance on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let app: FastifyInstance;
    let data: string;
    const tokens = {} as Record<Role, string>;
    const runs: Record<string, string> = {};

    const call = (role: Role, method: 'GET' | 'POST', url: string, payload?: object | string) =>
      app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${tokens[role]}`,
          ...(typeof payload === 'string' ? { 'content-type': 'application/yaml' } : {}),
        },
        ...(payload !== undefined ? { payload } : {}),
      });
    const run = async (role: Role, ref: string): Promise<RunBody> => {
      const res = await call(role, 'GET', `/api/v1/quality/runs/${runs[ref]}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const samplesOf = (body: RunBody) => body.checks.flatMap((c) => c.samples ?? []);

    beforeAll(async () => {
      handle = await factory.create();
      data = mkdtempSync(join(tmpdir(), 'charter-clearance-'));
      for (const name of ['secret', 'open', 'swipes', 'vault']) writeFileSync(join(data, `${name}.csv`), CSV);
      process.env.CHARTER_DATA_ROOT = data;
      platform = createPlatform(handle.store, { actor: 'user:setup' });
      const loaded = await platform.catalog.apply(
        parseSources([
          {
            name: 'org.yaml',
            content: [
              CHARTER(),
              ORG,
              dataset('payments', 'secret', 'confidential'),
              dataset('payments', 'open', 'internal'),
              dataset('cards', 'swipes', 'confidential'),
              dataset('payments', 'vault', 'restricted'),
            ].join('---\n'),
          },
        ]),
      );
      expect(loaded.applied, JSON.stringify(loaded.results.filter((r) => r.issues.length))).toBe(true);
      Object.assign(tokens, await tokensFor(platform, ROLES));
      app = await guardedApp(platform);
      const checked = await call('office', 'POST', '/api/v1/quality/runs', {
        domain: 'payments',
        samples: 5,
      });
      expect(checked.statusCode, checked.body).toBe(200);
      for (const r of checked.json().runs as (RunBody & { ref: string })[]) {
        runs[r.ref] = r.id;
        // The data office is cleared for everything: the failing row comes back.
        expect(JSON.stringify(r)).toMatch(LEAK);
      }
      expect(Object.keys(runs).sort()).toEqual([
        'dataset:cards/swipes',
        'dataset:payments/open',
        'dataset:payments/secret',
        'dataset:payments/vault',
      ]);
    });
    afterAll(async () => {
      delete process.env.CHARTER_DATA_ROOT;
      await app?.close();
      await handle?.dispose();
      rmSync(data, { recursive: true, force: true });
    });

    it('shows a viewer the run and the incident of a confidential dataset, but no sample values', async () => {
      const body = await run('viewer', 'dataset:payments/secret');
      expect(body.status).toBe('failed');
      expect(body.checks.find((c) => c.id === 'amount-numeric')?.measured).toBe(1);
      expect(samplesOf(body)).toEqual([]);
      expect(body.samplesWithheld).toBe(
        "dataset:payments/secret is classified confidential, above the caller's clearance (viewer on domain:payments is cleared to internal): sample values are withheld",
      );
      expect(JSON.stringify(body)).not.toMatch(LEAK);

      const incidents = await call('viewer', 'GET', '/api/v1/incidents?domain=payments');
      const incident = incidents.json().find((i: { ref: string }) => i.ref === 'dataset:payments/secret') as {
        id: string;
      };
      expect(incident).toBeTruthy();
      const one = await call('viewer', 'GET', `/api/v1/incidents/${incident.id}`);
      expect(one.statusCode).toBe(200);
      expect(one.json().failing.map((f: { id: string }) => f.id)).toContain('amount-numeric');
      expect(one.body).not.toMatch(LEAK);
    });

    it('shows a steward and an owner of the domain (and of its sub-domain) the samples', async () => {
      for (const role of ['steward', 'owner'] as const) {
        for (const ref of ['dataset:payments/secret', 'dataset:cards/swipes', 'dataset:payments/vault']) {
          const body = await run(role, ref);
          expect(body.samplesWithheld).toBeUndefined();
          // Cleared: the failing row, with its confidential column still masked where it was read.
          expect(samplesOf(body)).toEqual([{ id: 'zq-7731', note: '***', amount: 'abc' }]);
        }
      }
    });

    it('withholds from a contributor too, and never from anyone on a dataset cleared for viewers', async () => {
      expect(samplesOf(await run('contrib', 'dataset:cards/swipes'))).toEqual([]);
      for (const role of ['viewer', 'contrib'] as const) {
        const body = await run(role, 'dataset:payments/open');
        expect(body.samplesWithheld).toBeUndefined();
        expect(samplesOf(body)).toHaveLength(1);
      }
    });

    it("withholds the samples of a viewer's own run, and keeps them for the steward", async () => {
      const res = await call('viewer', 'POST', '/api/v1/quality/runs', {
        ref: 'dataset:payments/secret',
        samples: 3,
      });
      expect(res.statusCode, res.body).toBe(200);
      const [own] = res.json().runs as RunBody[];
      expect(own!.samplesWithheld).toMatch(/classified confidential/);
      expect(res.body).not.toMatch(LEAK);
      const stored = await call('steward', 'GET', `/api/v1/quality/runs/${own!.id}`);
      expect(stored.json().samplesWithheld).toBeUndefined();
      expect(stored.body).toMatch(LEAK);
    });

    it("follows the charter's clearance: viewers cleared to confidential, never above", async () => {
      const bad = await call('office', 'POST', '/api/v1/apply', CHARTER('\n  clearance: {viewer: secret}'));
      expect(bad.statusCode).toBe(400);
      expect(JSON.stringify(bad.json())).toContain('spec.clearance.viewer');

      const raised = await call(
        'office',
        'POST',
        '/api/v1/apply',
        CHARTER('\n  clearance: {viewer: confidential}'),
      );
      expect(raised.statusCode, raised.body).toBe(200);
      try {
        expect(samplesOf(await run('viewer', 'dataset:payments/secret'))).toHaveLength(1);
        // A contributor is cleared at least as high as a viewer.
        expect(samplesOf(await run('contrib', 'dataset:payments/secret'))).toHaveLength(1);
        const vault = await run('viewer', 'dataset:payments/vault');
        expect(vault.samplesWithheld).toMatch(/classified restricted, .*cleared to confidential/);
        expect(JSON.stringify(vault)).not.toMatch(LEAK);

        const lowered = await call(
          'office',
          'POST',
          '/api/v1/apply',
          CHARTER('\n  clearance: {steward: internal}'),
        );
        expect(lowered.statusCode, lowered.body).toBe(200);
        expect((await run('steward', 'dataset:payments/secret')).samplesWithheld).toMatch(
          /steward on domain:payments is cleared to internal/,
        );
        // The data office is cleared for everything whatever the charter says.
        expect(samplesOf(await run('office', 'dataset:payments/vault'))).toHaveLength(1);
      } finally {
        expect((await call('office', 'POST', '/api/v1/apply', CHARTER())).statusCode).toBe(200);
      }
    });

    it('withholds through the CLI talking to the server', async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const cli = (role: Role) =>
        promisify(execFile)(
          process.execPath,
          [bin, 'check', 'dataset:payments/secret', '--samples', '2', '-o', 'json'],
          {
            env: {
              ...process.env,
              CHARTER_SERVER: `http://127.0.0.1:${port}`,
              CHARTER_TOKEN: tokens[role],
              CHARTER_DATABASE_URL: '',
            },
          },
        ).catch((error: { code: number; stdout: string; stderr: string }) => error);
      const viewer = await cli('viewer');
      expect(viewer.stdout, viewer.stderr).toContain('sample values are withheld');
      expect(viewer.stdout).not.toMatch(LEAK);
      const steward = await cli('steward');
      expect(steward.stdout).toMatch(LEAK);
    }, 60_000);
  });
}

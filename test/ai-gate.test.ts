/**
 * The AI section and the AI-use gate on both stores, over the demo organisation: validation on
 * apply with JSON paths and allowed values, allow and deny with every reason, freshness, quality
 * and incidents from real checks, application clearance, audit, listing, the HTTP API and the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiDecision, AiGate } from '../src/ai/ai-gate.js';
import { buildContext, contextMarkdown } from '../src/ai/context-pack.js';
import { ReadinessService } from '../src/ai/readiness.js';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import { InputError, NotFoundError } from '../src/model/errors.js';
import { QualityService } from '../src/quality/quality-service.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { aiStoreFor } from '../src/store/sql/sql-ai-store.js';
import { qualityStoreFor } from '../src/store/sql/sql-quality-store.js';
import { charter } from './support/cli.js';
import { repoRoot } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const KB = 'dataset:support/kb-articles';
const CHAT = 'dataset:support/chat-transcripts';
const CUSTOMERS = 'dataset:customer/customers';
const NOW = new Date('2026-11-26T12:00:00Z');

function contract(ai: unknown, name = 'ai-probe') {
  return `apiVersion: v3.1.0
kind: DataContract
id: ${name}
name: ${name}
version: 1.0.0
status: active
domain: support
description: { purpose: A probe for AI-section validation. }
team: { name: support-ml, members: [{ username: kemi, role: owner }, { username: liam, role: steward }] }
schema:
  - name: probe
    description: Probe rows.
    properties:
      - { name: id, description: Key., logicalType: string, classification: internal }
      - { name: email, description: E-mail., logicalType: string, classification: internal }
customProperties:
  - { property: sourceSystem, value: probe }
  - property: x-charter-ai
    value: ${JSON.stringify(ai)}
`;
}

function app(name: string, clearance?: string) {
  return `apiVersion: charter/v1
kind: AiApplication
metadata: { name: ${name}, domain: support }
spec:
  type: rag_application
  version: "1.0"
  stage: development
  owners: [user:kemi]
  intendedPurpose: Answer customer questions
${clearance ? `  x-charter-clearance: ${clearance}\n` : ''}`;
}

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`AI section and AI-use gate on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let gate: AiGate;
    let now = NOW;

    beforeAll(async () => {
      handle = await factory.create();
      platform = createPlatform(handle.store, { actor: 'user:loader', now: () => now });
      const applied = await platform.catalog.apply(
        parseSources([
          ...readManifestFiles([join(repoRoot, 'examples', 'org')]),
          {
            name: 'apps.yaml',
            content: `${app('gate-probe')}---\n${app('gate-probe-restricted', 'restricted')}`,
          },
        ]),
      );
      expect(applied.applied, JSON.stringify(applied.results.filter((r) => r.issues.length))).toBe(true);
      gate = new AiGate(platform.catalog, qualityStoreFor(handle.store), aiStoreFor(handle.store), {
        actor: 'user:kemi',
        now: () => now,
      });
    });
    afterAll(async () => {
      await handle?.dispose();
    });

    it('refuses an AI section with unknown values, naming each JSON path and the allowed values', async () => {
      const result = await platform.catalog.apply(
        parseSources([
          {
            name: 'bad.yaml',
            content: contract({
              uses: { permitted: ['training', 'dreaming'] },
              personalData: {
                level: 'personal',
                fields: [
                  { path: 'probe.email', category: 'pd:EmailAddress', protection: 'hidden' },
                  { path: 'probe.phone', category: 'pd:TelephoneNumber', protection: 'masked' },
                ],
              },
              legal: { legalBasis: 'gdpr-consent', purposes: ['dpv:Spying'] },
              rights: { license: 'WTFPL-ish', aiTrainingPermitted: 'yes' },
              currency: { freshnessSla: '1 day' },
            }),
          },
        ]),
      );
      expect(result.applied).toBe(false);
      const issues = result.results[0]!.issues;
      const at = (path: string) =>
        issues.find((i) => i.path === `customProperties[1].value.${path}`)?.message;
      expect(at('uses.permitted[1]')).toMatch(
        /"dreaming" is not known; expected one of training, fine_tuning/,
      );
      expect(at('personalData.fields[0].protection')).toMatch(/expected one of none, masked, tokenised/);
      expect(at('personalData.fields[1].path')).toMatch(/'probe.phone' is not a field of this contract/);
      expect(at('legal.legalBasis')).toMatch(/"gdpr-consent" is not known; expected one of eu-gdpr:A6-1-a/);
      expect(at('legal.purposes[0]')).toMatch(
        /"dpv:Spying" is not known; expected one of .*dpv:CustomerCare/,
      );
      expect(at('rights.license')).toMatch(/"WTFPL-ish" is not known; expected an SPDX id \(CC0-1.0/);
      expect(at('rights.aiTrainingPermitted')).toBe('must be true or false');
      expect(at('currency.freshnessSla')).toMatch(/ISO 8601 duration/);
      expect(issues).toHaveLength(8);
      await expect(platform.catalog.get('dataset:support/ai-probe')).rejects.toBeInstanceOf(NotFoundError);

      // A valid section is admitted and kept exactly as written (round trip).
      const ai = {
        uses: { permitted: ['evaluation'], outOfScope: ['training'] },
        gaps: { limitations: ['none known'] },
        personalData: { level: 'none' },
        rights: { license: 'CC-BY-4.0', aiTrainingPermitted: true },
      };
      const ok = await platform.catalog.apply(parseSources([{ name: 'ok.yaml', content: contract(ai) }]));
      expect(ok.applied, JSON.stringify(ok.results[0])).toBe(true);
      const { doc } = await platform.catalog.get('dataset:support/ai-probe');
      expect(doc.customProperties).toEqual([
        { property: 'sourceSystem', value: 'probe' },
        { property: 'x-charter-ai', value: ai },
      ]);
    });

    it("refuses keys the AI section does not have, saying which was meant; x- keys are the owner's", async () => {
      const result = await platform.catalog.apply(
        parseSources([
          {
            name: 'typos.yaml',
            content: contract({
              uses: { permited: ['training'] },
              legalBasis: 'eu-gdpr:A6-1-f',
              licence: 'CC-BY-4.0',
              rights: { license: 'CC-BY-4.0', aiTrainingPermitted: true, 'x-reviewed-by': 'legal' },
              personalData: { level: 'none', fields: [{ path: 'probe.id', protecton: 'masked' }] },
              'x-team-note': 'ours',
              gaps: { limitations: ['none known'], knownGaps: [{ gap: 'a', remediation: 'b', fix: 'c' }] },
            }),
          },
        ]),
      );
      expect(result.applied).toBe(false);
      const issues = result.results[0]!.issues.filter((i) => i.message.includes('is not a field of'));
      expect(issues.map((i) => [i.path.replace('customProperties[1].value.', ''), i.message])).toEqual([
        [
          'uses.permited',
          "is not a field of the AI section's uses (AI-METADATA §7.1); did you mean permitted?",
        ],
        ['legalBasis', 'is not a field of the AI section (AI-METADATA §7.1); did you mean legal.legalBasis?'],
        ['licence', 'is not a field of the AI section (AI-METADATA §7.1); did you mean rights.license?'],
        [
          'personalData.fields[0].protecton',
          "is not a field of the AI section's personalData.fields (AI-METADATA §7.1); did you mean protection?",
        ],
        [
          'gaps.knownGaps[0].fix',
          "is not a field of the AI section's gaps.knownGaps (AI-METADATA §7.1); keys of your own start with x-",
        ],
      ]);
      await expect(platform.catalog.get('dataset:support/ai-probe')).resolves.toMatchObject({
        doc: { description: { purpose: 'A probe for AI-section validation.' } },
      });
    });

    it('allows retrieval from a fresh corpus, records the decision and audits it in the chain', async () => {
      const d = await gate.decide({ dataset: KB, use: 'rag_retrieval' });
      expect(d.decision).toBe('allow');
      expect(d.reasons).toEqual([]);
      expect(d.checks.find((c) => c.check === 'rag-freshness')).toMatchObject({
        status: 'pass',
        detail: 'P7D',
      });
      const [record] = await platform.catalog.auditLog({ ref: KB, limit: 1, afterSeq: d.auditSeq - 1 });
      expect(record).toMatchObject({
        seq: d.auditSeq,
        action: 'ai.allow',
        actor: 'user:kemi',
        ref: KB,
        details: { decision: d.id, use: 'rag_retrieval', reasons: [] },
      });
      expect((await platform.catalog.auditVerify()).intact).toBe(true);
      const listed = await gate.decisions({ dataset: KB });
      expect(listed[0]).toEqual(d);
    });

    it('denies a stale corpus and says what would change the answer', async () => {
      now = new Date('2026-12-10T00:00:00Z');
      try {
        const d = await gate.decide({ dataset: KB, use: 'rag_retrieval' });
        expect(d.decision).toBe('deny');
        expect(d.reasons).toEqual([
          expect.objectContaining({
            check: 'rag-freshness',
            path: 'customProperties[0].value.currency.lastRefreshedAt',
            message: expect.stringMatching(/stale: last refreshed 354 h ago, beyond its freshness SLA P7D/),
          }),
        ]);
        expect(d.wouldChange).toEqual([expect.stringMatching(/Refresh the corpus/)]);
      } finally {
        now = NOW;
      }
    });

    it('lists every reason of a deny: use out of scope, purpose, identifiers in the clear, licence', async () => {
      const d = await gate.decide({ dataset: CUSTOMERS, use: 'training', purpose: 'dpv:Marketing' });
      expect(d.decision).toBe('deny');
      expect(d.reasons.map((r) => r.check)).toEqual([
        'use-permitted',
        'purpose',
        'identifiers-protected',
        'licence',
      ]);
      expect(d.reasons[2]!.message).toContain('customers.email, customers.phone');
      expect(d.reasons[0]!.path).toBe('customProperties[2].value.uses.outOfScope');
      // The recorded purpose passes; the use is permitted for evaluation.
      const ok = await gate.decide({
        dataset: CUSTOMERS,
        use: 'evaluation',
        purpose: 'dpv:ServiceProvision',
      });
      expect(ok.decision).toBe('allow');
      // A dataset without an AI section is not offered for AI use.
      const none = await gate.decide({ dataset: 'dataset:finance/fx-rates', use: 'evaluation' });
      expect(none.reasons.map((r) => r.check)).toEqual(['ai-section']);
    });

    it('denies an application cleared below the data, and allows one cleared for it', async () => {
      const low = await gate.decide({ dataset: CHAT, use: 'evaluation', for: 'app:support/gate-probe' });
      expect(low.decision).toBe('deny');
      expect(low.reasons).toEqual([
        expect.objectContaining({
          check: 'clearance',
          message: `${CHAT} is restricted, above what app:support/gate-probe is cleared for (internal, the default)`,
        }),
      ]);
      const high = await gate.decide({
        dataset: CHAT,
        use: 'evaluation',
        for: 'app:support/gate-probe-restricted',
      });
      expect(high.decision).toBe('allow');
    });

    it('denies while the latest quality run fails and an incident is open (real checks over the demo files)', async () => {
      const quality = new QualityService(platform.catalog, qualityStoreFor(handle.store), {
        actor: 'user:liam',
        dataRoot: join(repoRoot, 'examples'),
      });
      const before = await gate.decide({ dataset: CHAT, use: 'fine_tuning' });
      expect(before.decision).toBe('allow');
      const report = await quality.check({ ref: CHAT });
      expect(report.status).toBe('failed');
      const after = await gate.decide({ dataset: CHAT, use: 'fine_tuning' });
      expect(after.decision).toBe('deny');
      expect(after.reasons.map((r) => r.check)).toEqual(['quality', 'incident']);
      expect(after.reasons[1]!.fix).toMatch(/Resolve incident .* \(assigned to user:kemi, user:liam\)/);
    });

    it('answers an unknown dataset, use, purpose or application with bad input and records nothing', async () => {
      const count = (await gate.decisions({ limit: 1000 })).length;
      await expect(gate.decide({ dataset: 'dataset:support/nope', use: 'training' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(gate.decide({ dataset: KB, use: 'dreaming' })).rejects.toThrow(
        /AI use 'dreaming' is not known; expected one of training/,
      );
      await expect(
        gate.decide({ dataset: KB, use: 'evaluation', purpose: 'dpv:Spying' }),
      ).rejects.toBeInstanceOf(InputError);
      await expect(
        gate.decide({ dataset: KB, use: 'evaluation', for: 'app:support/ghost' }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(gate.decide({ dataset: 'domain:support', use: 'evaluation' })).rejects.toBeInstanceOf(
        InputError,
      );
      expect(await gate.decisions({ limit: 1000 })).toHaveLength(count);
    });

    it('records concurrent decisions together, each with its own audit record', async () => {
      const asks = Array.from({ length: 40 }, (_, i) => ({
        dataset: i % 2 ? 'dataset:customer/customers' : 'dataset:support/kb-articles',
        use: i % 2 ? 'fine_tuning' : 'rag_retrieval',
      }));
      const before = (await platform.catalog.auditVerify()).records;
      const decided = await Promise.all(asks.map((a) => gate.decide(a)));
      // Every caller gets its own audit record; together they follow one another in the chain.
      const byRecord = [...decided].sort((a, b) => a.auditSeq - b.auditSeq);
      const first = byRecord[0]!.auditSeq;
      expect(byRecord.map((d) => d.auditSeq)).toEqual(byRecord.map((_, i) => first + i));
      const audit = await platform.catalog.auditLog({ afterSeq: first - 1, limit: 40 });
      expect(audit.map((r) => [r.seq, r.action, (r.details as { decision: string }).decision])).toEqual(
        byRecord.map((d) => [d.auditSeq, `ai.${d.decision}`, d.id]),
      );
      const stored = new Map((await gate.decisions({ limit: 1000 })).map((d) => [d.id, d.auditSeq]));
      expect(decided.map((d) => stored.get(d.id))).toEqual(decided.map((d) => d.auditSeq));
      const verified = await platform.catalog.auditVerify();
      expect(verified.intact).toBe(true);
      expect(verified.records).toBe(before + 40);
    });

    it('gives the governed context of a dataset: meaning, glossary, semantics, uses, quality — never values', async () => {
      const quality = qualityStoreFor(handle.store);
      const pack = await buildContext(platform.catalog, quality, CUSTOMERS);
      expect(pack).toMatchObject({
        ref: CUSTOMERS,
        kind: 'dataset',
        owners: [{ ref: 'user:chloe' }],
        ai: { declared: true, permittedUses: ['inference_input', 'evaluation'], personalData: 'personal' },
        quality: { status: null, openIncident: null },
      });
      expect(pack.stewards.map((s) => s.ref)).toEqual(['user:devi', 'user:olga']);
      const email = pack.fields.find((f) => f.path === 'customers.email');
      expect(email).toMatchObject({
        type: 'string',
        classification: 'confidential',
        semanticType: 'pd:EmailAddress',
        protection: 'none',
        description: 'Login and contact e-mail address, lower case.',
      });
      const id = pack.fields.find((f) => f.path === 'customers.customer_id')!;
      expect(id.glossary.map((g) => g.ref)).toEqual(['glossary:customer']);
      expect(id.glossary[0]!.definition).toMatch(/^A person with a Northwind account/);
      // The contract carries an example value; the context never does.
      expect(JSON.stringify((await platform.catalog.get(CUSTOMERS)).doc)).toContain('C1000417');
      const md = contextMarkdown(pack);
      expect(JSON.stringify(pack)).not.toContain('C1000417');
      expect(md).not.toContain('C1000417');
      expect(md).toContain(
        '| customers.email | string | confidential (none) | Login and contact e-mail address, lower case. | pd:EmailAddress | — |',
      );
      expect(md).toContain('- Permitted: inference_input, evaluation');

      // After a failing check the context says so, with the open incident.
      const chat = await buildContext(platform.catalog, quality, CHAT);
      expect(chat.quality).toMatchObject({ status: 'failed', failing: [expect.any(String)] });
      expect(chat.quality.openIncident?.title).toMatch(/failing check/);
      // A product lists its datasets.
      const product = await buildContext(platform.catalog, quality, 'product:support/support-knowledge');
      expect(product.datasets?.map((d) => d.ref)).toContain(KB);
      await expect(buildContext(platform.catalog, quality, 'domain:support')).rejects.toBeInstanceOf(
        InputError,
      );
    });

    it('scores AI readiness by the documented formula and says what would raise it', async () => {
      const service = new ReadinessService(platform.catalog, qualityStoreFor(handle.store), () => NOW);
      const kb = await service.readiness(KB);
      // 0.4 × 100 (5 of 5 applicable checks) + 0.3 × 100 (complete) + 0.2 × 0 (never checked) + 0.1 × 100 (fresh)
      expect(kb).toMatchObject({ kind: 'dataset', score: 80 });
      expect(kb.datasets[0]!.parts).toEqual({ checks: 100, completeness: 100, quality: 0, freshness: 100 });
      expect(kb.improvements).toEqual([{ gain: 20, action: `Run the quality checks (charter check ${KB})` }]);

      const customers = (await service.readiness(CUSTOMERS)).datasets[0]!;
      expect(customers.missing).toEqual([
        'collection.description',
        'collection.sourceType',
        'currency.maintenancePlan',
        'classification',
        'bias.examined',
      ]);
      // 40 + 0.3 × 9/14 × 100 + 0 + 0.1 × 50
      expect(customers.score).toBe(64.3);
      expect(customers.improvements.map((i) => i.gain)).toEqual([20, 10.7, 5]);

      const none = await service.readiness('dataset:finance/fx-rates');
      expect(none.score).toBe(0);
      expect(none.improvements[0]).toMatchObject({
        gain: 70,
        action: expect.stringMatching(/Add an AI section/),
      });

      // After the failing check and its open incident the transcripts lose quality points.
      const chat = (await service.readiness(CHAT)).datasets[0]!;
      expect(chat.parts.quality).toBeLessThan(50);
      expect(chat.improvements.map((i) => i.action)).toContainEqual(
        expect.stringMatching(/resolve incident/),
      );

      const domain = await service.readiness('domain:support');
      expect(domain.datasets.map((d) => d.ref)).toContain(KB);
      const mean = domain.datasets.reduce((a, d) => a + d.score, 0) / domain.datasets.length;
      expect(domain.score).toBeCloseTo(mean, 1);
      const product = await service.readiness('product:support/support-knowledge');
      expect(product.datasets.map((d) => d.ref)).toEqual(['dataset:catalog/products', KB]);
      expect(product.score).toBe(40);
      await expect(service.readiness('user:kemi')).rejects.toBeInstanceOf(InputError);
    });

    it('gives context over HTTP only for what the caller may read', async () => {
      const server = await buildApp({
        catalog: platform.catalog,
        governance: platform.governance,
        access: platform.access,
      });
      try {
        const { token } = await platform.access.tokens.create({
          principal: 'user:grace',
          name: 'ctx',
          expiresAt: null,
          actor: 'user:loader',
        });
        const get = (ref: string, format = '') =>
          server.inject({
            method: 'GET',
            url: `/api/v1/context/${encodeURIComponent(ref)}${format}`,
            headers: { authorization: `Bearer ${token}` },
          });
        const own = await get('dataset:payments/refunds');
        expect(own.statusCode).toBe(200);
        expect(own.json().ref).toBe('dataset:payments/refunds');
        const md = await get('dataset:payments/refunds', '?format=md');
        expect(md.headers['content-type']).toMatch(/text\/markdown/);
        expect(md.body).toMatch(/^# .*`dataset:payments\/refunds`/);
        const other = await get(CUSTOMERS);
        expect(other.statusCode).toBe(403);
        expect(other.body).not.toContain('customers.email');
        expect((await get('dataset:support/nope')).statusCode).toBe(404);
        // The gate refuses to answer about a dataset the caller may not read.
        const decide = await server.inject({
          method: 'POST',
          url: '/api/v1/ai/decisions',
          headers: { authorization: `Bearer ${token}` },
          payload: { dataset: CUSTOMERS, use: 'evaluation' },
        });
        expect(decide.statusCode).toBe(403);
        const readiness = (ref: string) =>
          server.inject({
            method: 'GET',
            url: `/api/v1/ai/readiness/${encodeURIComponent(ref)}`,
            headers: { authorization: `Bearer ${token}` },
          });
        expect((await readiness(CUSTOMERS)).statusCode).toBe(403);
        const payments = await readiness('domain:payments');
        expect(payments.statusCode).toBe(200);
        expect(payments.json().datasets.length).toBeGreaterThan(0);
        // A domain the caller cannot read contributes nothing it may not see.
        const all = (await readiness('domain:customer')).json();
        expect(all.datasets ?? []).toEqual([]);
      } finally {
        await server.close();
      }
    });

    describe('over HTTP', () => {
      let server: FastifyInstance;
      beforeAll(async () => {
        server = await buildApp({ catalog: platform.catalog, governance: platform.governance });
      });
      afterAll(async () => {
        await server?.close();
      });

      it('POST answers allow and deny as 200, unknowns as 4xx; GET lists the decisions', async () => {
        const post = (body: unknown) =>
          server.inject({
            method: 'POST',
            url: '/api/v1/ai/decisions',
            headers: { 'x-charter-actor': 'user:grace' },
            payload: body as Record<string, unknown>,
          });
        const deny = await post({ dataset: CUSTOMERS, use: 'rag_retrieval' });
        expect(deny.statusCode).toBe(200);
        const body = deny.json() as AiDecision;
        expect(body).toMatchObject({ decision: 'deny', actor: 'user:grace', use: 'rag_retrieval' });
        expect((await post({ dataset: 'dataset:support/nope', use: 'training' })).statusCode).toBe(404);
        const bad = await post({ dataset: KB, use: 'dreaming' });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.name).toBe('InputError');
        expect((await post({ dataset: KB })).statusCode).toBe(400);
        const list = await server.inject({
          method: 'GET',
          url: `/api/v1/ai/decisions?dataset=${encodeURIComponent(CUSTOMERS)}&limit=1`,
        });
        expect(list.json().decisions).toEqual([body]);
        const one = await server.inject({ method: 'GET', url: `/api/v1/ai/decisions/${body.id}` });
        expect(one.json()).toEqual(body);
      });
    });
  });
}

describe('charter ai decide (the binary)', () => {
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'charter-ai-cli-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('exits 0 on allow, 1 on deny, 2 on an unknown dataset, and lists decisions as JSON', () => {
    expect(charter(home, 'apply', '-f', join(repoRoot, 'examples', 'org')).code).toBe(0);
    const allow = charter(home, 'ai', 'decide', '--dataset', CUSTOMERS, '--use', 'evaluation');
    expect(allow.stdout).toMatch(/^ALLOW {2}evaluation of dataset:customer\/customers/);
    expect(allow.code).toBe(0);
    const deny = charter(home, 'ai', 'decide', '--dataset', CUSTOMERS, '--use', 'fine_tuning');
    expect(deny.code).toBe(1);
    expect(deny.stdout).toContain(
      "✗ use-permitted: dataset:customer/customers declares 'fine_tuning' out of scope",
    );
    const unknown = charter(
      home,
      'ai',
      'decide',
      '--dataset',
      'dataset:customer/nobody',
      '--use',
      'training',
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Dataset 'dataset:customer/nobody' not found");
    const listed = charter(home, 'ai', 'decisions', '--dataset', CUSTOMERS, '-o', 'json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as AiDecision[]).map((d) => d.decision)).toEqual(['deny', 'allow']);
    const context = charter(home, 'context', CUSTOMERS, '-o', 'md');
    expect(context.code).toBe(0);
    expect(context.stdout).toMatch(/^# customers \(`dataset:customer\/customers`, v1\)/);
    expect(context.stdout).not.toContain('C1000417');
  });
});

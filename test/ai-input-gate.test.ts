/**
 * The AI-use gate over what a model or application declares it uses, on both stores: applying
 * one warns the caller for each input link the gate would refuse for its role (judging a dataset
 * applied in the same change as applied, recording no decision and nothing in the audit log), `describe` shows the gate's answer per link now,
 * and a caller who may not read a dataset is told neither the answer nor its reasons;
 * `charter ai decide --for` alone asks and records the gate for every input the caller may read.
 * A contract change, an approved version or a quality run that turns a declared input's answer
 * around warns the caller (contract changes) and is recorded on the system and sent to the webhooks
 * of its domain and the dataset's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiDecision, AiGate } from '../src/ai/ai-gate.js';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import { QualityService } from '../src/quality/quality-service.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { aiStoreFor } from '../src/store/sql/sql-ai-store.js';
import { qualityStoreFor } from '../src/store/sql/sql-quality-store.js';
import { BAD, GOOD, QUALITY_ORG } from './quality-fixtures.js';
import { charterAsync } from './support/cli.js';
import { guardedApp, tokensFor } from './support/guarded-app.js';
import { repoRoot } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const PROBE = 'dataset:marketing/gate-probe';
const TICKETS = 'dataset:support/support-tickets';

/** A marketing dataset with no personal data; with `uses`, an AI section permitting them. */
function probe(uses?: string[]) {
  const ai = uses
    ? `customProperties:
  - property: x-charter-ai
    value:
      uses: { permitted: [${uses.join(', ')}], outOfScope: [rag_retrieval] }
      gaps: { limitations: [A probe.] }
      personalData: { level: none }
      rights: { license: CC-BY-4.0, aiTrainingPermitted: true }
`
    : '';
  return `apiVersion: v3.1.0
kind: DataContract
id: gate-probe
name: gate-probe
version: 1.0.0
status: active
domain: marketing
description: { purpose: A probe for the AI-use gate at admission${uses ? ', offered for AI' : ''}. }
team: { name: growth, members: [{ username: maya, role: owner }, { username: noah, role: steward }] }
schema:
  - name: probe
    description: Probe rows.
    properties:
      - { name: id, description: Key., logicalType: string, classification: internal }
${ai}`;
}

function model(description: string, inputs: string) {
  return `apiVersion: charter/v1
kind: Model
metadata: { name: gate-model, domain: marketing }
spec:
  title: Gate model
  description: ${description}
  version: "0.1"
  stage: development
  owners: [user:maya]
  stewards: [user:noah]
  inputs:
${inputs}`;
}

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`AI-use gate at admission on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;

    beforeAll(async () => {
      handle = await factory.create();
      platform = createPlatform(handle.store, { actor: 'user:loader' });
      const loaded = await platform.catalog.apply(
        parseSources(readManifestFiles([join(repoRoot, 'examples', 'org')])),
      );
      expect(loaded.applied).toBe(true);
    });
    afterAll(async () => {
      await handle?.dispose();
    });

    const apply = (...contents: string[]) =>
      platform.catalog.apply(parseSources(contents.map((content, i) => ({ name: `doc${i}.yaml`, content }))));

    it('warns for each input the gate refuses, judges a dataset applied with it as applied, records nothing', async () => {
      const decisions = async () => (await aiStoreFor(handle.store).decisions({ limit: 1000 })).length;
      const before = await decisions();
      const inputs = `    - { dataset: ${PROBE}, version: 1, role: training }
    - { dataset: ${PROBE}, version: 1, role: output }
`;
      const first = await apply(probe(), model('First.', inputs));
      expect(first.applied).toBe(true);
      const m = first.results.find((r) => r.ref === 'model:marketing/gate-model')!;
      // Advice for the caller, not a policy violation: admitted as it is, and the audit keeps none of it.
      expect(m.admission).toBe('admitted');
      expect(m.violations).toEqual([]);
      // The training link only: an output link is not a use of the dataset.
      expect(m.warnings).toEqual([
        {
          path: 'spec.inputs[0]',
          message: expect.stringMatching(
            /^the AI-use gate refuses training of dataset:marketing\/gate-probe \(ai-section\): Add a customProperties entry \{property: x-charter-ai, value: \{uses: \{permitted: \[training\]\}/,
          ),
        },
      ]);
      const [record] = await platform.catalog.auditLog({ ref: 'model:marketing/gate-model', limit: 1 });
      expect(record).toMatchObject({ action: 'create', ref: 'model:marketing/gate-model' });
      expect(JSON.stringify(record)).not.toContain('AI-use gate');

      // The dataset's AI section arrives in the same apply as the model's change: judged as applied.
      const second = await apply(probe(['training']), model('Second.', inputs));
      expect(second.applied).toBe(true);
      expect(second.results.find((r) => r.ref === PROBE)!.version).toBe(2);
      const again = second.results.find((r) => r.ref === 'model:marketing/gate-model')!;
      expect(again.admission).toBe('admitted');
      expect(again.warnings).toEqual([]);
      expect(await decisions()).toBe(before);

      const described = await platform.catalog.describe('model:marketing/gate-model');
      expect(described.inputsGate).toEqual([
        { index: 0, dataset: PROBE, use: 'training', decision: 'allow', reasons: [] },
      ]);
    });

    it('shows a caller the answer for what they may read, and neither answer nor reasons for the rest', async () => {
      let server: FastifyInstance | undefined;
      try {
        server = await guardedApp(platform);
        const { maya, ada } = (await tokensFor(platform, ['maya', 'ada'])) as Record<'maya' | 'ada', string>;
        const headers = { authorization: `Bearer ${maya}`, 'content-type': 'application/json' };
        // maya owns marketing and holds no role in support.
        const doc = model(
          'Reads support tickets.',
          `    - { dataset: ${TICKETS}, version: 1, role: training }
    - { dataset: ${PROBE}, version: 2, role: evaluation }
`,
        );
        const applied = await server.inject({
          method: 'POST',
          url: '/api/v1/apply',
          headers,
          payload: { files: [{ name: 'model.yaml', content: doc }] },
        });
        expect(applied.statusCode, applied.body).toBe(200);
        const result = applied
          .json()
          .results.find((r: { ref: string }) => r.ref === 'model:marketing/gate-model');
        expect(result.warnings).toEqual([
          {
            path: 'spec.inputs[0]',
            line: 12,
            message: `you may not read ${TICKETS}, so the AI-use gate's answer for training is not shown; ask its owners`,
          },
          {
            path: 'spec.inputs[1]',
            line: 13,
            message: `the AI-use gate refuses evaluation of ${PROBE} (use-permitted): The owner adds 'evaluation' to uses.permitted`,
          },
        ]);
        expect(JSON.stringify(result)).not.toMatch(/ai-section|clearance|restricted/);

        const described = await server.inject({
          method: 'GET',
          url: `/api/v1/assets/${encodeURIComponent('model:marketing/gate-model')}/describe`,
          headers: { authorization: `Bearer ${maya}` },
        });
        expect(described.statusCode, described.body).toBe(200);
        expect(described.json().inputsGate).toEqual([
          { index: 0, dataset: TICKETS, use: 'training', decision: 'restricted', reasons: [] },
          {
            index: 1,
            dataset: PROBE,
            use: 'evaluation',
            decision: 'deny',
            reasons: [
              {
                check: 'use-permitted',
                message: `${PROBE} does not permit 'evaluation' (permitted: training)`,
                fix: "The owner adds 'evaluation' to uses.permitted",
              },
            ],
          },
        ]);

        // `charter ai decide --for` alone asks (and records) every input the caller may read.
        await server.listen({ port: 0, host: '127.0.0.1' });
        const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
        const cli = (token: string, ...args: string[]) =>
          charterAsync(['--server', url, '--token', token, ...args]);
        const asMaya = await cli(maya, 'ai', 'decide', '--for', 'model:marketing/gate-model', '-o', 'json');
        expect(asMaya.code, asMaya.stderr).toBe(1);
        const answer = JSON.parse(asMaya.stdout) as {
          for: string;
          decisions: AiDecision[];
          notAsked: { dataset: string; use: string; reason: string }[];
        };
        expect(answer.for).toBe('model:marketing/gate-model');
        expect(answer.decisions.map((d) => [d.dataset, d.use, d.decision, d.actor, d.for])).toEqual([
          [PROBE, 'evaluation', 'deny', 'user:maya', 'model:marketing/gate-model'],
        ]);
        expect(answer.notAsked).toEqual([
          { dataset: TICKETS, use: 'training', reason: 'you may not read it' },
        ]);
        const recorded = await aiStoreFor(handle.store).decisions({ dataset: PROBE, limit: 10 });
        expect(recorded.map((d) => d.id)).toContain(answer.decisions[0]!.id);

        const asAda = await cli(ada, 'ai', 'decide', '--for', 'model:cards/fraud-scorer');
        expect(asAda.code, asAda.stderr).toBe(0);
        expect(asAda.stdout).toContain('model:cards/fraud-scorer: 3 of 3 inputs allowed.');
        expect(asAda.stdout.match(/^ALLOW {2}/gm)).toHaveLength(3);

        // The inventory: the systems each caller may read, with the gate's answer per input.
        const inventory = async (token: string, query = '') => {
          const r = await server!.inject({
            method: 'GET',
            url: `/api/v1/ai/systems${query}`,
            headers: { authorization: `Bearer ${token}` },
          });
          return { status: r.statusCode, body: r.json() };
        };
        const mayas = await inventory(maya);
        expect(mayas.status).toBe(200);
        // maya reads marketing only: her model, and none of the support or cards systems.
        expect(mayas.body.systems.map((x: { ref: string }) => x.ref)).toEqual(['model:marketing/gate-model']);
        expect(mayas.body.systems[0]).toMatchObject({
          kind: 'Model',
          stage: 'development',
          owners: ['user:maya'],
          refused: 1,
          inputs: [
            { index: 0, dataset: TICKETS, use: 'training', decision: 'restricted', checks: [] },
            { index: 1, dataset: PROBE, use: 'evaluation', decision: 'deny', checks: ['use-permitted'] },
          ],
        });
        const adas = await inventory(ada);
        const byRef = new Map(adas.body.systems.map((x: { ref: string }) => [x.ref, x]));
        expect(byRef.get('model:cards/fraud-scorer')).toMatchObject({
          refused: 0,
          inputs: [{ decision: 'allow' }, { decision: 'allow' }, { decision: 'allow' }],
        });
        expect(byRef.get('model:marketing/gate-model')).toMatchObject({
          refused: 2,
          inputs: [{ decision: 'deny', checks: ['ai-section', 'clearance'] }, { decision: 'deny' }],
        });
        // Most refused first.
        const refusedCounts = adas.body.systems.map((x: { refused: number }) => x.refused);
        expect(refusedCounts).toEqual([...refusedCounts].sort((a, b) => b - a));
        expect(
          (await inventory(ada, '?domain=cards')).body.systems.map((x: { ref: string }) => x.ref),
        ).toEqual(['model:cards/fraud-scorer']);
        // A domain's systems include its sub-domains' (cards is under payments, under finance).
        expect(
          (await inventory(ada, '?domain=finance')).body.systems.map((x: { ref: string }) => x.ref),
        ).toEqual(['model:cards/fraud-scorer']);
        expect((await inventory(ada, '?domain=nowhere')).status).toBe(404);
        const listed = await cli(maya, 'ai', 'systems');
        expect(listed.code, listed.stderr).toBe(0);
        expect(listed.stdout).toContain('model:marketing/gate-model');
        expect(listed.stdout).toContain(`${PROBE} for evaluation (use-permitted)`);

        const half = await cli(ada, 'ai', 'decide', '--dataset', PROBE);
        expect(half.code).toBe(2);
        expect(half.stderr).toContain('Give --dataset and --use');

        // The local administrator sees why the tickets are refused.
        const local = await platform.catalog.describe('model:marketing/gate-model');
        expect(local.inputsGate?.[0]).toMatchObject({
          dataset: TICKETS,
          decision: 'deny',
          reasons: [
            expect.objectContaining({ check: 'ai-section' }),
            expect.objectContaining({ check: 'clearance' }),
          ],
        });
      } finally {
        await server?.close();
      }
    });

    it("records each input whose answer a change turned around on its system, for the system's and the dataset's domains", async () => {
      const lineage = platform.lineage;
      const types = ['io.charter.ai.input.refused', 'io.charter.ai.input.allowed'];
      const cards = await lineage.addWebhook({
        url: 'https://hooks.example.com/cards',
        domain: 'cards',
        events: types,
      });
      const payments = await lineage.addWebhook({
        url: 'https://hooks.example.com/payments',
        domain: 'payments',
      });
      const support = await lineage.addWebhook({
        url: 'https://hooks.example.com/support',
        domain: 'support',
      });
      const events = async (webhookId: string) =>
        (await lineage.deliveries({ webhook: webhookId }))
          .map((d) => d.eventType)
          .filter((t) => t?.includes('.ai.'));
      const flips = async () =>
        (await platform.catalog.auditLog({ ref: 'model:cards/fraud-scorer', limit: 20 })).filter((r) =>
          r.action.startsWith('ai.input.'),
        );
      const file = join(repoRoot, 'examples', 'org', 'domains', 'payments', 'payment-transactions.odcs.yaml');
      const original = readFileSync(file, 'utf8');
      const permits = 'permitted: [training, validation, evaluation]';
      expect(original).toContain(permits);
      expect(original).toMatch(/^status: active$/m);
      const deprecated = original.replace(/^status: active$/m, 'status: deprecated');

      // A change that leaves the fraud scorer's answers as they were records nothing.
      expect((await apply(deprecated)).applied).toBe(true);
      expect(await flips()).toEqual([]);

      // The owners stop permitting training: the production fraud scorer trains on it.
      const refusing = await apply(deprecated.replace(permits, 'permitted: [validation, evaluation]'));
      expect(refusing.applied).toBe(true);
      // The caller is told before anything else, on the line of the AI section's permitted uses.
      expect(refusing.results[0]!.warnings).toContainEqual({
        path: 'customProperties[0].value.uses.permitted',
        message: `this change makes the AI-use gate refuse training of it for model:cards/fraud-scorer, in production (failing: use-permitted); once the change is live, this is recorded on the system and sent to the webhooks of its domain and the dataset's`,
      });
      const [refused] = await flips();
      expect(refused).toMatchObject({
        actor: 'user:loader',
        action: 'ai.input.refused',
        ref: 'model:cards/fraud-scorer',
        details: {
          input: 0,
          dataset: 'dataset:payments/payment-transactions',
          datasetVersion: refusing.results[0]!.version,
          use: 'training',
          stage: 'production',
          checks: ['use-permitted'],
          wouldChange: ["The owner adds 'training' to uses.permitted"],
          domains: ['payments'],
        },
      });
      // describe says since when, and by whose change, the link has its answer.
      const since = async () =>
        (await platform.catalog.describe('model:cards/fraud-scorer')).inputsGate?.map((g) => g.since);
      expect(await since()).toEqual([
        {
          time: refused!.time,
          actor: 'user:loader',
          auditSeq: refused!.seq,
          datasetVersion: refusing.results[0]!.version,
        },
        undefined,
        undefined,
      ]);
      // The system's domain and the dataset's hear of it; no other domain does.
      expect(await events(cards.id)).toEqual(['io.charter.ai.input.refused']);
      expect(await events(payments.id)).toEqual(['io.charter.ai.input.refused']);
      expect(await events(support.id)).toEqual([]);

      // Back to active and permitting training again: deprecated to active waits for the data office,
      // and a version waiting for approval changes no answer.
      const back = await apply(original);
      expect(back.results[0]!.status).toBe('pending');
      expect(back.results[0]!.warnings).toContainEqual({
        path: 'customProperties[0].value.uses.permitted',
        message: expect.stringMatching(
          /^this change makes the AI-use gate allow training of it for model:cards\/fraud-scorer, in production, which it refused for use-permitted; once the change is live/,
        ),
      });
      expect(await flips()).toHaveLength(1);
      const [open] = await platform.governance.approvals({
        ref: 'dataset:payments/payment-transactions',
        state: 'open',
      });
      await platform.governance.decideApproval(open!.id, 'approved', 'user:ada', null);
      // Oldest first: the refusal, then this.
      const [, allowed] = await flips();
      expect(allowed).toMatchObject({
        actor: 'user:ada',
        action: 'ai.input.allowed',
        details: { input: 0, use: 'training', checks: ['use-permitted'], domains: ['payments'] },
      });
      expect(allowed!.details).not.toHaveProperty('wouldChange');
      expect(await events(cards.id)).toEqual(['io.charter.ai.input.allowed', 'io.charter.ai.input.refused']);
      expect(await events(payments.id)).toEqual([
        'io.charter.ai.input.allowed',
        'io.charter.ai.input.refused',
      ]);
      const described = await platform.catalog.describe('model:cards/fraud-scorer');
      expect(described.inputsGate?.map((i) => i.decision)).toEqual(['allow', 'allow', 'allow']);
      expect(described.inputsGate?.[0]?.since).toMatchObject({ actor: 'user:ada', auditSeq: allowed!.seq });

      // A caller who may not read the system is told that a system of its domain is affected, not which.
      const reader = model('Reads the probe.', `    - { dataset: ${PROBE}, version: 2, role: training }\n`)
        .replace('name: gate-model, domain: marketing', 'name: probe-reader, domain: support')
        .replace('owners: [user:maya]', 'owners: [user:kemi]')
        .replace('stewards: [user:noah]', 'stewards: [user:kemi]');
      const read = await apply(reader);
      expect(read.applied, JSON.stringify(read.results)).toBe(true);
      expect(read.results[0]!.warnings).toEqual([]);
      let server: FastifyInstance | undefined;
      try {
        server = await guardedApp(platform);
        const { maya } = (await tokensFor(platform, ['maya'])) as Record<'maya', string>;
        const applied = await server.inject({
          method: 'POST',
          url: '/api/v1/apply',
          headers: { authorization: `Bearer ${maya}`, 'content-type': 'application/json' },
          payload: { files: [{ name: 'probe.yaml', content: probe() }] },
        });
        expect(applied.statusCode, applied.body).toBe(200);
        const [result] = applied.json().results;
        expect(result.warnings).toContainEqual(
          expect.objectContaining({
            path: 'customProperties',
            message: expect.stringMatching(
              /^this change makes the AI-use gate refuse training of it for a system of support you may not read \(failing: ai-section\);/,
            ),
          }),
        );
        expect(JSON.stringify(result)).not.toContain('probe-reader');
        const [record] = (
          await platform.catalog.auditLog({ ref: 'model:support/probe-reader', limit: 10 })
        ).filter((r) => r.action === 'ai.input.refused');
        expect(record).toMatchObject({
          actor: 'user:maya',
          details: { dataset: PROBE, domains: ['marketing'] },
        });
      } finally {
        await server?.close();
      }
    });

    it("sends a refused AI-use answer to the webhooks of the dataset's domain and the asking system's, not an allowed one", async () => {
      const events = ['io.charter.ai.use.denied'];
      const support = await platform.lineage.addWebhook({
        url: 'https://hooks.example.com/s',
        domain: 'support',
        events,
      });
      const marketing = await platform.lineage.addWebhook({
        url: 'https://hooks.example.com/m',
        domain: 'marketing',
        events,
      });
      const cards = await platform.lineage.addWebhook({
        url: 'https://hooks.example.com/c',
        domain: 'cards',
        events,
      });
      const gate = new AiGate(platform.catalog, qualityStoreFor(handle.store), aiStoreFor(handle.store), {
        actor: 'user:ada',
      });
      const denied = await gate.decide({
        dataset: TICKETS,
        use: 'training',
        for: 'model:marketing/gate-model',
      });
      expect(denied.decision).toBe('deny');
      const allowed = await gate.decide({
        dataset: 'dataset:cards/card-authorisations',
        use: 'training',
        for: 'model:cards/fraud-scorer',
      });
      expect(allowed.decision).toBe('allow');
      const sent = async (webhook: string) =>
        (await platform.lineage.deliveries({ webhook })).map((d) => d.eventType);
      expect(await sent(support.id)).toEqual(['io.charter.ai.use.denied']);
      expect(await sent(marketing.id)).toEqual(['io.charter.ai.use.denied']);
      expect(await sent(cards.id)).toEqual([]);
    });
  });
}

const REFUNDS = 'dataset:payments/refunds';

/** The quality tests' organisation, its refunds offered for evaluation, and a production model evaluated on them. */
const QUALITY_AI_ORG = `${QUALITY_ORG.replace(
  'domain: payments\nservers:',
  `domain: payments
customProperties:
  - property: x-charter-ai
    value:
      uses: { permitted: [evaluation] }
      gaps: { limitations: [Test refunds.] }
      personalData: { level: none }
      rights: { license: CC-BY-4.0, aiTrainingPermitted: true }
servers:`,
)}
---
apiVersion: charter/v1
kind: Model
metadata: { name: refund-checker, domain: payments }
spec:
  title: Refund checker
  description: Flags refunds to look at.
  version: "1"
  stage: production
  owners: [user:alice]
  x-charter-clearance: confidential
  inputs:
    - { dataset: ${REFUNDS}, version: 1, role: evaluation }
`;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`AI-use gate after quality runs on ${factory.name}`, () => {
    let handle: StoreHandle;
    let dir: string;

    beforeAll(async () => {
      handle = await factory.create();
      dir = mkdtempSync(join(tmpdir(), 'charter-gate-quality-'));
    });
    afterAll(async () => {
      await handle?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('records an input a quality run turned around, with the run, and again when a run turns it back', async () => {
      const platform = createPlatform(handle.store, { actor: 'user:alice' });
      const applied = await platform.catalog.apply(
        parseSources([{ name: 'org.yaml', content: QUALITY_AI_ORG }]),
      );
      expect(applied.applied, JSON.stringify(applied.results.filter((r) => r.issues.length))).toBe(true);
      const quality = new QualityService(platform.catalog, qualityStoreFor(handle.store), {
        actor: 'user:scheduler',
        dataRoot: dir,
      });
      const hook = await platform.lineage.addWebhook({
        url: 'https://hooks.example.com/payments',
        domain: 'payments',
        events: ['io.charter.ai.input.refused', 'io.charter.ai.input.allowed'],
      });
      const flips = async () =>
        (await platform.catalog.auditLog({ ref: 'model:payments/refund-checker', limit: 50 })).filter((r) =>
          r.action.startsWith('ai.input.'),
        );
      const decision = async () =>
        (await platform.catalog.describe('model:payments/refund-checker')).inputsGate?.[0]?.decision;

      // Never checked, then passing: allowed on both sides, nothing recorded.
      expect(await decision()).toBe('allow');
      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      expect((await quality.check({ ref: REFUNDS }, {})).status).toBe('passed');
      expect(await flips()).toEqual([]);

      // A failing run (and the incident it opens) refuses the model's evaluation input.
      writeFileSync(join(dir, 'refunds.csv'), BAD);
      const failed = await quality.check({ ref: REFUNDS }, {});
      expect(failed.status).toBe('failed');
      expect(await decision()).toBe('deny');
      const [refused] = await flips();
      expect(refused).toMatchObject({
        actor: 'user:scheduler',
        action: 'ai.input.refused',
        details: {
          dataset: REFUNDS,
          use: 'evaluation',
          stage: 'production',
          checks: ['quality', 'incident'],
          qualityRun: failed.runs[0]!.id,
        },
      });

      // The inventory says since when, and whose run, it is refused.
      let server: FastifyInstance | undefined;
      try {
        server = await guardedApp(platform);
        const { alice } = (await tokensFor(platform, ['alice'])) as Record<'alice', string>;
        await server.listen({ port: 0, host: '127.0.0.1' });
        const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
        const cli = (...args: string[]) =>
          charterAsync(['--server', url, '--token', alice, ...args], { COLUMNS: '160' });
        const inventory = await cli('ai', 'systems');
        expect(inventory.code, inventory.stderr).toBe(0);
        expect(inventory.stdout).toContain(
          `${REFUNDS} for evaluation (quality, incident), since ${refused!.time.slice(0, 16).replace('T', ' ')} (user:scheduler)`,
        );

        // Another failing run changes no answer: nothing more.
        expect((await quality.check({ ref: REFUNDS }, {})).status).toBe('failed');
        expect(await flips()).toHaveLength(1);

        // Fixed: the passing run resolves the incident and allows it again.
        writeFileSync(join(dir, 'refunds.csv'), GOOD);
        const passed = await quality.check({ ref: REFUNDS }, {});
        expect(passed.status).toBe('passed');
        const [, allowed] = await flips();
        expect(allowed).toMatchObject({
          action: 'ai.input.allowed',
          details: { checks: ['quality', 'incident'], qualityRun: passed.runs[0]!.id },
        });
        expect(await decision()).toBe('allow');
        const events = (await platform.lineage.deliveries({ webhook: hook.id })).map((d) => d.eventType);
        expect(events).toEqual(['io.charter.ai.input.allowed', 'io.charter.ai.input.refused']);
        const [link] = (await platform.catalog.describe('model:payments/refund-checker')).inputsGate!;
        expect(link!.since).toEqual({
          time: allowed!.time,
          actor: 'user:scheduler',
          auditSeq: allowed!.seq,
          datasetVersion: 1,
          qualityRun: passed.runs[0]!.id,
        });

        // The CLI's describe shows it beside the answer.
        const described = await cli('describe', 'model:payments/refund-checker');
        expect(described.code, described.stderr).toBe(0);
        expect(described.stdout).toMatch(
          new RegExp(
            `dataset:payments/refunds +evaluation +allow +${allowed!.time.slice(0, 16).replace('T', ' ')} user:scheduler \\(quality run\\)`,
          ),
        );
      } finally {
        await server?.close();
      }
    });
  });
}

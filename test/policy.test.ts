/**
 * The federated policy engine end to end, on both stores: admission of every kind of enforcement,
 * federation (tighten-only), approvals with separation of duties, waivers that lapse, compliance,
 * explain, and rules that are broken, failing at run time or adversarial.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const orgYaml = readFileSync(fileURLToPath(new URL('./fixtures/small-org.yaml', import.meta.url)), 'utf8')
  // The data office, so someone may approve.
  .replace(
    '  ownershipTypes: [owner, steward, technical-owner]',
    '  ownershipTypes: [owner, steward, technical-owner]\n  dataOffice: [user:alice]',
  );

const policy = (name: string, spec: string, domain?: string) =>
  `apiVersion: charter/v1\nkind: Policy\nmetadata: {name: ${name}${domain ? `, domain: ${domain}` : ''}}\nspec:\n${spec}\n`;

const pii = policy(
  'pii-classified',
  `  match: {kinds: [DataContract]}
  scope: field
  rule: '!field.tags.exists(t, t == "pii") || (has(field.classification) && classificationRank(field.classification) >= classificationRank("confidential"))'
  message: "Field {{field.name}} is tagged pii but classified '{{field.classification ?? none}}'"
  remediation: Classify it confidential or restricted
  enforcement: deny`,
);
const described = policy(
  'fields-described',
  `  match: {kinds: [DataContract]}
  scope: field
  rule: has(field.description)
  message: "Field {{field.name}} has no description"
  enforcement: warn`,
);
const approval = policy(
  'status-change-approved',
  `  match: {kinds: [DataContract]}
  rule: '!has(previous.status) || previous.status == asset.status'
  message: "{{ref}} changes status from {{previous.status}} to {{asset.status}}"
  enforcement: require-approval`,
);

const contract = (opts: { email?: string; status?: string; extraField?: string } = {}) => `apiVersion: v3.1.0
kind: DataContract
id: c-orders
name: orders
version: 1.0.0
status: ${opts.status ?? 'active'}
domain: payments
description: {purpose: Orders}
schema:
  - name: orders
    properties:
      - {name: order_id, logicalType: string, description: Order number}
      - {name: email, logicalType: string, tags: [pii], classification: ${opts.email ?? 'confidential'}, description: Buyer e-mail}
      - {name: phone, logicalType: string, tags: [pii], classification: ${opts.email ?? 'confidential'}, description: Buyer phone}
${opts.extraField ? `      - {name: ${opts.extraField}, logicalType: string}\n` : ''}`;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`policies on ${factory.name}`, () => {
    let handle: StoreHandle;
    let p: Platform;
    let clock: Date;

    const apply = (text: string, actor = 'user:bob') =>
      p.catalog.as(actor).apply(parseSources([{ name: 'in.yaml', content: text }]));

    beforeEach(async () => {
      handle = await factory.create();
      clock = new Date('2026-11-27T12:00:00Z');
      p = createPlatform(handle.store, { actor: 'user:tester', now: () => clock });
      const base = await apply(`${orgYaml}---\n${pii}---\n${described}---\n${approval}`, 'user:alice');
      expect(base.applied, JSON.stringify(base.results.filter((r) => r.issues.length))).toBe(true);
    });
    afterEach(() => handle.dispose());

    it('admits a compliant contract at once', async () => {
      const r = await apply(contract());
      expect(r.results[0]).toMatchObject({
        ref: 'dataset:payments/orders',
        status: 'created',
        admission: 'admitted',
        violations: [],
      });
    });

    it('denies with every violation listed, stores nothing, and audits the denial', async () => {
      const r = await apply(contract({ email: 'internal' }));
      expect(r.applied).toBe(false);
      expect(r.results[0]!.status).toBe('denied');
      expect(r.results[0]!.violations).toEqual([
        {
          policy: 'policy:pii-classified',
          enforcement: 'deny',
          asset: 'dataset:payments/orders',
          path: 'schema[0].properties[1]',
          field: 'orders.email',
          message: "Field email is tagged pii but classified 'internal'",
          remediation: 'Classify it confidential or restricted',
        },
        expect.objectContaining({
          path: 'schema[0].properties[2]',
          field: 'orders.phone',
          message: "Field phone is tagged pii but classified 'internal'",
        }),
      ]);
      await expect(p.catalog.get('dataset:payments/orders')).rejects.toThrow(/not found/);
      const audit = await p.catalog.auditLog({ ref: 'dataset:payments/orders' });
      expect(audit.map((a) => [a.action, a.actor])).toEqual([['deny', 'user:bob']]);
      expect((audit[0]!.details as { violations: unknown[] }).violations).toHaveLength(2);
      expect(await p.catalog.auditVerify()).toMatchObject({ intact: true });
    });

    it('fills a message placeholder the asset lacks with its default', async () => {
      const r = await apply(
        contract({ email: 'internal' }).replace(
          'classification: internal, description: Buyer e-mail',
          'description: Buyer e-mail',
        ),
      );
      expect((r.results[0]!.violations ?? []).map((v) => v.message)).toEqual([
        "Field email is tagged pii but classified 'none'",
        "Field phone is tagged pii but classified 'internal'",
      ]);
    });

    it('admits warnings and records them', async () => {
      const r = await apply(contract({ extraField: 'note' }));
      expect(r.results[0]).toMatchObject({ status: 'created', admission: 'admitted-with-warnings' });
      expect(r.results[0]!.violations).toEqual([
        expect.objectContaining({
          policy: 'policy:fields-described',
          enforcement: 'warn',
          field: 'orders.note',
        }),
      ]);
      const [created] = await p.catalog.auditLog({ ref: 'dataset:payments/orders' });
      expect((created!.details as { violations: unknown[] }).violations).toHaveLength(1);
    });

    it('keeps a require-approval change pending while the live version stays, until the data office approves', async () => {
      await apply(contract());
      const r = await apply(contract({ status: 'deprecated' }));
      expect(r.results[0]).toMatchObject({ status: 'pending', admission: 'pending', version: 2 });
      expect((await p.catalog.get('dataset:payments/orders')).asset.version).toBe(1);
      expect((await p.catalog.get('dataset:payments/orders')).doc.status).toBe('active');
      const [open] = await p.governance.approvals({ state: 'open' });
      expect(open).toMatchObject({
        ref: 'dataset:payments/orders',
        version: 2,
        requestedBy: 'user:bob',
        approverRole: 'data-office',
      });

      await expect(p.governance.decideApproval(open!.id, 'approved', 'user:bob', null)).rejects.toThrow(
        /cannot decide it; separation of duties/,
      );
      await expect(p.governance.decideApproval(open!.id, 'approved', 'user:carol', null)).rejects.toThrow(
        /may not decide .*: it needs the data office/,
      );
      // The version in effect at a time (a trace as of then reads it): a pending one is not, yet.
      // Versions, approvals and audit records all read the platform's clock.
      const orders = 'dataset:payments/orders';
      const inEffect = async (time: string) => (await handle.store.versionsAt([orders], time)).get(orders);
      const proposed = clock.toISOString();
      expect((await handle.store.versions(orders)).map((v) => [v.version, v.state, v.createdAt])).toEqual([
        [1, 'live', proposed],
        [2, 'pending', proposed],
      ]);
      expect(await inEffect(proposed)).toBe(1);
      clock = new Date('2026-11-27T15:00:00Z');
      const decided = await p.governance.decideApproval(
        'dataset:payments/orders',
        'approved',
        'user:alice',
        'agreed in the council',
      );
      // Approved, it is in effect from its approval, not from when it was proposed.
      expect(await inEffect(proposed)).toBe(1);
      expect(await inEffect('2026-11-27T14:59:59.999Z')).toBe(1);
      expect(await inEffect(clock.toISOString())).toBe(2);
      expect(await inEffect('2026-11-27T11:59:59.999Z')).toBeUndefined();
      expect(decided).toMatchObject({ state: 'approved', decidedBy: 'user:alice' });
      const live = await p.catalog.get('dataset:payments/orders');
      expect(live.asset.version).toBe(2);
      expect(live.doc.status).toBe('deprecated');
      const actions = (await p.catalog.auditLog({ ref: 'dataset:payments/orders' })).map((a) => [
        a.action,
        a.actor,
      ]);
      expect(actions).toEqual([
        ['create', 'user:bob'],
        ['request-approval', 'user:bob'],
        ['approve', 'user:alice'],
      ]);
      expect((await p.catalog.auditLog({ ref: orders })).map((a) => a.time)).toEqual([
        proposed,
        proposed,
        clock.toISOString(),
      ]);
      expect(await p.catalog.auditVerify()).toMatchObject({ intact: true });
    });

    it('puts no version in effect while a contract was deleted, and the new one once it is created again', async () => {
      const orders = 'dataset:payments/orders';
      const inEffect = async (time: string) => (await handle.store.versionsAt([orders], time)).get(orders);
      await apply(contract());
      clock = new Date('2026-11-27T13:00:00Z');
      await p.catalog.as('user:alice').remove(orders);
      clock = new Date('2026-11-27T14:00:00Z');
      await apply(contract({ extraField: 'note' }));
      expect((await handle.store.versions(orders)).map((v) => [v.version, v.state])).toEqual([
        [1, 'live'],
        [2, 'deleted'],
        [3, 'live'],
      ]);
      expect(await inEffect('2026-11-27T12:30:00Z')).toBe(1);
      expect(await inEffect('2026-11-27T13:30:00Z')).toBeUndefined();
      expect(await inEffect('2026-11-27T14:30:00Z')).toBe(3);
    });

    it('rejects a pending change with a reason; the live version stays', async () => {
      await apply(contract());
      await apply(contract({ status: 'retired' }));
      await expect(
        p.governance.decideApproval('dataset:payments/orders', 'rejected', 'user:alice', null),
      ).rejects.toThrow(/needs a reason/);
      await p.governance.decideApproval('dataset:payments/orders', 'rejected', 'user:alice', 'still in use');
      expect((await p.catalog.get('dataset:payments/orders')).doc.status).toBe('active');
      expect(await p.governance.approvals({ state: 'open' })).toEqual([]);
    });

    it('rejects a rule that does not compile, naming the position', async () => {
      const r = await apply(
        policy('broken', '  rule: "asset.status == "\n  message: m\n  enforcement: deny'),
        'user:alice',
      );
      expect(r.results[0]!.status).toBe('invalid');
      expect(r.results[0]!.issues[0]).toMatchObject({
        path: 'spec.rule',
        message: expect.stringMatching(/^does not parse: .*\(line 1, column \d+\)$/),
      });
      const unknown = await apply(
        policy('unknown-var', '  rule: "foo.bar == 1"\n  message: m\n  enforcement: deny'),
        'user:alice',
      );
      expect(unknown.results[0]!.issues[0]!.message).toMatch(/Unknown variable: foo/);
      const notBool = await apply(
        policy('not-bool', '  rule: "1 + 2"\n  message: m\n  enforcement: deny'),
        'user:alice',
      );
      expect(notBool.results[0]!.issues[0]!.message).toBe(
        'must return a boolean (true = the asset passes), but returns int',
      );
    });

    it('reports a rule that fails at run time as an error of that policy, never a pass', async () => {
      await apply(
        policy(
          'needs-sla',
          '  match: {kinds: [DataContract]}\n  rule: asset.slaProperties.size() > 0\n  message: needs an SLA\n  enforcement: warn',
        ),
        'user:alice',
      );
      const r = await apply(contract());
      const v = r.results[0]!.violations!.find((x) => x.policy === 'policy:needs-sla')!;
      expect(v.error).toMatch(/No such key: slaProperties/);
      expect(v.message).toMatch(/^policy:needs-sla could not be evaluated: /);
    });

    it('refuses adversarial rules: too deeply nested at apply, too costly for a huge asset at evaluation', async () => {
      const deep = await apply(
        policy(
          'deep',
          '  rule: "asset.schema.all(a, asset.schema.all(b, asset.schema.all(c, asset.schema.all(d, true))))"\n  message: m\n  enforcement: deny',
        ),
        'user:alice',
      );
      expect(deep.results[0]!.issues[0]!.message).toMatch(/nests 4 comprehensions/);
      await apply(
        policy(
          'cubic',
          '  match: {kinds: [DataContract]}\n  rule: "asset.schema[0].properties.all(a, asset.schema[0].properties.all(b, asset.schema[0].properties.all(c, true)))"\n  message: m\n  enforcement: warn',
        ),
        'user:alice',
      );
      const many = Array.from(
        { length: 400 },
        (_, i) => `      - {name: f${i}, logicalType: string, description: field ${i}}`,
      ).join('\n');
      const started = Date.now();
      const r = await apply(`${contract()}${many}\n`);
      const v = r.results[0]!.violations!.find((x) => x.policy === 'policy:cubic')!;
      expect(v.error).toMatch(/would take about .* steps on this asset/);
      expect(Date.now() - started).toBeLessThan(30_000);
    });

    it('keeps federation tighten-only: no shadowing an inherited policy, no reach outside the subtree', async () => {
      const shadow = await apply(
        policy('pii-classified', '  rule: "true"\n  message: m\n  enforcement: audit', 'payments'),
        'user:alice',
      );
      expect(shadow.results[0]!.issues[0]).toMatchObject({
        path: 'metadata.name',
        message: expect.stringMatching(/inherited policy 'policy:pii-classified'/),
      });
      const reach = await apply(
        policy(
          'grab',
          '  match: {domains: [finance]}\n  rule: "true"\n  message: m\n  enforcement: deny',
          'payments',
        ),
        'user:alice',
      );
      expect(reach.results[0]!.issues[0]).toMatchObject({
        path: 'spec.match.domains[0]',
        message: expect.stringMatching(/outside domain:payments/),
      });
      const own = await apply(
        policy(
          'orders-have-id',
          '  match: {kinds: [DataContract]}\n  rule: asset.schema[0].properties.exists(p, p.name == "order_id")\n  message: "{{ref}} has no order_id"\n  enforcement: deny',
          'payments',
        ),
        'user:alice',
      );
      expect(own.applied).toBe(true);
      const explained = await p.governance.explain('domain:payments');
      expect(explained.policies.map((e) => [e.policy, e.source])).toEqual([
        ['policy:fields-described', 'charter'],
        ['policy:pii-classified', 'charter'],
        ['policy:status-change-approved', 'charter'],
        ['policy:payments/orders-have-id', 'domain:payments'],
      ]);
      // A finance policy does not reach payments' parent, but a parent's policy reaches payments.
      const parent = await apply(
        policy(
          'finance-tags',
          '  match: {kinds: [DataContract]}\n  rule: asset.tags.size() > 0\n  message: "{{ref}} has no tags"\n  enforcement: warn',
          'finance',
        ),
        'user:alice',
      );
      expect(parent.applied).toBe(true);
      const r = await apply(contract());
      expect(r.results[0]!.violations!.map((v) => v.policy)).toEqual(['policy:finance/finance-tags']);
    });

    it('waives a violation only once the data office grants the waiver, and lapses at expiry', async () => {
      await apply(
        policy(
          'has-tags',
          '  match: {kinds: [DataContract]}\n  rule: asset.tags.size() > 0\n  message: "{{ref}} has no tags"\n  enforcement: warn',
        ),
        'user:carol',
      );
      await apply(contract());
      const waiver = `apiVersion: charter/v1
kind: Waiver
metadata: {name: orders-untagged, domain: payments}
spec: {policy: "policy:has-tags", asset: "dataset:payments/orders", reason: Tags come with the next release, expires: "2026-12-31T00:00:00Z"}
`;
      expect((await apply(waiver)).applied).toBe(true);
      const orders = (r: Awaited<ReturnType<Platform['governance']['compliance']>>) =>
        r.failing.find((f) => f.asset === 'dataset:payments/orders');
      let report = await p.governance.compliance({ policy: 'policy:has-tags' });
      // transactions (untagged too) fails throughout; orders moves from failing to waived and back.
      expect(report.totals).toMatchObject({ failing: 2, waived: 0 });
      expect((await p.governance.waivers())[0]).toMatchObject({
        state: 'requested',
        requestedBy: 'user:bob',
      });
      await expect(
        p.governance.decideApproval(
          'waiver:payments/orders-untagged',
          'approved',
          'user:bob',
          null,
          'waiver',
        ),
      ).rejects.toThrow(/separation of duties/);
      await p.governance.decideApproval(
        'waiver:payments/orders-untagged',
        'approved',
        'user:alice',
        null,
        'waiver',
      );
      report = await p.governance.compliance({ policy: 'policy:has-tags' });
      expect(report.totals).toMatchObject({ failing: 1, waived: 1 });
      expect(orders(report)!.violations[0]!.waivedBy).toBe('waiver:payments/orders-untagged');
      clock = new Date('2027-01-01T00:00:00Z');
      report = await p.governance.compliance({ policy: 'policy:has-tags' });
      expect(report.totals).toMatchObject({ failing: 2, waived: 0 });
      expect(orders(report)!.violations[0]!.waivedBy).toBeUndefined();
      expect((await p.governance.waivers())[0]!.state).toBe('expired');
      // Listed by state: the expired one, and none active.
      expect((await p.governance.waivers({ state: 'expired' })).map((w) => w.ref)).toEqual([
        'waiver:payments/orders-untagged',
      ]);
      expect(await p.governance.waivers({ state: 'active' })).toEqual([]);
      await expect(p.governance.waivers({ state: 'granted' as never })).rejects.toThrow(
        "state must be one of requested, active, expired, rejected (got 'granted')",
      );
    });

    it("refuses a waiver granted by the policy's author for an asset they own", async () => {
      await apply(
        policy(
          'has-tags',
          '  match: {kinds: [DataContract]}\n  rule: asset.tags.size() > 0\n  message: untagged\n  enforcement: warn',
        ),
        'user:alice',
      );
      await apply(contract());
      await apply(`apiVersion: charter/v1
kind: Waiver
metadata: {name: mine, domain: payments}
spec: {policy: "policy:has-tags", asset: "dataset:payments/orders", reason: later, expires: "2026-12-31T00:00:00Z"}
`);
      // alice wrote policy:has-tags and owns payments/orders (inherited from finance).
      await expect(
        p.governance.decideApproval('waiver:payments/mine', 'approved', 'user:alice', null, 'waiver'),
      ).rejects.toThrow(
        /wrote policy:has-tags and own or steward dataset:payments\/orders \(separation of duties\)/,
      );
    });

    it('re-evaluates existing assets when a new policy arrives, without touching their versions', async () => {
      await apply(contract());
      await apply(
        policy(
          'needs-tags',
          '  match: {kinds: [DataContract]}\n  rule: asset.tags.size() > 0\n  message: "{{ref}} has no tags"\n  enforcement: deny',
        ),
        'user:alice',
      );
      expect((await p.catalog.get('dataset:payments/orders')).asset.version).toBe(1);
      const report = await p.governance.compliance({});
      // Both contracts of payments lack tags: the new deny policy finds them, nothing is rejected.
      expect(report.totals.failing).toBe(2);
      expect(report.byDomain.find((d) => d.domain === 'payments')).toMatchObject({ failing: 2 });
      expect(report.byOwner.find((o) => o.owner === 'user:alice')).toMatchObject({ failing: 2 });
      expect(report.byPolicy.find((x) => x.policy === 'policy:needs-tags')).toMatchObject({
        matched: 2,
        failing: 2,
      });
      expect(report.failing.find((f) => f.asset === 'dataset:payments/orders')).toMatchObject({
        owners: ['user:alice'],
        stewards: ['user:bob'],
      });
      const explained = await p.governance.explain('dataset:payments/orders');
      expect(explained.policies.find((e) => e.policy === 'policy:needs-tags')).toMatchObject({
        applies: true,
        result: 'fail',
      });
    });

    it('runs the tests policies carry', async () => {
      const docs = [
        {
          ref: 'policy:t',
          doc: {
            apiVersion: 'charter/v1' as const,
            kind: 'Policy',
            metadata: { name: 't' },
            spec: {
              match: { kinds: ['DataContract'] },
              rule: 'asset.status == "active"',
              message: 'not active',
              enforcement: 'deny' as const,
              tests: [
                {
                  name: 'active passes',
                  input: { kind: 'DataContract', status: 'active' },
                  expect: 'pass' as const,
                },
                {
                  name: 'draft fails',
                  input: { kind: 'DataContract', status: 'draft' },
                  expect: 'fail' as const,
                },
                {
                  name: 'a wrong expectation',
                  input: { kind: 'DataContract', status: 'draft' },
                  expect: 'pass' as const,
                },
              ],
            },
          },
        },
      ];
      const results = await p.governance.testPolicies(docs);
      expect(results.map((r) => [r.test, r.ok])).toEqual([
        ['active passes', true],
        ['draft fails', true],
        ['a wrong expectation', false],
      ]);
    });
  });
}

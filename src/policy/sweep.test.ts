/**
 * The parallel sweep finds exactly what the single-threaded engine finds — violations, run-time
 * errors and waived violations, in the same order — and a compliance report is the same whether
 * the catalog is swept on worker threads or not, and whether the workers are sent the subjects or
 * read them from their own connections (a SQLite file, PostgreSQL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type StoreHandle, storeFactories } from '../../test/support/stores.js';
import { chain } from '../audit/audit-chain.js';
import { Catalog } from '../catalog/catalog.js';
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import type { Violation } from '../model/violation.js';
import type { CatalogStore } from '../store/catalog-store.js';
import { openStore } from '../store/open-store.js';
import { decodeTally, encodeTally, type TallyData } from './compliance-tally.js';
import type { Subject } from './evaluate.js';
import { type ComplianceReport, Governance } from './governance.js';
import type { ActiveWaiver, DomainInfo, GovernanceView } from './governance-view.js';
import { PolicyEngine, policyPlugin } from './policy-engine.js';
import { evaluateSubjects, SweepPool, sweep } from './sweep.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const LEVELS = ['public', 'internal', 'confidential', 'restricted'];

type Json = Record<string, unknown>;

function policy(name: string, spec: Json, domain?: string): [string, PolicyDoc] {
  const ref = domain ? `policy:${domain}/${name}` : `policy:${name}`;
  const metadata = domain ? { name, domain } : { name };
  return [ref, { apiVersion: 'charter/v1', kind: 'Policy', metadata, spec } as unknown as PolicyDoc];
}

const POLICIES = [
  policy('has-owner', {
    match: { kinds: ['DataContract'] },
    rule: 'owners.size() > 0',
    message: '{{ref}} has no owner',
    enforcement: 'deny',
  }),
  policy('pii-classified', {
    match: { kinds: ['DataContract'] },
    scope: 'field',
    rule: '!field.tags.exists(t, t == "pii") || (has(field.classification) && classificationRank(field.classification) >= classificationRank("confidential"))',
    message: "Field {{field.path}} is tagged pii but classified '{{field.classification}}'",
    remediation: 'Classify {{field.name}} confidential or restricted',
    enforcement: 'deny',
  }),
  // Fails at run time on certified fields without quality rules (`field.quality` is missing).
  policy('certified-checked', {
    match: { kinds: ['DataContract'] },
    scope: 'field',
    rule: '!("certified" in field.tags) || field.quality.size() > 0',
    message: 'Certified field {{field.path}} has no quality rule',
    enforcement: 'warn',
  }),
  policy('steward-for-restricted', {
    match: { kinds: ['DataContract'], classifications: ['restricted'] },
    rule: 'stewards.size() > 0',
    message: '{{ref}} holds restricted data without a steward',
    enforcement: 'require-approval',
  }),
  policy('domain-described', {
    match: { kinds: ['Domain'] },
    rule: 'has(asset.spec.description) && asset.spec.description.size() >= 10',
    message: '{{ref}} is not described',
    enforcement: 'audit',
  }),
  policy(
    'purpose-long',
    {
      match: { kinds: ['DataContract'] },
      rule: 'asset.description.purpose.size() >= 25',
      message: '{{ref}} has a short purpose',
      enforcement: 'warn',
    },
    'sales',
  ),
];

function domain(name: string, parent: string | null, owners: string[], stewards: string[]): DomainInfo {
  return { name, ref: `domain:${name}`, parent, title: name, labels: {}, owners, stewards };
}

/** A seeded generator (mulberry32), so every run sees the same contracts. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAINS = ['sales', 'sales-eu', 'ops'];

function contracts(count: number): Json[] {
  const next = rng(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const properties = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, k) => {
      const prop: Json = { name: `f${k}`, logicalType: 'string' };
      const tags = [...(next() < 0.3 ? ['pii'] : []), ...(next() < 0.15 ? ['certified'] : [])];
      if (tags.length) prop.tags = tags;
      if (next() < 0.6) prop.classification = pick(LEVELS);
      if (next() < 0.2) prop.quality = [{ metric: 'nullValues', mustBe: 0 }];
      return prop;
    });
    return {
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: `c-${i}`,
      name: `t${i}`,
      version: '1.0.0',
      status: 'active',
      domain: pick(DOMAINS),
      description: { purpose: next() < 0.5 ? 'Short.' : 'Orders placed in the web shop, one per row.' },
      schema: [{ name: `t${i}`, properties }],
    };
  });
}

function view(waivers: ActiveWaiver[]): GovernanceView {
  return {
    charter: undefined,
    levels: LEVELS,
    ownershipTypes: ['owner', 'steward'],
    domains: new Map([
      ['sales', domain('sales', null, ['user:ann'], [])],
      ['sales-eu', domain('sales-eu', 'sales', [], ['user:sam'])],
      ['ops', domain('ops', null, [], [])],
    ]),
    teams: new Map(),
    usersByEmail: new Map(),
    policies: new Map(POLICIES),
    waivers,
  };
}

function subjects(): Subject[] {
  const out: Subject[] = contracts(400).map((doc, i) => ({
    ref: `dataset:${doc.domain}/${doc.name}`,
    kind: 'DataContract',
    domain: doc.domain as string,
    doc,
    owners: i % 7 === 0 ? ['user:own'] : [],
    stewards: [],
  }));
  for (const name of DOMAINS) {
    const spec = name === 'ops' ? {} : { description: `The ${name} domain and its data.` };
    out.push({
      ref: `domain:${name}`,
      kind: 'Domain',
      domain: null,
      doc: { apiVersion: 'charter/v1', kind: 'Domain', metadata: { name }, spec },
      owners: [],
      stewards: [],
    });
  }
  return out;
}

describe('parallel policy sweep', () => {
  const all = subjects();
  // Waive one asset's pii violations outright, and the run-time error of one field of another.
  const unwaived = all.map((s) => new PolicyEngine().evaluate(view([]), s, NOW));
  const pii = unwaived.flat().find((x) => x.policy === 'policy:pii-classified')!;
  const broken = unwaived.flat().find((x) => x.policy === 'policy:certified-checked' && x.error)!;
  const waivers: ActiveWaiver[] = [
    { ref: 'waiver:sales/a', policy: pii.policy, asset: pii.asset, expires: '2027-01-01' },
    {
      ref: 'waiver:ops/b',
      policy: broken.policy,
      asset: broken.asset,
      field: broken.field!,
      expires: '2027-01-01',
    },
  ];
  const v = view(waivers);
  const engine = new PolicyEngine();

  it('finds on two workers exactly what the engine finds on one thread', async () => {
    const expected = all.map((s) => engine.evaluate(v, s, NOW));
    const results = await sweep(v, all, { workers: 2, now: NOW, batch: 37 });
    expect(results.map((r) => r.violations)).toEqual(expected);
    // The data exercises every outcome, so equality means something.
    const flat = expected.flat();
    expect(flat.filter((x) => !x.error && !x.waivedBy).length).toBeGreaterThan(100);
    expect(flat.some((x) => x.error?.includes('quality'))).toBe(true);
    expect(flat.some((x) => x.waivedBy === 'waiver:sales/a')).toBe(true);
    expect(flat.some((x) => x.waivedBy === 'waiver:ops/b' && x.field)).toBe(true);
    expect(flat.some((x) => x.policy === 'policy:sales/purpose-long')).toBe(true);
    expect(flat.some((x) => x.policy === 'policy:domain-described' && x.asset === 'domain:ops')).toBe(true);
    expect(flat.some((x) => x.policy === 'policy:steward-for-restricted')).toBe(true);
  });

  it('evaluates only the policy asked for, and only where it matches', async () => {
    const only = { now: NOW, policy: 'policy:sales/purpose-long' };
    const results = await sweep(v, all, { ...only, workers: 2 });
    expect(results).toEqual(evaluateSubjects(engine, v, all, only));
    const matched = results.filter((r) => r.matched.length);
    expect(matched.length).toBe(all.filter((s) => s.domain === 'sales' || s.domain === 'sales-eu').length);
    expect(new Set(results.flatMap((r) => [...r.matched, ...r.violations.map((x) => x.policy)]))).toEqual(
      new Set(['policy:sales/purpose-long']),
    );
  });

  it('refuses work once closed', async () => {
    const pool = new SweepPool(v, { workers: 1, now: NOW });
    expect((await pool.evaluate(all.slice(0, 5))).length).toBe(5);
    await pool.close();
    await expect(pool.evaluate(all.slice(0, 5))).rejects.toThrow(/closed/);
  });
});

const docsOf = (list: Json[]) => ({
  docs: list.map((doc, index) => ({ source: 'in.yaml', index, doc })),
  problems: [],
});

/** Users, a charter, three domains, 300 contracts, the policies and one granted waiver. */
async function seed(store: CatalogStore): Promise<Catalog> {
  const catalog = new Catalog(store, { actor: 'user:bob', plugins: [policyPlugin(store)] });
  const setup = await catalog.as('user:ann').apply(
    docsOf([
      { apiVersion: 'charter/v1', kind: 'User', metadata: { name: 'ann' }, spec: {} },
      { apiVersion: 'charter/v1', kind: 'User', metadata: { name: 'bob' }, spec: {} },
      { apiVersion: 'charter/v1', kind: 'User', metadata: { name: 'sam' }, spec: {} },
      {
        apiVersion: 'charter/v1',
        kind: 'Charter',
        metadata: { name: 'test' },
        spec: { dataOffice: ['user:ann'], classificationLevels: LEVELS.map((name) => ({ name })) },
      },
      {
        apiVersion: 'charter/v1',
        kind: 'Domain',
        metadata: { name: 'sales' },
        spec: { owners: ['user:ann'] },
      },
      {
        apiVersion: 'charter/v1',
        kind: 'Domain',
        metadata: { name: 'sales-eu', parent: 'sales' },
        spec: { stewards: ['user:sam'], description: 'Sales in the European Union.' },
      },
      { apiVersion: 'charter/v1', kind: 'Domain', metadata: { name: 'ops' }, spec: {} },
      // Contracts before policies: existing assets are never rejected by a later policy.
      ...contracts(300),
    ]),
  );
  expect(setup.applied, JSON.stringify(setup.results.find((r) => r.issues.length))).toBe(true);
  const rules = await catalog.as('user:ann').apply(docsOf(POLICIES.map(([, doc]) => doc as unknown as Json)));
  expect(rules.applied, JSON.stringify(rules.results.find((r) => r.issues.length))).toBe(true);
  const waived = await catalog.apply(
    docsOf([
      {
        apiVersion: 'charter/v1',
        kind: 'Waiver',
        metadata: { name: 'first', domain: 'ops' },
        spec: {
          policy: 'policy:has-owner',
          asset: setup.results.find((r) => r.ref?.startsWith('dataset:ops/'))!.ref,
          reason: 'Owner named next sprint',
          expires: '2026-12-31T00:00:00Z',
        },
      },
    ]),
  );
  expect(waived.applied).toBe(true);
  await new Governance(catalog, () => NOW, { workers: 1 }).decideApproval(
    'waiver:ops/first',
    'approved',
    'user:ann',
    null,
    'waiver',
  );
  return catalog;
}

/**
 * The same store, counting the pages of contracts this thread reads, and running `beforeCount` (once) when the
 * sweep has taken the audit head and counted the assets, before it reads a page.
 */
function watched(store: CatalogStore, beforeCount?: () => Promise<void>) {
  const seen = { scans: 0, domains: [] as (string | undefined)[] };
  let pending = beforeCount;
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'scanAssets')
        return (filter: Parameters<CatalogStore['scanAssets']>[0]) => {
          // Loading the governance view reads domains, policies and waivers; contracts only a sweep.
          if (filter.kind === 'DataContract') {
            seen.scans += 1;
            seen.domains.push(filter.domain);
          }
          return target.scanAssets(filter);
        };
      if (key === 'countAssets')
        return async () => {
          const counts = await target.countAssets();
          const run = pending;
          pending = undefined;
          await run?.();
          return counts;
        };
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, seen };
}

/** Audit records by user:ann that change nothing in the catalog (a token minted, a quality run). */
async function appendRecords(store: CatalogStore, records: { action: string; ref: string }[]) {
  const rows = records.map((r) => ({
    ...r,
    actor: 'user:ann',
    version: null,
    beforeDigest: null,
    afterDigest: null,
    details: null,
  }));
  await store.write(async (w) => w.appendAudit(chain(await w.auditHead(), rows, NOW.toISOString())));
}

const stored = [
  {
    name: 'a SQLite file',
    available: async () => true,
    create: async (): Promise<StoreHandle> => {
      const home = mkdtempSync(join(tmpdir(), 'charter-sweep-'));
      const store = await openStore({ home });
      return {
        store,
        dispose: async () => {
          await store.close();
          rmSync(home, { recursive: true, force: true });
        },
      };
    },
  },
  storeFactories.find((f) => f.name === 'postgres')!,
];

describe('a tally between threads', () => {
  it('decodes to the same failing assets, violations with the same keys in the same order', () => {
    const base: Violation = {
      policy: 'policy:a',
      enforcement: 'deny',
      asset: 'dataset:sales/orders',
      path: 'schema[0].properties[1]',
      message: 'Field orders.id has no description',
      field: 'orders.id',
      remediation: 'Describe it',
    };
    const tally: TallyData = {
      scanned: 3,
      totals: { assets: 2, passing: 0, failing: 1, waived: 1 },
      byDomain: [['sales', { assets: 2, passing: 0, failing: 1, waived: 1 }]],
      byOwner: [['user:sam', { assets: 2, passing: 0, failing: 1, waived: 1 }]],
      byPolicy: [['policy:a', { matched: 2, failing: 1, waived: 1, errors: 1 }]],
      failing: [
        {
          asset: 'dataset:sales/orders',
          domain: 'sales',
          owners: ['user:sam'],
          stewards: ['user:sam', 'user:kim'],
          violations: [
            base,
            {
              policy: 'policy:b',
              enforcement: 'warn',
              asset: 'dataset:sales/orders',
              path: '',
              message: 'm',
            },
            { ...base, message: 'policy:a could not be evaluated: boom', error: 'boom' },
          ],
        },
        {
          asset: 'domain:sales',
          domain: null,
          owners: [],
          stewards: [],
          violations: [{ ...base, asset: 'dataset:sales/other', waivedBy: 'waiver:sales/w' }],
        },
      ],
    };
    const text = encodeTally(tally);
    expect(JSON.stringify(decodeTally(text))).toBe(JSON.stringify(tally));
    // Each repeated string (policy, enforcement, remediation, people) travels once.
    expect(text.split('Describe it').length - 1).toBe(1);
    expect(text.split('user:sam').length - 1).toBe(2);
    // Where each asset stands, when the tally keeps it, the same way.
    const standing: TallyData = {
      ...tally,
      failing: [],
      standing: [
        {
          ref: 'dataset:sales/orders',
          domain: 'sales',
          owners: ['user:sam'],
          stewards: ['user:kim'],
          matched: ['policy:a', 'policy:b', 'policy:c'],
          failing: ['policy:a', 'policy:b'],
          waived: [],
          errors: ['policy:b'],
        },
        {
          ref: 'domain:sales',
          domain: '(none)',
          owners: [],
          stewards: [],
          matched: ['policy:a'],
          failing: [],
          waived: ['policy:a'],
          errors: [],
        },
        {
          ref: 'dataset:sales/returns',
          domain: 'sales',
          owners: ['user:sam'],
          stewards: ['user:sam', 'user:kim'],
          matched: ['policy:a', 'policy:b', 'policy:c'],
          failing: [],
          waived: [],
          errors: [],
        },
      ],
    };
    expect(decodeTally(encodeTally(standing))).toEqual(standing);
  });
});

describe('compliance on worker threads', () => {
  it('reports the same as the single-threaded sweep (in memory: this thread reads)', async () => {
    const store = await openStore({ memory: true });
    try {
      const catalog = await seed(store);
      // An in-memory database cannot be opened by a worker: the subjects are sent to the workers.
      expect(store.readConnection).toBeUndefined();
      const single = new Governance(catalog, () => NOW, { workers: 1 });
      const { store: counted, seen } = watched(store);
      const parallel = new Governance(new Catalog(counted, { actor: 'user:bob' }), () => NOW, {
        workers: 2,
        parallelFrom: 0,
      });

      const report = await single.compliance({});
      expect(report.byPolicy.find((p) => p.policy === 'policy:has-owner')!.waived).toBe(1);
      expect(report.totals.failing).toBeGreaterThan(50);
      expect(report.byPolicy.find((p) => p.policy === 'policy:certified-checked')!.errors).toBeGreaterThan(0);
      expect(report.changedDuring).toBeUndefined();
      expect(await parallel.compliance({})).toEqual(report);
      expect(seen.scans).toBeGreaterThan(0);
      const one = { policy: 'policy:pii-classified' };
      expect(await parallel.compliance(one)).toEqual(await single.compliance(one));
      const domain = { domain: 'sales' };
      expect(await parallel.compliance(domain)).toEqual(await single.compliance(domain));
    } finally {
      await store.close();
    }
  });
});

describe("the server's compliance counts", () => {
  it("are the background run's while nothing a sweep reads has changed since, and swept otherwise", async () => {
    const store = await openStore({ memory: true });
    try {
      await seed(store);
      const { store: counted, seen } = watched(store);
      let clock = NOW;
      const catalog = new Catalog(counted, { actor: 'user:ann', plugins: [policyPlugin(counted)] });
      const server = new Governance(catalog, () => clock, { workers: 1 });
      // The same catalog without a background run: every count is swept.
      const sweeping = new Governance(catalog, () => clock, { workers: 1 });
      const runs: ComplianceReport[] = [];
      const done = (r: ComplianceReport) => runs.push(r);
      server.background = { done };
      await server.scheduleCompliance(done);
      const counts = async (
        g: Governance,
        filter: Parameters<Governance['compliance']>[0] = { limit: 0 },
      ) => {
        const before = seen.scans;
        const report = await g.compliance(filter);
        return { report, scans: seen.scans - before };
      };
      const withoutTime = ({ evaluatedAt: _at, ...rest }: ComplianceReport) => rest;

      // Kept: no page read, and what a sweep counts.
      const kept = runs.at(-1)!;
      expect(await counts(server)).toEqual({ report: kept, scans: 0 });
      expect((await counts(server.for(catalog))).report).toBe(kept);
      const swept = await counts(sweeping);
      expect(swept.scans).toBeGreaterThan(0);
      expect(withoutTime(swept.report)).toEqual(withoutTime(kept));
      expect(kept.totals.assets).toBe(303);

      // A domain's tree or one policy: counted from where the run left every asset, as a sweep counts.
      const filters = [
        { limit: 0, domain: 'sales' },
        { limit: 0, domain: 'sales-eu' },
        { limit: 0, domain: 'ops' },
        { limit: 0, policy: 'policy:has-owner' },
        { limit: 0, policy: 'policy:certified-checked' },
        { limit: 0, policy: 'policy:sales/purpose-long' },
        { limit: 0, domain: 'sales', policy: 'policy:pii-classified' },
        { limit: 0, domain: 'ops', policy: 'policy:has-owner' },
        // An owner filter finds what the principal owns or stewards.
        { limit: 0, owner: 'user:sam' },
        { limit: 0, owner: 'user:ann' },
        { limit: 0, owner: 'user:sam', domain: 'sales-eu' },
        { limit: 0, owner: 'user:ann', policy: 'policy:has-owner' },
      ];
      for (const filter of filters) {
        const one = await counts(server, filter);
        expect(one.scans, JSON.stringify(filter)).toBe(0);
        expect(one.report.evaluatedAt).toBe(kept.evaluatedAt);
        const sweep = await counts(sweeping, filter);
        expect(sweep.scans).toBeGreaterThan(0);
        expect(withoutTime(one.report), JSON.stringify(filter)).toEqual(withoutTime(sweep.report));
      }
      // Waived, erring and domain-scoped findings are among what these compare.
      const byPolicy = (r: ComplianceReport, ref: string) => r.byPolicy.find((p) => p.policy === ref)!;
      expect(byPolicy(kept, 'policy:has-owner').waived).toBe(1);
      expect(byPolicy(kept, 'policy:certified-checked').errors).toBeGreaterThan(0);
      expect(byPolicy(kept, 'policy:sales/purpose-long').failing).toBeGreaterThan(0);
      // Stewards count: user:sam stewards sales-eu and owns nothing.
      const stewarded = await counts(server, { limit: 0, owner: 'user:sam' });
      expect(stewarded.report.totals.assets).toBeGreaterThan(0);
      expect(stewarded.report.byOwner.some((o) => o.owner === 'user:sam')).toBe(false);
      // Failing assets to list, a policy not there: swept.
      for (const filter of [{ limit: 5 }, {}])
        expect((await counts(server, filter)).scans, JSON.stringify(filter)).toBeGreaterThan(0);
      await expect(server.compliance({ limit: 0, policy: 'policy:gone' })).rejects.toThrow(/not found/);
      // A domain or an owner the catalog does not hold: refused, not counted as nothing.
      await expect(server.compliance({ limit: 0, domain: 'nowhere' })).rejects.toThrow(
        "Domain 'domain:nowhere' not found",
      );
      await expect(server.compliance({ limit: 0, owner: 'user:nobody' })).rejects.toThrow(
        "User 'user:nobody' not found",
      );

      // A record that changes nothing a sweep reads (a token minted): still kept.
      await appendRecords(store, [{ action: 'token-create', ref: 'user:ann' }]);
      expect((await counts(server)).report).toBe(kept);

      // A contract the background run has not followed yet (nothing schedules it here): swept, and counted.
      const added = await catalog.apply(
        docsOf([
          {
            apiVersion: 'v3.1.0',
            kind: 'DataContract',
            id: 'c-kept',
            name: 'kept',
            version: '1.0.0',
            status: 'active',
            domain: 'sales',
            description: { purpose: 'Orders placed in the web shop, one per row.' },
            schema: [{ name: 'kept', properties: [{ name: 'f0', logicalType: 'string' }] }],
          },
        ]),
      );
      expect(added.applied, JSON.stringify(added.results)).toBe(true);
      const behind = await counts(server);
      expect(behind.scans).toBeGreaterThan(0);
      expect(behind.report.totals.assets).toBe(304);
      // Once the background run has followed it: kept again, the same counts.
      await server.scheduleCompliance(done, undefined, ['dataset:sales/kept']);
      expect(await counts(server)).toEqual({ report: runs.at(-1)!, scans: 0 });
      expect(withoutTime(runs.at(-1)!)).toEqual(withoutTime(behind.report));

      // The granted waiver lapses on 2026-12-31: from then on swept, and its violation counts again.
      const waived = (r: ComplianceReport) => r.byPolicy.find((p) => p.policy === 'policy:has-owner')!.waived;
      expect(waived(runs.at(-1)!)).toBe(1);
      clock = new Date('2027-01-01T00:00:00Z');
      const lapsed = await counts(server);
      expect(lapsed.scans).toBeGreaterThan(0);
      expect(waived(lapsed.report)).toBe(0);
      clock = NOW;

      // A policy that reads the time: its verdicts age without a write, so counts are swept.
      const timed = await catalog.apply(
        docsOf([
          policy('after-2020', {
            match: { kinds: ['DataContract'] },
            rule: 'now > timestamp("2020-01-01T00:00:00Z")',
            message: '{{ref}} is from before 2020',
            enforcement: 'audit',
          })[1] as unknown as Json,
        ]),
      );
      expect(timed.applied).toBe(true);
      await server.scheduleCompliance(done, undefined, ['policy:after-2020']);
      expect(runs.at(-1)!.policies).toBe(POLICIES.length + 1);
      expect((await counts(server)).scans).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

describe('a one-policy compliance run', () => {
  it('counts only the assets the policy applies to and reads only the domains it can apply to', async () => {
    const store = await openStore({ memory: true });
    try {
      await seed(store);
      const { store: counted, seen } = watched(store);
      const governance = new Governance(new Catalog(counted, { actor: 'user:bob' }), () => NOW, {
        workers: 1,
      });
      const full = await governance.compliance({});
      const inFull = full.byPolicy.find((p) => p.policy === 'policy:sales/purpose-long')!;
      seen.domains.length = 0;

      // A domain policy of sales binds sales and sales-eu; ops is never read.
      const one = await governance.compliance({ policy: 'policy:sales/purpose-long' });
      expect(new Set(seen.domains)).toEqual(new Set(['sales', 'sales-eu']));
      const stats = one.byPolicy.find((p) => p.policy === 'policy:sales/purpose-long')!;
      expect(stats).toEqual(inFull);
      expect(one.totals.assets).toBe(stats.matched);
      expect(one.totals.failing + one.totals.waived).toBe(stats.failing + stats.waived);
      expect(one.byDomain.map((d) => d.domain).sort()).toEqual(['sales', 'sales-eu']);
      expect(
        one.failing.every((f) => f.violations.every((v) => v.policy === 'policy:sales/purpose-long')),
      ).toBe(true);

      // A policy matching on classification reads every domain, and counts only the assets it matched.
      const restricted = await governance.compliance({ policy: 'policy:steward-for-restricted' });
      const matched = restricted.byPolicy.find((p) => p.policy === 'policy:steward-for-restricted')!.matched;
      expect(matched).toBeGreaterThan(0);
      expect(matched).toBeLessThan(full.totals.assets);
      expect(restricted.totals.assets).toBe(matched);
    } finally {
      await store.close();
    }
  });
});

describe('compliance workers that cannot reach the store', () => {
  it('fail the sweep with an error that does not carry the password', async () => {
    const store = await openStore({ memory: true });
    try {
      await seed(store);
      const unreachable = new Proxy(store, {
        get(target, key, receiver) {
          if (key === 'readConnection')
            return { dialect: 'postgres', url: 'postgres://sweeper:s3cret-pw@127.0.0.1:1/charter' };
          const value = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const governance = new Governance(new Catalog(unreachable, { actor: 'user:bob' }), () => NOW, {
        workers: 2,
        parallelFrom: 0,
      });
      const error = await governance.compliance({}).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/PostgreSQL could not be reached/);
      expect(`${error?.message} ${error?.stack}`).not.toContain('s3cret-pw');
    } finally {
      await store.close();
    }
  });
});

for (const factory of stored) {
  describe.runIf(await factory.available())(`compliance on worker threads that read ${factory.name}`, () => {
    it('workers read their own pages and report exactly what one thread reports', async () => {
      const handle = await factory.create();
      try {
        const catalog = await seed(handle.store);
        expect(handle.store.readConnection).toBeDefined();
        // Small pages: every domain's contracts span several, handed out to whichever worker asks.
        const options = { pageSize: 25 };
        const single = new Governance(catalog, () => NOW, { ...options, workers: 1 });
        const { store: counted, seen } = watched(handle.store);
        // As a server sweeps: every page on the workers, none on the thread that serves requests.
        const parallel = new Governance(new Catalog(counted, { actor: 'user:bob' }), () => NOW, {
          ...options,
          workers: 2,
          parallelFrom: 0,
          callerSweeps: false,
        });
        const progress: number[] = [];
        const report = await single.compliance({});
        expect(report.totals.assets).toBe(303);
        expect(report.totals.failing).toBeGreaterThan(50);
        expect(report.byPolicy.find((p) => p.policy === 'policy:has-owner')!.waived).toBe(1);
        expect(report.byPolicy.find((p) => p.policy === 'policy:certified-checked')!.errors).toBeGreaterThan(
          0,
        );
        expect(
          report.byPolicy.find((p) => p.policy === 'policy:sales/purpose-long')!.failing,
        ).toBeGreaterThan(0);
        expect(report.byOwner.length).toBeGreaterThan(0);
        expect(await parallel.compliance({}, (done) => progress.push(done))).toEqual(report);
        // This thread read no page: the workers did, on their own connections.
        expect(seen.scans).toBe(0);
        expect(progress.at(-1)).toBe(303);
        for (const filter of [
          { policy: 'policy:pii-classified' },
          { domain: 'sales' },
          { owner: 'user:sam' },
          { domain: 'sales', policy: 'policy:has-owner' },
        ]) {
          const one = await single.compliance(filter);
          expect(one.totals.assets).toBeGreaterThan(0);
          expect(await parallel.compliance(filter), JSON.stringify(filter)).toEqual(one);
        }
        expect(seen.scans).toBe(0);
        // As the CLI sweeps: this thread takes pages from the same queue as its one worker.
        const beside = new Governance(new Catalog(counted, { actor: 'user:bob' }), () => NOW, {
          ...options,
          workers: 2,
          parallelFrom: 0,
        });
        const shared: number[] = [];
        expect(await beside.compliance({}, (done) => shared.push(done))).toEqual(report);
        expect(seen.scans).toBeGreaterThan(0);
        expect(shared.at(-1)).toBe(303);
        for (const filter of [
          { policy: 'policy:pii-classified' },
          { domain: 'sales', policy: 'policy:has-owner' },
        ])
          expect(await beside.compliance(filter), JSON.stringify(filter)).toEqual(
            await single.compliance(filter),
          );
      } finally {
        await handle.dispose();
      }
    });

    it('lists a page of the failing assets, the same on workers as on one thread, and counts them all', async () => {
      const handle = await factory.create();
      try {
        const catalog = await seed(handle.store);
        const options = { pageSize: 25 };
        const single = new Governance(catalog, () => NOW, { ...options, workers: 1 });
        const parallel = new Governance(catalog, () => NOW, { ...options, workers: 2, parallelFrom: 0 });
        const full = await single.compliance({});
        const total = full.totals.failing + full.totals.waived;
        expect(full.failing).toHaveLength(total);
        expect(full.page).toEqual({ offset: 0, limit: null, total });
        // Pages of 25 assets: the listed ones start in the first sweep page, in a middle one, at the end.
        for (const [offset, limit] of [
          [0, 0],
          [0, 3],
          [40, 7],
          [total - 2, 10],
          [total + 5, 10],
        ] as const) {
          for (const governance of [single, parallel]) {
            const report = await governance.compliance({ offset, limit });
            const { failing, page, ...counts } = report;
            const { failing: _all, page: _page, ...fullCounts } = full;
            expect(counts, `${offset}+${limit}`).toEqual(fullCounts);
            expect(page).toEqual({ offset, limit, total });
            expect(failing).toEqual(full.failing.slice(offset, offset + limit));
          }
        }
        const one = await parallel.compliance({ domain: 'sales', offset: 1, limit: 2 });
        expect(one.failing).toEqual((await single.compliance({ domain: 'sales' })).failing.slice(1, 3));
        await expect(single.compliance({ limit: -1 })).rejects.toThrow(/limit must be a whole number/);
        await expect(single.compliance({ offset: 1.5 })).rejects.toThrow(/offset must be a whole number/);
      } finally {
        await handle.dispose();
      }
    });

    it('after a policy or an asset changed evaluates only that, and counts what a full run finds', async () => {
      const handle = await factory.create();
      try {
        await seed(handle.store);
        const { store: counted, seen } = watched(handle.store);
        const catalog = new Catalog(counted, { actor: 'user:ann', plugins: [policyPlugin(counted)] });
        const policyDoc = (name: string, spec: Json, inDomain?: string) =>
          policy(name, spec, inDomain)[1] as unknown as Json;
        for (const workers of [1, 2]) {
          const governance = new Governance(catalog, () => NOW, { pageSize: 25, workers, parallelFrom: 0 });
          const reports: ComplianceReport[] = [];
          const scheduled = async (changed?: string[]) => {
            const before = seen.scans;
            await governance.scheduleCompliance(
              (r) => reports.push(r),
              (e) => {
                throw e;
              },
              changed,
            );
            return seen.scans - before;
          };
          const fullScans = await scheduled();
          const full = () => governance.compliance({ limit: 0 });
          expect(reports.at(-1)).toEqual(await full());
          // This thread reads the pages when it sweeps alone.
          if (workers === 1) expect(fullScans).toBeGreaterThan(10);
          const changes: [string, () => Promise<unknown>][] = [
            // A domain policy loosened: its assets move from failing to passing.
            [
              'policy:sales/purpose-long',
              () =>
                catalog.apply(
                  docsOf([
                    policyDoc(
                      'purpose-long',
                      {
                        match: { kinds: ['DataContract'] },
                        rule: 'asset.description.purpose.size() >= 3',
                        message: '{{ref}} has a short purpose',
                        enforcement: 'warn',
                      },
                      'sales',
                    ),
                  ]),
                ),
            ],
            // A new charter policy that fails passing assets of one domain.
            [
              'policy:ops-quality',
              () =>
                catalog.apply(
                  docsOf([
                    policyDoc('ops-quality', {
                      match: { kinds: ['DataContract'], domains: ['ops'] },
                      scope: 'field',
                      rule: 'field.quality.size() > 0',
                      message: 'Field {{field.path}} has no quality rule',
                      enforcement: 'audit',
                    }),
                  ]),
                ),
            ],
            // A policy deleted: its failures (and its waived one) are gone.
            ['policy:has-owner', () => catalog.remove('policy:has-owner')],
          ];
          for (const [ref, change] of changes) {
            const result = (await change()) as { applied?: boolean } | undefined;
            if (result && 'applied' in result) expect(result.applied, ref).toBe(true);
            const scans = await scheduled([ref]);
            expect(reports.at(-1), `${ref} on ${workers}`).toEqual(await full());
            // Only that policy's assets were read again (by this thread, when it sweeps alone).
            if (workers === 1) expect(scans, ref).toBeLessThan(fullScans);
          }
          // A contract added, changed and deleted: that contract alone is read and evaluated again.
          const late = { ...(contracts(1)[0] as Json), name: 'late', domain: 'ops' };
          const certified = {
            ...late,
            description: { purpose: 'x' },
            schema: [
              {
                name: 'late',
                properties: [{ name: 'email', logicalType: 'string', tags: ['certified'] }],
              },
            ],
          };
          const assetChanges: [string, () => Promise<unknown>][] = [
            ['added', () => catalog.apply(docsOf([late]))],
            // A certified field without quality rules: certified-checked now errs on it (a warning).
            ['changed', () => catalog.as('user:ann').apply(docsOf([certified]))],
            ['deleted', () => catalog.remove('dataset:ops/late')],
          ];
          // Records that change nothing a sweep reads (a token minted for a user, a quality run) are
          // passed over: the first run below still reads nothing in full.
          await appendRecords(handle.store, [
            { action: 'token-create', ref: 'user:ann' },
            { action: 'quality.run', ref: 'dataset:ops/t1' },
          ]);
          for (const [what, change] of assetChanges) {
            const result = (await change()) as { applied?: boolean } | undefined;
            if (result && 'applied' in result) expect(result.applied, what).toBe(true);
            const scans = await scheduled(['dataset:ops/late']);
            expect(reports.at(-1), `${what} on ${workers}`).toEqual(await full());
            if (workers === 1) expect(scans, what).toBe(0);
          }
          // The change moved counts: certified-checked erred on it while it stood, and not once deleted.
          const erred = (r?: ComplianceReport) =>
            r?.byPolicy.find((p) => p.policy === 'policy:certified-checked')?.errors ?? 0;
          expect(erred(reports.at(-2))).toBe(erred(reports.at(-1)) + 1);
          // A contract and a policy changed before one run: both are followed.
          await catalog.apply(docsOf([late]));
          await catalog.remove('policy:ops-quality');
          await scheduled(['dataset:ops/late']);
          expect(reports.at(-1)).toEqual(await full());
          // A domain changed (its owners count for every asset in it): the next run is a full one.
          await catalog.as('user:ann').apply(
            docsOf([
              {
                apiVersion: 'charter/v1',
                kind: 'Domain',
                metadata: { name: 'ops' },
                spec: { owners: ['user:sam'] },
              },
            ]),
          );
          const scans = await scheduled(['domain:ops']);
          expect(reports.at(-1)).toEqual(await full());
          if (workers === 1) expect(scans).toBeGreaterThanOrEqual(fullScans);
          await catalog
            .as('user:ann')
            .apply(
              docsOf([{ apiVersion: 'charter/v1', kind: 'Domain', metadata: { name: 'ops' }, spec: {} }]),
            );
          // Put back what this round changed, for the next.
          const restore = await catalog.apply(
            docsOf([
              ...POLICIES.filter(([r]) => r === 'policy:has-owner' || r === 'policy:sales/purpose-long').map(
                ([, doc]) => doc as unknown as Json,
              ),
            ]),
          );
          expect(restore.applied).toBe(true);
          await catalog.remove('dataset:ops/late');
        }
      } finally {
        await handle.dispose();
      }
    });

    it('marks a report taken across a write, still sweeps what the write added, and the background run follows it', async () => {
      const handle = await factory.create();
      try {
        const catalog = await seed(handle.store);
        const options = { pageSize: 25, workers: 2, parallelFrom: 0 };
        const quiet = await new Governance(catalog, () => NOW, options).compliance({});
        expect(quiet.changedDuring).toBeUndefined();
        const head = await handle.store.auditHead();
        // A contract applied by someone else after the sweep took the audit head and planned its pages.
        const extra = {
          ...(contracts(1)[0] as Json),
          name: 'late',
          domain: 'sales',
          description: { purpose: 'Orders placed late in the web shop, one per row.' },
          schema: [{ name: 'late', properties: [{ name: 'id', logicalType: 'string' }] }],
        };
        const { store: writing } = watched(handle.store, async () => {
          expect((await catalog.apply(docsOf([extra]))).applied).toBe(true);
        });
        const report = await new Governance(
          new Catalog(writing, { actor: 'user:bob' }),
          () => NOW,
          options,
        ).compliance({});
        const after = await handle.store.auditHead();
        expect(after.seq).toBeGreaterThan(head.seq);
        expect(report.changedDuring).toEqual({ fromSeq: head.seq, toSeq: after.seq });
        expect(report.totals.assets).toBe(quiet.totals.assets + 1);
        // Taken again now, nothing changes during it and the report is the same but for the mark.
        const again = await new Governance(catalog, () => NOW, { ...options, workers: 1 }).compliance({});
        expect(again.changedDuring).toBeUndefined();
        const { changedDuring: _, ...rest } = report;
        expect(rest).toEqual(again);
        // The server's background run keeps where every asset stands even across a write: the run
        // that follows evaluates what the write changed, not every asset again.
        const later = {
          ...extra,
          name: 'later',
          schema: [{ name: 'later', properties: extra.schema[0]!.properties }],
        };
        const { store: busy, seen } = watched(handle.store, async () => {
          expect((await catalog.apply(docsOf([later]))).applied).toBe(true);
        });
        const background = new Governance(new Catalog(busy, { actor: 'user:bob' }), () => NOW, {
          ...options,
          workers: 1,
        });
        const runs: ComplianceReport[] = [];
        const schedule = (changed?: string[]) =>
          background.scheduleCompliance(
            (r) => runs.push(r),
            (e) => {
              throw e;
            },
            changed,
          );
        await schedule();
        expect(runs[0]!.changedDuring).toBeDefined();
        const scans = seen.scans;
        await schedule(['dataset:sales/later']);
        expect(seen.scans).toBe(scans);
        expect(runs[1]).toEqual(await background.compliance({ limit: 0 }));
      } finally {
        await handle.dispose();
      }
    });
  });
}

describe('admission between governance changes', () => {
  it('judges each apply by the governance of that moment, whoever changed it', async () => {
    const store = await openStore({ memory: true });
    let clock = new Date('2026-11-27T12:00:00Z');
    try {
      const admitting = new Catalog(store, {
        actor: 'user:bob',
        plugins: [policyPlugin(store, new PolicyEngine(), { now: () => clock })],
      });
      // Another writer of the same store (the CLI beside a server): no plugin of ours sees its changes.
      const other = new Catalog(store, { actor: 'user:ann' });
      const governance = new Governance(admitting, () => clock, { workers: 1 });
      const apply = async (catalog: Catalog, list: Json[]) => {
        const result = await catalog.apply({
          docs: list.map((doc, index) => ({ source: 'in.yaml', index, doc })),
          problems: [],
        });
        return result.results[0]!;
      };
      const owned = (status: string, version: string) => ({
        ...(contracts(1)[0] as Json),
        name: 'orders',
        domain: 'sales',
        status,
        version,
      });
      const rule = (enforcement: string) => ({
        apiVersion: 'charter/v1',
        kind: 'Policy',
        metadata: { name: 'no-drafts' },
        spec: {
          match: { kinds: ['DataContract'] },
          rule: 'asset.status != "draft"',
          message: '{{ref}} is a draft',
          enforcement,
        },
      });
      await apply(other, [
        { apiVersion: 'charter/v1', kind: 'User', metadata: { name: 'ann' }, spec: {} },
        { apiVersion: 'charter/v1', kind: 'User', metadata: { name: 'bob' }, spec: {} },
        {
          apiVersion: 'charter/v1',
          kind: 'Charter',
          metadata: { name: 'test' },
          spec: { dataOffice: ['user:ann'], classificationLevels: LEVELS.map((name) => ({ name })) },
        },
        {
          apiVersion: 'charter/v1',
          kind: 'Domain',
          metadata: { name: 'sales' },
          spec: { owners: ['user:bob'] },
        },
      ]);
      expect((await apply(admitting, [owned('active', '1.0.0')])).status).toBe('created');
      await apply(other, [rule('deny')]);
      expect((await apply(admitting, [owned('draft', '1.0.1')])).status).toBe('denied');
      // Unrelated writes in between change nothing; the policy softened elsewhere does.
      await apply(other, [{ ...owned('active', '9.0.0'), name: 'refunds' }]);
      expect((await apply(admitting, [owned('draft', '1.0.2')])).status).toBe('denied');
      await apply(other, [rule('warn')]);
      expect((await apply(admitting, [owned('draft', '1.0.3')])).admission).toBe('admitted-with-warnings');
      await apply(other, [rule('deny')]);
      expect((await apply(admitting, [owned('draft', '1.0.4')])).status).toBe('denied');
      // A waiver counts once the data office grants it (a decision, not an apply), until it expires.
      const waiver = {
        apiVersion: 'charter/v1',
        kind: 'Waiver',
        metadata: { name: 'drafts', domain: 'sales' },
        spec: {
          policy: 'policy:no-drafts',
          asset: 'dataset:sales/orders',
          reason: 'Reviewed next week',
          expires: '2026-12-01T00:00:00Z',
        },
      };
      expect((await apply(admitting, [waiver])).status).toBe('created');
      expect((await apply(admitting, [owned('draft', '1.0.5')])).status).toBe('denied');
      await governance.decideApproval('waiver:sales/drafts', 'approved', 'user:ann', null, 'waiver');
      const waived = await apply(admitting, [owned('draft', '1.0.6')]);
      expect(waived.admission).toBe('admitted');
      expect(waived.violations![0]!.waivedBy).toBe('waiver:sales/drafts');
      clock = new Date('2026-12-02T00:00:00Z');
      expect((await apply(admitting, [owned('draft', '1.0.7')])).status).toBe('denied');
    } finally {
      await store.close();
    }
  });
});

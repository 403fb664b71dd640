/**
 * Trace, impact and outcomes with access control, through the API with tokens on both stores: a
 * node in a domain the caller may not read keeps its place in the report (the path stays connected,
 * the counts stay the same) but shows only an id valid in that report, its domain and the domain's
 * owners — never its ref, names, fields, version, classification, quality or its own people. The
 * data office sees everything; a start the caller may not read is refused.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatImpact, formatTrace } from '../src/cli/commands/lineage-commands.js';
import type { ImpactReport, LineageRow, Outcome, TraceReport } from '../src/lineage/lineage-api.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { fixture, ndjson, orgYaml } from './lineage-support.js';
import { bin } from './support/cli.js';
import { applyFiles, guardedApp, tokensFor } from './support/guarded-app.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const enc = encodeURIComponent;

// Viewers of one domain each: erin reads risk, sam support, pat payments.
const VIEWERS = `${['erin', 'sam', 'pat']
  .map((u) => `apiVersion: charter/v1\nkind: User\nmetadata: {name: ${u}}\nspec: {}\n`)
  .join('---\n')}---
apiVersion: charter/v1
kind: Domain
metadata: {name: payments}
spec: {title: Payments, description: Card payments, owners: [user:alice], stewards: [user:bob], viewers: [user:pat]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: risk}
spec: {title: Risk, description: Fraud and credit risk, owners: [user:carol], stewards: [user:dan], viewers: [user:erin]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: support}
spec: {title: Support, description: Customer care, owners: [user:dan], stewards: [user:carol], viewers: [user:sam]}
`;

/** What no report shown to a caller who may not read the payments contract may contain. */
const PAYMENTS_SECRETS = [
  'dataset:payments/transactions',
  'pay.public.transactions',
  'db.acme.internal',
  'customer_email',
  'card_number',
  'user:bob',
  'Bob Stone',
];

const RESTRICTED_KEYS = [
  'asset',
  'depth',
  'domain',
  'job',
  'kind',
  'managed',
  'node',
  'requestAccessFrom',
  'restricted',
  'role',
  'via',
];

/** Every row's `via` is the start or another node of the same report: the path is connected. */
function expectConnected(start: string, rows: readonly LineageRow[]) {
  const nodes = new Set([start, ...rows.map((r) => r.node)]);
  for (const r of rows) expect(nodes.has(r.via ?? ''), `${r.node} via ${r.via}`).toBe(true);
}

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`lineage with access control on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let app: FastifyInstance;
    const tokens: Record<string, string> = {};

    const get = async (who: string, url: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });
    const ok = async <T>(who: string, url: string): Promise<T> => {
      const res = await get(who, url);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as T;
    };

    beforeAll(async () => {
      handle = await factory.create();
      platform = createPlatform(handle.store, { actor: 'user:setup' });
      await applyFiles(platform, [
        ['org.yaml', orgYaml],
        ['viewers.yaml', VIEWERS],
      ]);
      const ingested = await platform.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      expect(ingested.status).toBe('success');
      Object.assign(tokens, await tokensFor(platform, ['ada', 'erin', 'sam', 'pat']));
      app = await guardedApp(platform);
    });
    afterAll(async () => {
      await app?.close();
      await handle?.dispose();
    });

    it("shows a viewer of one domain another domain's input restricted, with the path intact", async () => {
      const res = await get('erin', `/api/v1/trace/${enc('model:risk/fraud-scorer')}`);
      expect(res.statusCode, res.body).toBe(200);
      for (const secret of PAYMENTS_SECRETS) expect(res.body).not.toContain(secret);
      const t = res.json() as TraceReport;
      expect(t.datasets.map((r) => [r.node, r.depth, r.role, r.via, r.job])).toEqual([
        ['dataset:risk/features', 1, 'training', 'model:risk/fraud-scorer', null],
        ['restricted:1', 1, 'evaluation', 'model:risk/fraud-scorer', null],
        // Upstream of the restricted dataset, reached through it; the job that writes it is not named.
        ['kafka://broker:9092/payments.authorised', 2, 'evaluation', 'restricted:1', 'restricted-job:1'],
      ]);
      const hidden = t.datasets[1]!;
      expect(Object.keys(hidden).sort()).toEqual(RESTRICTED_KEYS);
      expect(hidden).toMatchObject({
        kind: 'dataset',
        managed: true,
        asset: null,
        restricted: true,
        domain: 'payments',
        requestAccessFrom: ['user:alice'],
      });
      // What the caller may read is shown whole.
      expect(t.datasets[0]!.asset).toMatchObject({ owners: ['user:carol'], classification: 'internal' });
      expect(t.restricted).toBe(1);
      expect(t.jobs).toBe(2);
      expect(t.domains).toEqual(['payments', 'risk']);
      expectConnected('model:risk/fraud-scorer', t.datasets);
      expect(t.accountable).toEqual([
        {
          ref: 'user:carol',
          title: 'Carol Diaz',
          why: ['owner of model:risk/fraud-scorer', 'owner of dataset:risk/features (training)'],
        },
        {
          ref: 'user:dan',
          title: 'Dan Okoro',
          why: ['steward of model:risk/fraud-scorer', 'steward of dataset:risk/features (training)'],
        },
        {
          ref: 'user:alice',
          title: 'Alice Martin',
          why: ['owner of domain:payments, which holds restricted:1 (evaluation)'],
        },
      ]);
    });

    it('shows the data office everything, the same trace the local administrator gets', async () => {
      const t = await ok<TraceReport>('ada', `/api/v1/trace/${enc('model:risk/fraud-scorer')}`);
      expect(t.restricted).toBeUndefined();
      expect(t.datasets.map((r) => r.node)).toEqual([
        'dataset:risk/features',
        'dataset:payments/transactions',
        'kafka://broker:9092/payments.authorised',
      ]);
      expect(t.datasets[1]!.asset).toMatchObject({ classification: 'restricted', stewards: ['user:bob'] });
      const local = await platform.lineage.trace('model:risk/fraud-scorer');
      expect({ ...t, at: null }).toEqual({ ...JSON.parse(JSON.stringify(local)), at: null });
    });

    it('keeps a path through a restricted model connected, each hidden node with its own id', async () => {
      const res = await get('sam', `/api/v1/trace/${enc('app:support/helper')}`);
      for (const secret of [...PAYMENTS_SECRETS, 'model:risk/fraud-scorer', 'dataset:risk/features'])
        expect(res.body).not.toContain(secret);
      const t = res.json() as TraceReport;
      expect(t.models.map((r) => [r.node, r.role, r.domain, r.requestAccessFrom])).toEqual([
        ['restricted:1', 'model', 'risk', ['user:carol']],
      ]);
      expect(t.datasets.map((r) => [r.node, r.depth, r.role, r.via, r.restricted ?? false])).toEqual([
        ['dataset:support/kb', 1, 'rag_retrieval', 'app:support/helper', false],
        ['restricted:2', 2, 'training', 'restricted:1', true],
        ['restricted:3', 2, 'evaluation', 'restricted:1', true],
        ['kafka://broker:9092/payments.authorised', 3, 'evaluation', 'restricted:3', false],
      ]);
      expectConnected('app:support/helper', [...t.models, ...t.datasets]);
      expect(t.restricted).toBe(3);
      const carol = t.accountable.find((a) => a.ref === 'user:carol');
      expect(carol?.why).toEqual([
        'steward of app:support/helper',
        'owner of domain:risk, which holds restricted:1 (model)',
        'owner of dataset:support/kb (rag_retrieval)',
        'owner of domain:risk, which holds restricted:2 (training, 2 hops upstream)',
      ]);
      // The people of the hidden assets themselves are not named for them.
      expect(t.accountable.map((a) => a.ref).sort()).toEqual(['user:alice', 'user:carol', 'user:dan']);
      // The CLI prints the same answer readably (charter trace --server).
      const text = formatTrace(t);
      expect(text).toContain('restricted:1 (restricted, domain:risk)  model  ask user:carol');
      expect(text).toMatch(/ask user:carol/);
      expect(text).toContain('3 nodes are in a domain you may not read');
    });

    it('shows impact downstream with what the caller may not read restricted, also along column lineage', async () => {
      const r = await ok<ImpactReport>(
        'erin',
        `/api/v1/impact/${enc('kafka://broker:9092/payments.authorised')}`,
      );
      expect(r.datasets.map((x) => [x.node, x.depth, x.via])).toEqual([
        ['restricted:1', 1, 'kafka://broker:9092/payments.authorised'],
        ['dataset:risk/features', 2, 'restricted:1'],
      ]);
      expect(r.models.map((x) => [x.node, x.via])).toEqual([['model:risk/fraud-scorer', 'restricted:1']]);
      expect(r.apps.map((x) => [x.node, x.restricted, x.domain])).toEqual([
        ['restricted:2', true, 'support'],
      ]);
      expect(JSON.stringify(r)).not.toContain('app:support/helper');
      expect(r.restricted).toBe(2);
      expect(r.notify.map((p) => p.ref)).toEqual(['user:alice', 'user:carol', 'user:dan']);

      const field = await ok<ImpactReport>(
        'pat',
        `/api/v1/impact/${enc('dataset:payments/transactions#transactions.customer_email')}`,
      );
      expect(field.fields).toEqual([
        {
          node: 'restricted:1',
          field: null,
          depth: 1,
          from: 'dataset:payments/transactions',
          restricted: true,
        },
      ]);
      expect(field.datasets.map((x) => x.node)).toEqual(['restricted:1']);
      expect(field.models.map((x) => x.node)).toEqual(['restricted:2']);
      expect(JSON.stringify(field)).not.toMatch(/email_domain|risk\/features|fraud-scorer/);
      expect(formatImpact(field)).toContain(
        'restricted:1 (restricted) (hop 1, from dataset:payments/transactions)',
      );
      // The data office sees the field itself.
      const all = await ok<ImpactReport>(
        'ada',
        `/api/v1/impact/${enc('dataset:payments/transactions#transactions.customer_email')}`,
      );
      expect(all.fields?.[0]).toMatchObject({ node: 'dataset:risk/features', field: 'email_domain' });
    });

    it('refuses to start from what the caller may not read, by its ref or by the name lineage reported', async () => {
      const byRef = await get('erin', `/api/v1/impact/${enc('dataset:payments/transactions')}`);
      expect(byRef.statusCode).toBe(403);
      expect(byRef.json().error.message).toBe(
        'user:erin may not read dataset:payments/transactions: it needs viewer on domain:payments',
      );
      // The domain and the role in the details too, for a client to say whom to ask.
      expect(byRef.json().error.details).toEqual({
        ref: 'dataset:payments/transactions',
        domain: 'payments',
        needs: 'viewer',
      });
      const byName = await get(
        'erin',
        `/api/v1/impact/${enc('postgres://db.acme.internal:5432/pay.public.transactions')}`,
      );
      // Lineage knows a contract's datasets by its ref: the name it was reported under finds nothing.
      expect(byName.statusCode).toBe(404);
      expect(byName.json().error.message).toBe(
        "'postgres://db.acme.internal:5432/pay.public.transactions' is neither a catalog asset nor a dataset reported to lineage (give a ref, or namespace/name as reported, namespace:/path for an absolute path)",
      );
      expect((await get('erin', `/api/v1/trace/${enc('app:support/helper')}`)).statusCode).toBe(403);
    });

    it('shows inherited classification, conflicts and reported datasets without naming what the caller may not read', async () => {
      type Fields = {
        fields: { path: string; inherited: string | null; from: string[]; conflict: boolean }[];
      };
      const url = `/api/v1/lineage/classification/${enc('dataset:risk/features')}`;
      const mine = (await ok<Fields>('erin', url)).fields.find((f) => f.path === 'features.email_domain');
      // The level is the readable field's own; where it comes from is named by its domain only.
      expect(mine).toMatchObject({
        inherited: 'confidential',
        from: ['restricted (domain:payments)'],
        conflict: true,
      });
      const all = (await ok<Fields>('ada', url)).fields.find((f) => f.path === 'features.email_domain');
      expect(all?.from).toEqual(['dataset:payments/transactions#transactions.customer_email']);
      const described = await get('erin', `/api/v1/assets/${enc('dataset:risk/features')}/describe`);
      expect(described.statusCode).toBe(200);
      expect(described.body).not.toContain('customer_email');
      expect(described.body).toContain('restricted (domain:payments)');
      expect(
        (await get('erin', `/api/v1/lineage/classification/${enc('dataset:payments/transactions')}`))
          .statusCode,
      ).toBe(403);

      type Conflicts = { conflicts: { ref: string; field: string; from: string[] }[] };
      expect(
        (await ok<Conflicts>('erin', '/api/v1/lineage/conflicts')).conflicts.map((c) => [c.ref, c.from]),
      ).toEqual([['dataset:risk/features', ['restricted (domain:payments)']]]);
      // pat reads payments only: the risk contract's conflict is not listed.
      expect((await ok<Conflicts>('pat', '/api/v1/lineage/conflicts')).conflicts).toEqual([]);

      type Datasets = { datasets: { namespace: string; name: string; ref: string | null }[] };
      const seen = (await ok<Datasets>('erin', '/api/v1/lineage/datasets')).datasets;
      expect(seen.map((d) => d.ref).sort()).toEqual(['dataset:risk/features', null]);
      expect(JSON.stringify(seen)).not.toContain('pay.public.transactions');
      expect((await ok<Datasets>('ada', '/api/v1/lineage/datasets')).datasets).toHaveLength(3);
      const features = seen.find((d) => d.ref === 'dataset:risk/features')!;
      const detail = await get(
        'erin',
        `/api/v1/lineage/datasets/detail?namespace=${enc(features.namespace)}&name=${enc(features.name)}`,
      );
      expect(detail.statusCode).toBe(200);
      expect(detail.body).not.toMatch(/pay\.public\.transactions|customer_email/);
      expect(detail.json().fields).toContainEqual({
        field: 'email_domain',
        from: 'restricted (domain:payments)',
        fromField: '',
        protection: null,
      });
      const hidden = await get(
        'erin',
        `/api/v1/lineage/datasets/detail?namespace=${enc('postgres://db.acme.internal:5432')}&name=pay.public.transactions`,
      );
      expect(hidden.statusCode).toBe(403);
    });

    it('describes restricted nodes in the OpenAPI document', async () => {
      const spec = (await app.inject({ url: '/openapi.json' })).json();
      const ok200 = (path: string) =>
        spec.paths[path].get.responses['200'].content['application/json'].schema.properties;
      const row = ok200('/api/v1/trace/{ref}').datasets.items;
      expect(row.properties.node.description).toMatch(/restricted:N/);
      expect(Object.keys(row.properties)).toEqual(
        expect.arrayContaining(['restricted', 'domain', 'requestAccessFrom']),
      );
      expect(ok200('/api/v1/impact/{ref}').apps.items.properties.restricted.type).toBe('boolean');
      expect(spec.paths['/api/v1/trace/{ref}'].get.responses['403']).toBeDefined();
    });

    it('counts in scorecards only what the caller may read, and refuses a domain it may not read', async () => {
      type Row = { key: string; assets: number };
      type Cards = { domains: Row[]; owners: Row[]; stewards: Row[] };
      const all = await ok<Cards>('ada', '/api/v1/scorecards');
      expect(all.domains.map((d) => d.key)).toEqual(expect.arrayContaining(['payments', 'risk', 'support']));
      // erin reads risk only: she sees what the data office sees of risk, and nothing else.
      const risk = await ok<Cards>('ada', '/api/v1/scorecards?domain=risk');
      const erin = await ok<Cards>('erin', '/api/v1/scorecards');
      expect(erin.domains).toEqual(risk.domains);
      expect(erin.owners).toEqual(risk.owners);
      expect(erin.owners.length).toBeGreaterThan(0);
      expect(all.owners.some((o) => !erin.owners.some((e) => e.key === o.key))).toBe(true);
      expect(erin.stewards).toEqual(risk.stewards);
      expect(erin.stewards.length).toBeGreaterThan(0);
      // bob stewards only payments' transactions: erin, who may not read it, has no row of his.
      expect(all.stewards.map((r) => r.key)).toContain('user:bob');
      expect(erin.stewards.map((r) => r.key)).not.toContain('user:bob');
      const refused = await get('erin', '/api/v1/scorecards?domain=payments');
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().error.message).toBe(
        'user:erin may not read the assets of domain:payments: it needs viewer on domain:payments',
      );
    });

    it("names a domain's assets and their quality only to a caller who may read them", async () => {
      type Described = { relations: { type: string; ref: string }[] };
      const payments = `/api/v1/assets/${enc('domain:payments')}/describe`;
      const inPayments = (d: Described) => d.relations.filter((r) => r.ref.startsWith('dataset:payments/'));
      expect(inPayments(await ok<Described>('ada', payments)).length).toBeGreaterThan(0);
      // erin reads risk only: the payments domain is public, the datasets in it are not.
      const erinSees = await ok<Described>('erin', payments);
      expect(inPayments(erinSees)).toEqual([]);
      expect(erinSees.relations.length).toBeGreaterThan(0);
      type Score = { datasets: { ref: string }[] };
      const score = (d: string) => `/api/v1/quality/scores/${enc(`domain:${d}`)}`;
      expect((await ok<Score>('ada', score('payments'))).datasets.map((d) => d.ref)).toContain(
        'dataset:payments/transactions',
      );
      const refused = await get('erin', score('payments'));
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().error.message).toBe(
        'user:erin may not read the datasets of domain:payments: it needs viewer on domain:payments',
      );
      const risk = await ok<Score>('erin', score('risk'));
      expect(risk.datasets.length).toBeGreaterThan(0);
      expect(risk.datasets.every((d) => d.ref.startsWith('dataset:risk/'))).toBe(true);
    });

    it('lists, shows and traces outcomes only as the caller may see them', async () => {
      const recorded = await app.inject({
        method: 'POST',
        url: '/api/v1/outcomes',
        headers: { authorization: `Bearer ${tokens.ada}` },
        payload: {
          subject: 'app:support/helper',
          type: 'wrong_answer',
          severity: 'medium',
          summary: 'Told a customer a refund was sent when it was not',
        },
      });
      expect(recorded.statusCode, recorded.body).toBe(201);
      const id = (recorded.json() as Outcome).id;
      // Stored with the full trace: the data office sees bob, payments' steward, accountable.
      expect((recorded.json() as Outcome).accountable.map((a) => a.ref)).toContain('user:bob');

      // erin may not read the application: the outcome is not listed, shown or traced for her.
      const listed = await ok<{ outcomes: Outcome[] }>('erin', '/api/v1/outcomes');
      expect(listed.outcomes).toEqual([]);
      const refusedRead = await get('erin', `/api/v1/outcomes/${id}`);
      expect(refusedRead.statusCode).toBe(403);
      // The refusal names the outcome, not what it is about.
      expect(refusedRead.json().error.message).toBe(
        `user:erin may not read outcome:${id}: it needs viewer on domain:support`,
      );
      expect((await get('erin', `/api/v1/trace/outcome:${id}`)).statusCode).toBe(403);

      // sam may read it: the stored trace comes back through sam's roles.
      const seen = await ok<{ outcomes: Outcome[] }>('sam', '/api/v1/outcomes');
      expect(seen.outcomes.map((o) => o.id)).toEqual([id]);
      expect(seen.outcomes[0]!.accountable.map((a) => a.ref).sort()).toEqual([
        'user:alice',
        'user:carol',
        'user:dan',
      ]);
      const traced = await get('sam', `/api/v1/trace/outcome:${id}`);
      expect(traced.statusCode).toBe(200);
      for (const secret of [...PAYMENTS_SECRETS, 'model:risk/fraud-scorer'])
        expect(traced.body).not.toContain(secret);
      expect((traced.json() as TraceReport).models.map((m) => m.node)).toEqual(['restricted:1']);
      const one = await get('sam', `/api/v1/outcomes/${id}`);
      for (const secret of PAYMENTS_SECRETS) expect(one.body).not.toContain(secret);
      // Filtering by an accountable person matches only whom the caller's view names.
      expect(
        (await ok<{ outcomes: Outcome[] }>('sam', '/api/v1/outcomes?accountable=user:bob')).outcomes,
      ).toEqual([]);
      expect(
        (await ok<{ outcomes: Outcome[] }>('ada', '/api/v1/outcomes?accountable=user:bob')).outcomes.map(
          (o) => o.id,
        ),
      ).toEqual([id]);
      // A caller may not record an outcome against what they may not read.
      const refused = await app.inject({
        method: 'POST',
        url: '/api/v1/outcomes',
        headers: { authorization: `Bearer ${tokens.erin}` },
        payload: { subject: 'app:support/helper', type: 'complaint', severity: 'low', summary: 'Slow' },
      });
      expect(refused.statusCode).toBe(403);

      // Scorecards count it only for a caller who may read what it is about: its trace went through
      // risk, which erin reads, but the application is support's.
      type Cards = {
        domains: { key: string; outcomes: number }[];
        owners: { key: string; outcomes: number }[];
      };
      const outcomesOf = (rows: { key: string; outcomes: number }[], key: string) =>
        rows.find((r) => r.key === key)?.outcomes;
      const office = await ok<Cards>('ada', '/api/v1/scorecards?domain=risk');
      const erin = await ok<Cards>('erin', '/api/v1/scorecards');
      expect(outcomesOf(office.domains, 'risk')).toBe(1);
      expect(outcomesOf(erin.domains, 'risk')).toBe(0);
      expect(outcomesOf(office.owners, 'user:carol')).toBe(1);
      expect(outcomesOf(erin.owners, 'user:carol')).toBe(0);
      // sam reads support: counted for him.
      expect(outcomesOf((await ok<Cards>('sam', '/api/v1/scorecards')).owners, 'user:carol')).toBe(1);
    });

    it('prints the same restricted trace through the real CLI talking to the server', async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bin, 'trace', 'model:risk/fraud-scorer', '-o', 'json'],
        {
          env: {
            ...process.env,
            CHARTER_SERVER: `http://127.0.0.1:${port}`,
            CHARTER_TOKEN: tokens.erin,
            CHARTER_DATABASE_URL: '',
          },
        },
      );
      for (const secret of PAYMENTS_SECRETS) expect(stdout).not.toContain(secret);
      const t = JSON.parse(stdout) as TraceReport;
      expect(t.datasets[1]).toMatchObject({ node: 'restricted:1', restricted: true, domain: 'payments' });
    }, 60_000);

    it('stores column lineage from a sender who may not write the dataset as reported only: it changes no inheritance, and the answer names nothing the sender may not read', async () => {
      // The hashed PAN, reported as copied unmasked from the PAN (restricted) into risk's features.
      const event = {
        eventType: 'COMPLETE',
        eventTime: '2026-01-11T02:00:00Z',
        producer: 'https://example.com/elsewhere',
        run: { runId: '0193f4a2-0000-7000-8000-0000000000aa' },
        job: { namespace: 'airflow', name: 'risk.build_features' },
        inputs: [{ namespace: 'postgres://db.acme.internal:5432', name: 'pay.public.transactions' }],
        outputs: [
          {
            namespace: 'postgresql://ANALYTICS',
            name: 'dwh.risk.features',
            facets: {
              columnLineage: {
                fields: {
                  card_number_hash: {
                    inputFields: [
                      {
                        namespace: 'postgres://db.acme.internal:5432',
                        name: 'pay.public.transactions',
                        field: 'card_number',
                        transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
                      },
                    ],
                  },
                },
              },
            },
          },
        ],
      };
      Object.assign(tokens, await tokensFor(platform, ['carol']));
      const send = (who: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/lineage',
          headers: { authorization: `Bearer ${tokens[who]}` },
          payload: event,
        });
      type Fields = { fields: { path: string; inherited: string | null; conflict: boolean }[] };
      const hashed = async () =>
        (
          await ok<Fields>('ada', `/api/v1/lineage/classification/${enc('dataset:risk/features')}`)
        ).fields.find((f) => f.path === 'features.card_number_hash');
      expect(await hashed()).toMatchObject({ conflict: false });

      // pat reads payments only: stored, but the edge into risk's contract is reported lineage only,
      // and it does not replace the masked edge risk's own pipeline reported.
      const byPat = await send('pat');
      expect(byPat.statusCode, byPat.body).toBe(200);
      expect(byPat.json()).toMatchObject({ status: 'success', conflicts: [] });
      expect(byPat.json().stored.managed).toEqual(['dataset:payments/transactions']);
      expect(byPat.body).not.toContain('dataset:risk/features');
      expect(await hashed()).toMatchObject({ conflict: false });
      const conflicts = await ok<{ conflicts: { path: string }[] }>('ada', '/api/v1/lineage/conflicts');
      expect(conflicts.conflicts.map((c) => c.path)).toEqual(['features.email_domain']);

      // carol owns risk: the same report now decides what the field inherits, and the answer names
      // the PAN's dataset only by its domain (carol may not read payments).
      const byCarol = await send('carol');
      expect(byCarol.statusCode, byCarol.body).toBe(200);
      expect(byCarol.json().stored.managed).toEqual(['dataset:risk/features']);
      expect(byCarol.json().conflicts).toMatchObject([
        {
          ref: 'dataset:risk/features',
          field: 'features.card_number_hash',
          inherited: 'restricted',
          sources: ['restricted (domain:payments)'],
        },
      ]);
      expect(byCarol.body).not.toContain('card_number"');
      expect(await hashed()).toMatchObject({ inherited: 'restricted', conflict: true });
    });

    it("shows a domain's owners its webhooks and their deliveries, and lets them retry those only", async () => {
      const risk = await platform.lineage.addWebhook({
        url: 'https://hooks.example.com/risk',
        domain: 'risk',
      });
      const payments = await platform.lineage.addWebhook({
        url: 'https://hooks.example.com/payments',
        domain: 'payments',
      });
      // An outcome goes to the webhooks of every domain its trace went through: risk and payments.
      await platform.lineage.recordOutcome({
        subject: 'model:risk/fraud-scorer',
        type: 'drift',
        severity: 'medium',
        summary: 'Scores drifted',
      });
      type Hooks = { webhooks: { id: string }[] };
      type Deliveries = { deliveries: { id: string; webhookId: string }[] };
      expect((await ok<Hooks>('carol', '/api/v1/webhooks')).webhooks.map((h) => h.id)).toEqual([risk.id]);
      expect((await ok<Hooks>('erin', '/api/v1/webhooks')).webhooks).toEqual([]);
      expect((await ok<Hooks>('ada', '/api/v1/webhooks')).webhooks.map((h) => h.id).sort()).toEqual(
        [risk.id, payments.id].sort(),
      );
      const all = (await ok<Deliveries>('ada', '/api/v1/webhooks/deliveries')).deliveries;
      expect(all.map((d) => d.webhookId).sort()).toEqual([risk.id, payments.id].sort());
      const carols = (await ok<Deliveries>('carol', '/api/v1/webhooks/deliveries')).deliveries;
      expect(carols.map((d) => d.webhookId)).toEqual([risk.id]);
      const retry = (who: string, id: string) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/webhooks/deliveries/${id}/retry`,
          headers: { authorization: `Bearer ${tokens[who]}` },
        });
      expect((await retry('carol', carols[0]!.id)).json()).toEqual({ id: carols[0]!.id, state: 'pending' });
      const other = all.find((d) => d.webhookId === payments.id)!;
      const refused = await retry('carol', other.id);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toBe(
        "user:carol may not retry a delivery to another domain's webhook: it needs the data office",
      );
      // A test event: to a webhook of the domains one owns, not to another domain's.
      const test = (who: string, id: string) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/webhooks/${id}/test`,
          headers: { authorization: `Bearer ${tokens[who]}` },
        });
      const tested = await test('carol', risk.id);
      expect(tested.statusCode).toBe(202);
      expect(tested.json()).toMatchObject({ webhookId: risk.id, eventType: 'io.charter.webhook.test' });
      const notHers = await test('carol', payments.id);
      expect(notHers.statusCode).toBe(403);
      expect((await test('erin', risk.id)).statusCode).toBe(403);
      expect((await test('ada', payments.id)).statusCode).toBe(202);
      expect((await test('ada', 'nope')).statusCode).toBe(404);
    });
  });
}

/**
 * Lineage end to end on both stores: every OpenLineage reference fixture that is an event is
 * accepted (with the edges it produces), what is not an event is refused with why; datasets match
 * contracts by their servers; models and applications link to dataset versions; trace and impact
 * go through jobs and across domains, cut cycles and name the people; classifications propagate
 * along column lineage unless protected, and a contract declaring less is flagged.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatImpact, formatTrace } from '../src/cli/commands/lineage-commands.js';
import { invalidCount, linkRoleOf, readEvent } from '../src/lineage/openlineage.js';
import type { TraceReport } from '../src/lineage/trace.js';
import { traceText } from '../src/mcp/mcp-server.js';
import { QualityService } from '../src/quality/quality-service.js';
import { lineageStoreFor } from '../src/store/sql/sql-lineage-store.js';
import { qualityStoreFor } from '../src/store/sql/sql-quality-store.js';
import { applyYaml, fixture, type LineageSetup, lineageSetup, ndjson, orgYaml } from './lineage-support.js';
import { referenceDir, referencePath } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const reference = referenceDir();
const ol = (...parts: string[]) => referencePath('standards', 'openlineage', ...parts);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );
}

/** Edges a fixture produces, as `from -> to` with nodes written namespace/name. */
const expectedEdges: Record<string, string[]> = {
  'spec/tests/example_full_event.json': [],
  'client/python/tests/example_full_event.json': [
    'my-datasource-namespace/instance.schema.table -> my-scheduler-namespace/myjob.mytask',
    'my-scheduler-namespace/myjob.mytask -> my-datasource-namespace/instance.schema.table',
  ],
  'client/python/tests/serde_example_dataset_event.json': [],
  'client/python/tests/serde_example_job_event.json': [
    'openlineage/dataset_a -> openlineage/name',
    'openlineage/name -> openlineage/dataset_b',
  ],
  'client/python/tests/serde_example_run_event.json': [],
  'proxy/fluentd/docker/test-start.json': [
    'my-namespace/my-input -> my-namespace/my-job',
    'my-namespace/my-job -> my-namespace/my-output',
  ],
  'proxy/fluentd/docker/test-complete.json': [
    'my-namespace/my-input -> my-namespace/my-job',
    'my-namespace/my-job -> my-namespace/my-output',
  ],
  'integration/spark/app/src/test/resources/test_data/serde/openlineage-event.json': [
    'ins/input -> namespace/jobName',
    'namespace/jobName -> ons/output',
  ],
  'integration/common/tests/dbt/singular_test/result.json': [],
};

/** What the lenient reader notes for each fixture that omits something. */
const expectedNotes: Record<string, string[]> = {
  'client/python/tests/serde_example_dataset_event.json': ['eventTime has no time zone; it was read as UTC'],
  'client/python/tests/serde_example_job_event.json': ['eventTime has no time zone; it was read as UTC'],
  'client/python/tests/serde_example_run_event.json': ['eventTime has no time zone; it was read as UTC'],
  'integration/spark/app/src/test/resources/test_data/serde/openlineage-event.json': [
    'producer is missing',
    'schemaURL is missing',
    'some facets lack _producer or _schemaURL',
  ],
  'spec/tests/example_full_event.json': ['dataset is ignored on a Run or Job event'],
};

describe.runIf(reference)('OpenLineage reference fixtures, read', () => {
  it('refuses every file that is not an event (schemas, facet examples, templated dbt output) with why', () => {
    const dir = ol();
    const refused: Record<string, string> = {};
    for (const file of jsonFiles(dir)) {
      const rel = relative(dir, file);
      if (rel in expectedEdges) continue;
      const doc = readJson(file);
      for (const [i, value] of (Array.isArray(doc) ? doc : [doc]).entries()) {
        const check = readEvent(value);
        expect(check.ok, `${rel}[${i}] should be refused`).toBe(false);
        if (!check.ok) refused[`${rel}[${i}]`] = check.reason;
      }
    }
    // The 26 dbt expected-output events carry `{{ any(result) }}` matchers where run ids belong.
    const dbt = Object.entries(refused).filter(([k]) => k.includes('structured_logs'));
    expect(dbt).toHaveLength(26);
    for (const [, reason] of dbt)
      expect(reason).toBe(
        'run.runId is required and must be a UUID (e.g. 3f5e83fa-3480-44ff-99c5-ff943904e5e8)',
      );
    expect(refused['spec/tests/SQLJobFacet/1.json[0]']).toMatch(
      /^is not an OpenLineage event: it has neither run and job/,
    );
    expect(refused['spec/OpenLineage.json[0]']).toMatch(/^is not an OpenLineage event/);
  });
});

describe('OpenLineage events, read', () => {
  const job = { namespace: 'airflow', name: 'payments.ingest' };
  const eventTime = '2026-01-01T00:00:00Z';

  it('refuses an event nested deeper than any facet needs, saying so, instead of failing on it later', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 5000; i++) deep = { x: deep };
    expect(readEvent({ eventTime, job: { ...job, facets: { x: deep } } })).toEqual({
      ok: false,
      reason: "its objects and arrays nest more than 64 levels deep; an event's facets need far fewer",
    });
    let fine: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50; i++) fine = { x: fine };
    expect(readEvent({ eventTime, job: { ...job, facets: { x: fine } } }).ok).toBe(true);
  });

  it('uses the default role for a link whose charter_aiLink role is unknown, and says so', () => {
    const input = (role: string) => ({
      namespace: 'file',
      name: '/data/tickets.csv',
      inputFacets: { charter_aiLink: { role } },
    });
    const check = readEvent({
      eventTime,
      producer: 'p',
      schemaURL: 's',
      run: { runId: '0193f4a2-0000-7000-8000-0000000000cc' },
      job,
      inputs: [input('fine_tuning'), input('bogus_role')],
    });
    if (!check.ok) throw new Error(check.reason);
    expect(check.event.notes).toEqual([
      "inputs[1]: charter_aiLink role 'bogus_role' is not one of training, fine_tuning, validation, evaluation, rag_retrieval, prompt_context, inference_input, output; the link's default role is used",
      'some facets lack _producer or _schemaURL',
    ]);
    expect(check.event.inputs.map(linkRoleOf)).toEqual(['fine_tuning', null]);
  });

  it('counts invalid events in plain English', () => {
    expect([invalidCount(1, 1), invalidCount(1, 3), invalidCount(2, 3)]).toEqual([
      '1 of 1 event is invalid',
      '1 of 3 events is invalid',
      '2 of 3 events are invalid',
    ]);
  });

  it("keeps a run's state without a run as a JobEvent, and says so", () => {
    const check = readEvent({
      eventType: 'COMPLETE',
      job,
      producer: 'p',
      schemaURL: 's',
      eventTime,
    });
    expect(check.ok && check.event.kind).toBe('job');
    expect(check.ok && check.event.notes).toEqual([
      "has eventType COMPLETE (a run's state) but no run: stored as a JobEvent",
    ]);
  });
});

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`lineage on ${factory.name}`, () => {
    let handle: StoreHandle;
    let s: LineageSetup;

    beforeEach(async () => {
      handle = await factory.create();
      s = lineageSetup(handle.store);
      const applied = await applyYaml(s.catalog, orgYaml);
      expect(applied.applied, JSON.stringify(applied.results.filter((r) => r.issues.length))).toBe(true);
    });
    afterEach(async () => {
      await handle.dispose();
    });

    /** Every stored edge as `namespace/name -> namespace/name`. */
    async function storedEdges(): Promise<string[]> {
      const store = lineageStoreFor(handle.store);
      const edges = await store.edgesAfter(0, 10_000);
      const nodes = new Map(
        (await store.nodesAfter(0, 10_000)).map((n) => [n.id, `${n.namespace}/${n.name}`]),
      );
      return edges.map((e) => `${nodes.get(e.src)} -> ${nodes.get(e.dst)}`).sort();
    }

    it.runIf(reference)(
      'accepts every reference fixture that is an event, and stores the edges it reports',
      async () => {
        for (const [rel, edges] of Object.entries(expectedEdges)) {
          const before = new Set(await storedEdges());
          const doc = readJson(ol(rel));
          const items = (Array.isArray(doc) ? doc : [doc]).map((value) => ({ value }));
          const result = await s.lineage.ingest(items, { atomic: true });
          expect(result.status, `${rel}: ${JSON.stringify(result.failed_events)}`).toBe('success');
          expect(result.summary.successful).toBe(items.length);
          const notes = [...new Set(result.warnings.map((w) => w.message))].sort();
          expect(notes, rel).toEqual([...(expectedNotes[rel] ?? [])].sort());
          const after = await storedEdges();
          for (const e of edges) expect(after, rel).toContain(e);
          // Nothing else: an edge is new only if the fixture reports it.
          expect(
            after.filter((e) => !before.has(e) && !edges.includes(e)),
            rel,
          ).toEqual([]);
        }
        const store = lineageStoreFor(handle.store);
        expect(await store.countEvents()).toBe(
          Object.keys(expectedEdges).reduce(
            (n, rel) => n + (Array.isArray(readJson(ol(rel))) ? readJson(ol(rel)).length : 1),
            0,
          ),
        );
        // Facets are kept as given, input and output facets included.
        const [table] = await store.findNodes([
          { kind: 'dataset', namespace: 'my-datasource-namespace', name: 'instance.schema.table' },
        ]);
        const facets = await store.facets([table!.id]);
        // Run statistics stay in the stored event; the latest of the other facets is kept per dataset.
        expect(facets.map((f) => f.name).sort()).toEqual(['input.dataQualityAssertions', 'schema']);
        const spark = await s.lineage.dataset('ins', 'input');
        expect((spark.facets['input.dataQualityMetrics'] as { rowCount: number }).rowCount).toBe(10);
        expect(spark.consumers).toEqual(['namespace/jobName']);
      },
    );

    it.runIf(reference)(
      'stores nothing from a batch with one invalid event when atomic, and the valid ones otherwise',
      async () => {
        const good = readJson(ol('proxy/fluentd/docker/test-start.json'));
        const [templated] = readJson(
          ol('integration/common/tests/dbt/structured_logs/postgres/test/results/test_ol_events.json'),
        );
        const atomic = await s.lineage.ingest([{ value: good }, { value: templated }], { atomic: true });
        expect(atomic.status).toBe('failure');
        expect(atomic.failed_events).toEqual([
          {
            index: 1,
            reason: 'run.runId is required and must be a UUID (e.g. 3f5e83fa-3480-44ff-99c5-ff943904e5e8)',
            retriable: false,
          },
        ]);
        expect(await lineageStoreFor(handle.store).countEvents()).toBe(0);
        const partial = await s.lineage.ingest([{ value: good }, { value: templated }], {});
        expect(partial.status).toBe('partial_success');
        expect(partial.summary).toEqual({
          received: 2,
          successful: 1,
          failed: 1,
          retriable: 0,
          non_retriable: 1,
        });
        expect(await lineageStoreFor(handle.store).countEvents()).toBe(1);
        // One audit record per stored batch.
        const audit = (await s.catalog.auditLog({ ref: 'lineage' })).map((r) => [
          r.action,
          r.details?.events,
        ]);
        expect(audit).toEqual([['lineage.ingest', 1]]);
      },
    );

    it('matches reported datasets to contracts by their servers; the rest are listed for adoption', async () => {
      const result = await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      expect(result.stored.managed).toEqual(['dataset:payments/transactions', 'dataset:risk/features']);
      expect(result.stored.unmanaged).toBe(1);
      const unmanaged = await s.lineage.datasets({ managed: false });
      expect(unmanaged.map((d) => `${d.namespace} ${d.name}`)).toEqual([
        'kafka://broker:9092 payments.authorised',
      ]);
      const managed = await s.lineage.datasets({ managed: true });
      expect(managed.map((d) => [d.namespace, d.ref, d.table])).toEqual(
        expect.arrayContaining([
          ['postgres://db.acme.internal:5432', 'dataset:payments/transactions', 'transactions'],
          ['postgresql://ANALYTICS', 'dataset:risk/features', 'features'],
        ]),
      );
      // A local file contract answers to the absolute path a producer reports.
      await s.lineage.ingest(
        [
          {
            value: {
              eventTime: '2026-01-11T00:00:00Z',
              producer: 'https://example.com/p',
              schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent',
              job: { namespace: 'cron', name: 'kb.export' },
              outputs: [{ namespace: 'file', name: '/srv/acme/data/support/kb.csv' }],
            },
          },
        ],
        {},
      );
      expect((await s.lineage.dataset('file', '/srv/acme/data/support/kb.csv')).ref).toBe(
        'dataset:support/kb',
      );
      const adopt = await s.lineage.dataset('kafka://broker:9092', 'payments.authorised');
      expect(adopt.ref).toBeNull();
      expect(adopt.draft).toMatchObject({ apiVersion: 'v3.1.0', kind: 'DataContract', status: 'draft' });
      // The draft names the topic with ODCS's own Kafka server; applied, it is the reported dataset.
      const draft = adopt.draft as {
        servers: unknown[];
        schema: { physicalName: string }[];
        domain: string;
        description: { purpose: string };
      };
      expect(draft.servers).toEqual([{ server: 'reported', type: 'kafka', host: 'broker:9092' }]);
      expect(draft.schema[0]!.physicalName).toBe('payments.authorised');
      draft.domain = 'payments';
      draft.description.purpose = 'Authorised card payments, as the payment service publishes them.';
      const adopted = await s.catalog.apply({
        docs: [{ source: 'draft', index: 0, doc: draft }],
        problems: [],
      });
      expect(adopted.applied, JSON.stringify(adopted.results[0])).toBe(true);
      expect(adopted.results[0]!.ref).toBe('dataset:payments/authorised');
      expect((await s.lineage.dataset('kafka://broker:9092', 'payments.authorised')).ref).toBe(
        'dataset:payments/authorised',
      );
    });

    it('links models and applications to dataset versions with roles; "latest" is flagged; unknown versions refused', async () => {
      const model = await s.catalog.describe('model:risk/fraud-scorer');
      expect(model.relations).toEqual(
        expect.arrayContaining([
          { type: 'usesData', ref: 'dataset:risk/features', role: 'training' },
          { type: 'usesData', ref: 'dataset:payments/transactions', role: 'evaluation' },
        ]),
      );
      const features = await s.catalog.describe('dataset:risk/features');
      expect(features.relations).toContainEqual({
        type: 'dataUsedBy',
        ref: 'model:risk/fraud-scorer',
        role: 'training',
      });
      const reapplied = await applyYaml(
        s.catalog,
        orgYaml.replace('title: Fraud scorer', 'title: Fraud scorer v2'),
      );
      const warning = reapplied.results.find((r) => r.ref === 'model:risk/fraud-scorer')!.warnings;
      expect(warning).toEqual([
        {
          path: 'spec.inputs[1].version',
          message:
            'links to the latest version of dataset:payments/transactions, which moves; pin the version (an integer) so the record shows which data the system was built on',
        },
      ]);
      const bad = await applyYaml(
        s.catalog,
        orgYaml.replace(
          '{dataset: "dataset:risk/features", version: 1',
          '{dataset: "dataset:risk/features", version: 7',
        ),
      );
      expect(bad.applied).toBe(false);
      expect(bad.results.find((r) => r.ref === 'model:risk/fraud-scorer')!.issues).toEqual([
        {
          path: 'spec.inputs[0].version',
          message: 'dataset:risk/features has no version 7; it has versions 1 to 1',
        },
      ]);
      const missing = await applyYaml(
        s.catalog,
        orgYaml.replace(
          '{dataset: "dataset:support/kb", version: 1',
          '{dataset: "dataset:support/faq", version: 1',
        ),
      );
      expect(missing.results.find((r) => r.ref === 'app:support/helper')!.issues).toEqual([
        { path: 'spec.inputs[0].dataset', message: "Reference 'dataset:support/faq' does not exist" },
      ]);
    });

    it('traces a model through jobs and across domains to every dataset, with versions, classification and owners', async () => {
      await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      const t = await s.lineage.trace('model:risk/fraud-scorer');
      const rows = t.datasets.map((r) => [r.node, r.depth, r.role, r.version?.used ?? null, r.job]);
      expect(rows).toEqual([
        ['dataset:risk/features', 1, 'training', '1', null],
        ['dataset:payments/transactions', 1, 'evaluation', null, null],
        ['kafka://broker:9092/payments.authorised', 2, 'evaluation', null, 'airflow/payments.ingest'],
      ]);
      const features = t.datasets[0]!;
      expect(features.version).toEqual({ used: '1', pinned: true, current: 1 });
      expect(features.asset).toMatchObject({
        domain: 'risk',
        owners: ['user:carol'],
        stewards: ['user:dan'],
        classification: 'internal',
        quality: { status: null },
      });
      expect(t.datasets[1]!.asset?.classification).toBe('restricted');
      expect(t.datasets[2]!.managed).toBe(false);
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
          why: ['owner of dataset:payments/transactions (evaluation)'],
        },
        {
          ref: 'user:bob',
          title: 'Bob Stone',
          why: ['steward of dataset:payments/transactions (evaluation)'],
        },
      ]);
      expect(t.domains).toEqual(['payments', 'risk']);
      expect(t.cycles).toEqual([]);
    });

    it('traces an application to its models and, through them, their data; the version used shows the classification at the time', async () => {
      await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      // features v2 raises a field to confidential; the model still links to v1, which was internal.
      await applyYaml(
        s.catalog,
        orgYaml.replace(
          '{name: amount, logicalType: number, classification: internal, description: Amount}\n      - {name: email_domain',
          '{name: amount, logicalType: number, classification: confidential, description: Amount}\n      - {name: email_domain',
        ),
      );
      const t = await s.lineage.trace('app:support/helper');
      expect(t.models.map((m) => [m.node, m.depth, m.role])).toEqual([
        ['model:risk/fraud-scorer', 1, 'model'],
      ]);
      expect(t.datasets.map((r) => [r.node, r.depth, r.role, r.via])).toEqual([
        ['dataset:support/kb', 1, 'rag_retrieval', 'app:support/helper'],
        ['dataset:risk/features', 2, 'training', 'model:risk/fraud-scorer'],
        ['dataset:payments/transactions', 2, 'evaluation', 'model:risk/fraud-scorer'],
        ['kafka://broker:9092/payments.authorised', 3, 'evaluation', 'dataset:payments/transactions'],
      ]);
      const features = t.datasets[1]!;
      expect(features.asset?.classification).toBe('confidential');
      expect(features.classificationUsed).toBe('internal');
      expect(t.accountable.map((a) => a.ref)).toEqual(['user:dan', 'user:carol', 'user:alice', 'user:bob']);
      expect(t.accountable[0]!.why).toEqual([
        'owner of app:support/helper',
        'steward of model:risk/fraud-scorer (model)',
        'steward of dataset:support/kb (rag_retrieval)',
        'steward of dataset:risk/features (training, 2 hops upstream)',
      ]);
    });

    it('names the owners as they are now after an owner changes, in a trace and an impact already answered before', async () => {
      await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      // Answered once first, so what reports keep per asset (views, reasons) exists before the change.
      const before = await s.lineage.trace('model:risk/fraud-scorer');
      expect(before.datasets.map((r) => [r.node, r.asset?.owners ?? null])).toEqual([
        ['dataset:risk/features', ['user:carol']],
        ['dataset:payments/transactions', ['user:alice']],
        ['kafka://broker:9092/payments.authorised', null],
      ]);
      const impactBefore = await s.lineage.impact('kafka://broker:9092/payments.authorised', {});
      expect(impactBefore.notify.map((p) => p.ref)).toEqual([
        'user:alice',
        'user:bob',
        'user:carol',
        'user:dan',
      ]);
      // features declares its own owner now; payments (whose owners transactions inherits) has a new one.
      const applied = await applyYaml(
        s.catalog,
        orgYaml
          .replace(
            'description: {purpose: Fraud features per transaction}',
            'description: {purpose: Fraud features per transaction}\nteam:\n  name: fraud\n  members:\n    - {username: bob, role: owner}',
          )
          .replace(
            'description: Card payments, owners: [user:alice]',
            'description: Card payments, owners: [user:ada]',
          ),
      );
      expect(applied.applied, JSON.stringify(applied.results.filter((r) => r.issues.length))).toBe(true);
      const after = await s.lineage.trace('model:risk/fraud-scorer');
      expect(after.datasets.map((r) => [r.node, r.asset?.owners ?? null])).toEqual([
        ['dataset:risk/features', ['user:bob']],
        ['dataset:payments/transactions', ['user:ada']],
        ['kafka://broker:9092/payments.authorised', null],
      ]);
      expect(after.accountable).toEqual([
        {
          ref: 'user:carol',
          title: 'Carol Diaz',
          why: ['owner of model:risk/fraud-scorer'],
        },
        {
          ref: 'user:dan',
          title: 'Dan Okoro',
          why: ['steward of model:risk/fraud-scorer', 'steward of dataset:risk/features (training)'],
        },
        {
          ref: 'user:bob',
          title: 'Bob Stone',
          why: [
            'owner of dataset:risk/features (training)',
            'steward of dataset:payments/transactions (evaluation)',
          ],
        },
        {
          ref: 'user:ada',
          title: 'Ada Lind',
          why: ['owner of dataset:payments/transactions (evaluation)'],
        },
      ]);
      const impactAfter = await s.lineage.impact('kafka://broker:9092/payments.authorised', {});
      expect(impactAfter.datasets.map((r) => [r.node, r.asset?.owners ?? null])).toEqual([
        ['dataset:payments/transactions', ['user:ada']],
        ['dataset:risk/features', ['user:bob']],
      ]);
      expect(impactAfter.notify.find((p) => p.ref === 'user:alice')).toBeUndefined();
      expect(impactAfter.notify.find((p) => p.ref === 'user:bob')?.why).toEqual([
        'steward of dataset:payments/transactions',
        'owner of dataset:risk/features',
      ]);
    });

    it('shows the version a link reports now when an edge already indexed is reported again with one', async () => {
      await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      const kafka = async () =>
        (await s.lineage.trace('model:risk/fraud-scorer')).datasets.find(
          (r) => r.node === 'kafka://broker:9092/payments.authorised',
        )?.version;
      expect(await kafka()).toEqual({ used: null, pinned: false, current: null });
      // The same input of the same job again, now naming the version it read.
      const [first] = fixture('events.ndjson').split('\n');
      const again = JSON.parse(first!) as {
        run: { runId: string };
        inputs: { facets?: Record<string, unknown> }[];
      };
      again.run.runId = '0193f4a2-0000-7000-8000-0000000000aa';
      again.inputs[0]!.facets = {
        version: {
          _producer: 'https://github.com/acme/pipelines',
          _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json',
          datasetVersion: 'offset-4711',
        },
      };
      expect((await s.lineage.ingest([{ value: again }], {})).status).toBe('success');
      expect(await kafka()).toEqual({ used: 'offset-4711', pinned: false, current: null });
      // And once the index is rebuilt from the store, where the version sits in the compressed arrays.
      await s.lineage.graph.build();
      expect(await kafka()).toEqual({ used: 'offset-4711', pinned: false, current: null });
    });

    /** dataset:support/kb with a null check on its key, and a function that checks it over this CSV. */
    const kbWithCheck = async () => {
      await applyYaml(
        s.catalog,
        orgYaml.replace(
          '{name: article_id, logicalType: string, classification: public, description: Key}',
          '{name: article_id, logicalType: string, classification: public, description: Key, quality: [{metric: nullValues, mustBe: 0}]}',
        ),
      );
      const root = mkdtempSync(join(tmpdir(), 'charter-kb-'));
      mkdirSync(join(root, 'data', 'support'), { recursive: true });
      const quality = new QualityService(s.catalog, qualityStoreFor(handle.store), {
        actor: 'user:dan',
        dataRoot: root,
      });
      return async (csv: string) => {
        writeFileSync(join(root, 'data', 'support', 'kb.csv'), csv);
        await quality.check({ ref: 'dataset:support/kb' });
      };
    };

    /** dataset:support/kb checked twice, failing then passing: a time before any run, and one while it failed. */
    const kbFailedThenPassed = async () => {
      const checkKb = await kbWithCheck();
      const tick = () => new Promise((r) => setTimeout(r, 5));
      const beforeAny = new Date().toISOString();
      await tick();
      await checkKb('article_id,body\n,hello\n');
      await tick();
      const whileFailing = new Date().toISOString();
      await tick();
      await checkKb('article_id,body\na1,hello\n');
      return { beforeAny, whileFailing };
    };

    it('shows the quality status and open incidents as they are now, in a trace answered before a quality run', async () => {
      const checkKb = await kbWithCheck();
      const kb = async () => {
        const t = await s.lineage.trace('app:support/helper');
        const row = t.datasets.find((r) => r.node === 'dataset:support/kb');
        return [row?.asset?.quality?.status, row?.asset?.openIncidents];
      };
      expect(await kb()).toEqual([null, 0]);
      // A quality run changes no name and no owner (the graph is not rebuilt): the trace still shows it.
      await checkKb('article_id,body\n,hello\n');
      expect(await kb()).toEqual(['failed', 1]);
      await checkKb('article_id,body\na1,hello\n');
      expect(await kb()).toEqual(['passed', 0]);
    });

    it("shows in an outcome's trace each dataset's quality when the outcome occurred, where it differs from the status at recording", async () => {
      const { beforeAny, whileFailing } = await kbFailedThenPassed();
      const record = async (occurredAt?: string) => {
        const o = await s.lineage.recordOutcome({
          subject: 'app:support/helper',
          type: 'wrong_answer',
          severity: 'low',
          summary: 'An answer cited a missing article',
          ...(occurredAt ? { occurredAt } : {}),
        });
        const row = o.trace.datasets.find((r) => r.node === 'dataset:support/kb')!;
        return [row.asset?.quality?.status, row.qualityThen?.status];
      };
      // Recorded now: the status at recording is the one at the time.
      expect(await record()).toEqual(['passed', undefined]);
      // It happened while the dataset failed its checks, and was reported after the fix.
      expect(await record(whileFailing)).toEqual(['passed', 'failed']);
      // It happened before any run had checked the dataset: the status at recording is the first known.
      expect(await record(beforeAny)).toEqual(['passed', undefined]);
      // Stored with the outcome: read back the same, and shown by the CLI's table.
      const listed = await s.lineage.outcomes({});
      const stored = await s.lineage.trace(
        `outcome:${listed.find((o) => o.occurredAt === whileFailing)!.id}`,
      );
      expect(stored.datasets.find((r) => r.node === 'dataset:support/kb')?.qualityThen?.status).toBe(
        'failed',
      );
      const text = formatTrace(stored);
      expect(text).toContain(`Occurred:  ${whileFailing}`);
      expect(text).toMatch(/dataset:support\/kb .* failed 80 \(then\), passed 100 \(recorded\)/);
      // And by MCP, to an assistant asking about the outcome.
      expect(traceText(stored)).toMatch(
        /- dataset:support\/kb \(depth \d\): .*; quality failed when it happened \(passed when recorded\)/,
      );
    });

    it("answers a trace as of a past time with each dataset's quality then, where it differs from now", async () => {
      const { beforeAny, whileFailing } = await kbFailedThenPassed();
      const kb = (t: TraceReport) => t.datasets.find((r) => r.node === 'dataset:support/kb')!;
      const then = await s.lineage.trace('app:support/helper', { at: whileFailing });
      expect(then.qualityAt).toBe(whileFailing);
      expect([kb(then).asset?.quality?.status, kb(then).qualityThen?.status]).toEqual(['passed', 'failed']);
      // Now: nothing then. A time without a zone is read as UTC, as an event's is.
      const now = await s.lineage.trace('app:support/helper');
      expect(now.qualityAt).toBeUndefined();
      expect(kb(now).qualityThen).toBeUndefined();
      const local = await s.lineage.trace('app:support/helper', { at: whileFailing.replace(/Z$/, '') });
      expect([local.qualityAt, kb(local).qualityThen?.status]).toEqual([whileFailing, 'failed']);
      // As the CLI and MCP show it: then and now, not an outcome's "recorded".
      expect(formatTrace(then)).toContain(`As of:     ${whileFailing}`);
      expect(formatTrace(then)).toMatch(/dataset:support\/kb .* failed 80 \(then\), passed 100 \(now\)/);
      expect(traceText(then)).toMatch(
        /- dataset:support\/kb \(depth \d\): .*; quality failed then \(passed now\)/,
      );
      // Before any run had checked it: unchecked then (not the first status known, as an outcome's).
      const early = await s.lineage.trace('app:support/helper', { at: beforeAny });
      expect([kb(early).asset?.quality?.status, kb(early).qualityThen?.status]).toEqual(['passed', null]);
      expect(formatTrace(early)).toMatch(/dataset:support\/kb .* unchecked \(then\), passed 100 \(now\)/);
      // Refused: a time to come, what is not a time, and an outcome (its trace keeps its own time).
      await expect(s.lineage.trace('app:support/helper', { at: '2099-01-01T00:00:00Z' })).rejects.toThrow(
        'at (2099-01-01T00:00:00.000Z) is in the future; give a time that has passed',
      );
      await expect(s.lineage.trace('app:support/helper', { at: 'last tuesday' })).rejects.toThrow(
        'at is not an ISO 8601 date-time',
      );
      const o = await s.lineage.recordOutcome({
        subject: 'app:support/helper',
        type: 'drift',
        severity: 'low',
        summary: 'Answers drifted',
      });
      await expect(s.lineage.trace(`outcome:${o.id}`, { at: whileFailing })).rejects.toThrow(
        "an outcome's trace is the one recorded with it",
      );
    });

    it('shows, as of a past time, the version and classification then of a contract a link reads as latest, where they changed', async () => {
      const before = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      // The card number is declassified from restricted to confidential: version 2 of the contract.
      const changed = await applyYaml(
        s.catalog,
        orgYaml.replace(
          'classification: restricted, description: Card PAN',
          'classification: confidential, description: Card PAN',
        ),
      );
      expect(changed.applied, JSON.stringify(changed.results.filter((r) => r.issues.length))).toBe(true);
      const tx = (t: TraceReport) => t.datasets.find((r) => r.node === 'dataset:payments/transactions')!;
      const then = await s.lineage.trace('model:risk/fraud-scorer', { at: before });
      expect(tx(then)).toMatchObject({
        role: 'evaluation',
        version: { used: null, pinned: false, current: 2 },
        versionThen: 1,
        classificationThen: 'restricted',
        asset: { version: 2, classification: 'confidential' },
      });
      // A link pinned to a version shows that version (unchanged here) and nothing "then".
      const features = then.datasets.find((r) => r.node === 'dataset:risk/features')!;
      expect([features.version?.used, features.versionThen, features.classificationThen]).toEqual([
        '1',
        undefined,
        undefined,
      ]);
      const now = await s.lineage.trace('model:risk/fraud-scorer');
      expect([tx(now).versionThen, tx(now).classificationThen]).toEqual([undefined, undefined]);
      // Before the catalog had the contract: its current version, nothing "then".
      const early = await s.lineage.trace('model:risk/fraud-scorer', { at: '2020-01-01T00:00:00Z' });
      expect([tx(early).versionThen, tx(early).classificationThen]).toEqual([undefined, undefined]);
      expect(formatTrace(then)).toMatch(
        /dataset:payments\/transactions .* v1 \(then\), v2 \(now\) +restricted \(then\), confidential \(now\) /,
      );
      expect(traceText(then)).toMatch(
        /- dataset:payments\/transactions \(depth 1\): .*; classification restricted then \(confidential now\)/,
      );
      // An outcome that happened before the change keeps, beside the recording's, what held then.
      const o = await s.lineage.recordOutcome({
        subject: 'model:risk/fraud-scorer',
        type: 'drift',
        severity: 'low',
        summary: 'Scores drifted',
        occurredAt: before,
      });
      expect(tx(o.trace)).toMatchObject({ versionThen: 1, classificationThen: 'restricted' });
      expect(formatTrace({ ...o.trace, outcome: o })).toMatch(
        /v1 \(then\), v2 \(recorded\) +restricted \(then\), confidential \(recorded\) /,
      );
      expect(traceText(o.trace)).toContain(
        'classification restricted when it happened (confidential when recorded)',
      );
    });

    it('finds the impact of a dataset downstream (datasets, models, applications) and who to tell', async () => {
      await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      const r = await s.lineage.impact('dataset:payments/transactions', {});
      expect(r.datasets.map((d) => [d.node, d.depth, d.job])).toEqual([
        ['dataset:risk/features', 1, 'airflow/risk.build_features'],
      ]);
      expect(r.models.map((d) => [d.node, d.depth])).toEqual([['model:risk/fraud-scorer', 1]]);
      expect(r.apps.map((d) => [d.node, d.depth, d.via])).toEqual([
        ['app:support/helper', 2, 'model:risk/fraud-scorer'],
      ]);
      expect(r.notify.map((p) => p.ref)).toEqual(['user:carol', 'user:dan']);
      const shallow = await s.lineage.impact('kafka://broker:9092/payments.authorised', { depth: 1 });
      expect(shallow.datasets.map((d) => d.node)).toEqual(['dataset:payments/transactions']);
      expect(shallow.models).toEqual([]);
      // One field: only what derives from it along column lineage.
      const field = await s.lineage.impact('dataset:payments/transactions#transactions.customer_email', {});
      expect(field.fields).toEqual([
        {
          node: 'dataset:risk/features',
          field: 'email_domain',
          depth: 1,
          from: 'dataset:payments/transactions',
        },
      ]);
      expect(field.datasets.map((d) => d.node)).toEqual(['dataset:risk/features']);
      expect(field.models.map((d) => d.node)).toEqual(['model:risk/fraud-scorer']);
      // A field the contract does not have is refused, naming those it has.
      await expect(
        s.lineage.impact('dataset:payments/transactions', { field: 'transactions.nothing' }),
      ).rejects.toThrow(
        "dataset:payments/transactions has no field 'transactions.nothing'; its fields: transactions.transaction_id, transactions.card_number, transactions.amount, transactions.customer_email",
      );
      await expect(s.lineage.impact('dataset:payments/transactions#nothing', {})).rejects.toThrow(
        /has no field 'nothing'/,
      );
      // An unmanaged dataset's fields are those reported for it.
      await expect(
        s.lineage.impact('kafka://broker:9092/payments.authorised', { field: 'card_number' }),
      ).rejects.toThrow(
        'No field of kafka://broker:9092/payments.authorised was reported (by a schema facet or column lineage): its field impact is unknown',
      );
    });

    it.runIf(reference)(
      'cuts a cycle and reports it (a job reading and writing the same table)',
      async () => {
        await s.lineage.graph.fresh(true);
        await s.lineage.ingest([{ value: readJson(ol('client/python/tests/example_full_event.json')) }], {});
        const cycle = [
          {
            from: 'my-datasource-namespace/instance.schema.table',
            to: 'my-datasource-namespace/instance.schema.table',
          },
        ];
        // Found as the edges arrive (the index, built before, follows the store), and by a full rebuild.
        for (const rebuild of [false, true]) {
          if (rebuild) await s.lineage.graph.build();
          const r = await s.lineage.impact('my-datasource-namespace/instance.schema.table', {});
          expect(r.datasets).toEqual([]);
          expect(r.cycles, `rebuilt: ${rebuild}`).toEqual(cycle);
          // The CLI lists them under their own heading, after the applications.
          expect(formatImpact(r)).toContain(
            'Applications (0):\n\nCycles cut (1):\n  ↺ my-datasource-namespace/instance.schema.table → my-datasource-namespace/instance.schema.table\n',
          );
        }
      },
    );

    it('propagates classification along column lineage unless protected, and flags a contract declaring less', async () => {
      const result = await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      expect(result.conflicts.map((c) => [c.ref, c.field, c.declared, c.inherited, c.sources])).toEqual([
        [
          'dataset:risk/features',
          'features.email_domain',
          'internal',
          'confidential',
          ['dataset:payments/transactions#transactions.customer_email'],
        ],
      ]);
      const fields = await s.lineage.classification('dataset:risk/features');
      const byPath = Object.fromEntries(fields.map((f) => [f.path, f]));
      expect(byPath['features.email_domain']).toMatchObject({
        declared: 'internal',
        inherited: 'confidential',
        conflict: true,
      });
      expect(byPath['features.card_number_hash']).toMatchObject({
        declared: 'internal',
        inherited: null,
        protectedBy: [
          { from: 'dataset:payments/transactions#transactions.card_number', protection: 'masking' },
        ],
        conflict: false,
      });
      // An indirect (filter) input carries no values: amount inherits internal only.
      expect(byPath['features.amount']).toMatchObject({ inherited: 'internal', conflict: false });
      const described = await s.catalog.describe('dataset:risk/features');
      expect(described.classification?.find((f) => f.path === 'features.email_domain')).toMatchObject({
        declared: 'internal',
        inherited: 'confidential',
        conflict: true,
      });
      // The conflict is an audit record and a queued event.
      const audit = await s.catalog.auditLog({ ref: 'dataset:risk/features' });
      expect(audit.filter((r) => r.action === 'classification.conflict').map((r) => r.details)).toEqual([
        {
          field: 'features.email_domain',
          declared: 'internal',
          inherited: 'confidential',
          from: ['dataset:payments/transactions#transactions.customer_email'],
        },
      ]);
      const outbox = await lineageStoreFor(handle.store).outboxEvents({});
      expect(outbox.map((e) => [e.type, e.subject, e.domains])).toContainEqual([
        'io.charter.classification.conflict',
        'dataset:risk/features',
        ['risk'],
      ]);
      // Reporting the same lineage again raises nothing new.
      const again = await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      expect(again.conflicts).toEqual([]);
      // Declaring the inherited level (or a protection) clears it.
      await applyYaml(
        s.catalog,
        orgYaml.replace(
          '{name: email_domain, logicalType: string, classification: internal',
          '{name: email_domain, logicalType: string, classification: confidential',
        ),
      );
      expect(await s.lineage.conflicts({})).toEqual([]);
      expect(await s.lineage.conflicts({ ref: 'dataset:risk/features' })).toEqual([]);
      // A ref that names no contract is said to be unknown, as the classification of one is.
      await expect(s.lineage.conflicts({ ref: 'dataset:risk/nothing' })).rejects.toThrow(
        "Dataset 'dataset:risk/nothing' not found",
      );
      await expect(s.lineage.conflicts({ ref: 'garbage' })).rejects.toThrow(/garbage/);
      await expect(s.lineage.conflicts({ ref: 'model:risk/fraud-scorer' })).rejects.toThrow(
        "'model:risk/fraud-scorer' is a Model; conflicts belong to datasets (data contracts)",
      );
      await applyYaml(
        s.catalog,
        orgYaml.replace(
          '{name: email_domain, logicalType: string, classification: internal, description: Domain of the e-mail}',
          '{name: email_domain, logicalType: string, classification: internal, description: Domain of the e-mail, customProperties: [{property: protection, value: pseudonymisation}]}',
        ),
      );
      const protectedField = (await s.lineage.classification('dataset:risk/features')).find(
        (f) => f.path === 'features.email_domain',
      );
      expect(protectedField).toMatchObject({
        inherited: 'confidential',
        declaredProtection: 'pseudonymisation',
        conflict: false,
      });
    });

    it('propagates through unmanaged datasets, to any depth', async () => {
      const event = (
        job: string,
        from: [string, string, string],
        to: [string, string, string],
        t: string,
      ) => ({
        value: {
          eventType: 'COMPLETE',
          eventTime: t,
          producer: 'https://example.com/p',
          schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
          run: { runId: `0193f4a2-0000-7000-8000-00000000001${t.slice(12, 13)}` },
          job: { namespace: 'spark', name: job },
          inputs: [{ namespace: from[0], name: from[1] }],
          outputs: [
            {
              namespace: to[0],
              name: to[1],
              facets: {
                columnLineage: {
                  fields: {
                    [to[2]]: { inputFields: [{ namespace: from[0], name: from[1], field: from[2] }] },
                  },
                },
              },
            },
          ],
        },
      });
      await s.lineage.ingest(
        [
          event(
            'copy',
            ['postgres://db.acme.internal:5432', 'pay.public.transactions', 'card_number'],
            ['s3://lake', 'raw/cards', 'pan'],
            '2026-01-12T01:00:00Z',
          ),
          event(
            'stage',
            ['s3://lake', 'raw/cards', 'pan'],
            ['postgres://analytics:5432', 'dwh.risk.features', 'transaction_id'],
            '2026-01-12T02:00:00Z',
          ),
        ],
        {},
      );
      const f = (await s.lineage.classification('dataset:risk/features')).find(
        (x) => x.path === 'features.transaction_id',
      );
      expect(f).toMatchObject({
        declared: 'internal',
        inherited: 'restricted',
        from: ['s3://lake/raw/cards#pan'],
        conflict: true,
      });
    });

    it('records an outcome traced at once, keeps that trace, and queues the event for the domains behind it', async () => {
      await s.lineage.ingest(ndjson(fixture('events.ndjson')), {});
      const o = await s.lineage.recordOutcome({
        subject: 'app:support/helper',
        type: 'harmful_answer',
        severity: 'high',
        summary: 'The assistant told a customer their card was flagged as fraud',
        traceId: 'trace-123',
      });
      expect(o.ref).toBe(`outcome:${o.id}`);
      expect(o.accountable.map((a) => a.ref)).toEqual(['user:dan', 'user:carol', 'user:alice', 'user:bob']);
      expect(o.domains).toEqual(['payments', 'risk', 'support']);
      // Later lineage does not change what was traced when it happened.
      await applyYaml(
        s.catalog,
        orgYaml.replace(
          'owners: [user:alice], stewards: [user:bob]',
          'owners: [user:ada], stewards: [user:bob]',
        ),
      );
      const traced = await s.lineage.trace(`outcome:${o.id}`);
      expect('outcome' in traced && traced.outcome.summary).toBe(
        'The assistant told a customer their card was flagged as fraud',
      );
      expect(traced.accountable.map((a) => a.ref)).toContain('user:alice');
      const now = await s.lineage.trace('app:support/helper');
      expect(now.accountable.map((a) => a.ref)).toContain('user:ada');
      const listed = await s.lineage.outcomes({ accountable: 'user:alice' });
      expect(listed.map((x) => x.id)).toEqual([o.id]);
      const outbox = await lineageStoreFor(handle.store).outboxEvents({});
      const event = outbox.find((e) => e.type === 'io.charter.outcome.recorded')!;
      expect(event.domains).toEqual(['support', 'payments', 'risk']);
      expect(event.payload).toMatchObject({
        specversion: '1.0',
        id: event.id,
        type: 'io.charter.outcome.recorded',
        subject: 'app:support/helper',
        data: {
          details: {
            outcome: o.id,
            severity: 'high',
            accountable: ['user:dan', 'user:carol', 'user:alice', 'user:bob'],
          },
        },
      });
      await expect(
        s.lineage.recordOutcome({
          subject: 'dataset:support/kb',
          type: 'complaint',
          severity: 'low',
          summary: 'x',
        }),
      ).rejects.toThrow("An outcome is about a model or an application; 'dataset:support/kb' is a dataset");
      await expect(
        s.lineage.recordOutcome({ subject: 'model:risk/nope', type: 'drift', severity: 'low', summary: 'x' }),
      ).rejects.toThrow("Model 'model:risk/nope' not found");
    });

    it('scores domains, owners and stewards', async () => {
      await s.lineage.recordOutcome({
        subject: 'model:risk/fraud-scorer',
        type: 'drift',
        severity: 'medium',
        summary: 'Score drift',
      });
      const card = await s.lineage.scorecards({});
      const risk = card.domains.find((d) => d.key === 'risk')!;
      expect(risk).toMatchObject({
        assets: 2,
        datasets: 1,
        models: 1,
        withOwnerAndSteward: 2,
        classified: 1,
        outcomes: 1,
      });
      const carol = card.owners.find((o) => o.key === 'user:carol')!;
      expect(carol).toMatchObject({ title: 'Carol Diaz', assets: 3, datasets: 2, models: 1, outcomes: 1 });
      // Stewards have rows of their own, declared or inherited: dan stewards the model and kb (named
      // on them) and features (through risk); carol the helper app (through support, naming none).
      expect(card.stewards.map((r) => r.key)).toEqual(['user:bob', 'user:carol', 'user:dan']);
      expect(card.stewards.find((r) => r.key === 'user:dan')).toMatchObject({
        title: 'Dan Okoro',
        assets: 3,
        datasets: 2,
        models: 1,
        apps: 0,
        outcomes: 1,
      });
      expect(card.stewards.find((r) => r.key === 'user:carol')).toMatchObject({ assets: 1, apps: 1 });
      const only = await s.lineage.scorecards({ domain: 'support' });
      expect(only.domains.map((d) => d.key)).toEqual(['support']);
      await expect(s.lineage.scorecards({ domain: 'nowhere' })).rejects.toThrow(
        "Domain 'domain:nowhere' not found; known domains: payments, risk, support",
      );
      expect((await s.lineage.scorecards({ owner: 'user:carol' })).owners.map((o) => o.key)).toEqual([
        'user:carol',
      ]);
      const dan = await s.lineage.scorecards({ owner: 'user:dan' });
      // dan owns the helper app and stewards three: both rows, and no domain rows.
      expect([dan.domains, dan.owners.map((r) => r.key), dan.stewards.map((r) => r.key)]).toEqual([
        [],
        ['user:dan'],
        ['user:dan'],
      ]);
      expect(dan.stewards[0]).toEqual(card.stewards.find((r) => r.key === 'user:dan'));
      // An owner the catalog does not hold is said to be unknown, as a domain is, not an empty card.
      await expect(s.lineage.scorecards({ owner: 'user:nobody' })).rejects.toThrow(
        "User 'user:nobody' not found",
      );
    });
  });
}

/**
 * Proof of the crash bullet: the real `charter serve` is killed with SIGKILL at a random moment of
 * a large apply, of a quality run over many datasets and of a large lineage batch, again and again,
 * on an SQLite file and on PostgreSQL. After each kill the server is started again and the store
 * must hold together: the apply is all or nothing (every asset of it at its new version, the new
 * asset present — or none of it), every stored quality run has all its results and its audit
 * record, every stored lineage batch all its events and its audit record, the audit chain
 * verifies, and whatever was acknowledged with a 200 before the kill is there.
 *
 * Sizes: CHARTER_PROOF_CRASHES kills per operation and store (quick 2; CHARTER_PROOF=full 20),
 * CHARTER_PROOF_APPLY_ASSETS contracts per apply (400; 2000), CHARTER_PROOF_QUALITY_DATASETS
 * datasets per quality run (12; 40), CHARTER_PROOF_LINEAGE_EVENTS events per batch (1000; 5000).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../src/server/platform.js';
import type { CatalogStore } from '../../src/store/catalog-store.js';
import { openStore, type StoreOptions } from '../../src/store/open-store.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import { createPostgresDatabase, postgresAvailable } from '../support/stores.js';
import {
  call,
  contractYaml,
  officeToken,
  proofSize,
  type Served,
  seed,
  serve,
  storeProblems,
  tempDir,
} from './support.js';

const CRASHES = proofSize('CHARTER_PROOF_CRASHES', 2, 20);
const APPLY_ASSETS = proofSize('CHARTER_PROOF_APPLY_ASSETS', 400, 2000);
const QUALITY_DATASETS = proofSize('CHARTER_PROOF_QUALITY_DATASETS', 12, 40);
const LINEAGE_EVENTS = proofSize('CHARTER_PROOF_LINEAGE_EVENTS', 1000, 5000);
const TERMINATIONS = proofSize('CHARTER_PROOF_TERMINATIONS', 3, 20);

interface Target {
  name: 'sqlite' | 'postgres';
  available: () => Promise<boolean>;
  /** A fresh store: where the server finds it, and how to remove it. */
  create: () => Promise<{
    options: StoreOptions;
    where: { home: string } | { database: string };
    drop: () => Promise<void>;
  }>;
}

const targets: Target[] = [
  {
    name: 'sqlite',
    available: async () => true,
    create: async () => {
      const tmp = tempDir('crash');
      return { options: { home: tmp.dir }, where: { home: tmp.dir }, drop: async () => tmp.remove() };
    },
  },
  {
    name: 'postgres',
    available: postgresAvailable,
    create: async () => {
      const db = await createPostgresDatabase();
      return { options: { databaseUrl: db.url }, where: { database: db.url }, drop: db.drop };
    },
  },
];

/** One operation to interrupt: what it sends, and what must hold after a kill. */
interface Operation {
  name: string;
  /** Whether the server has the route (read from /openapi.json). */
  route: string;
  /** Seeds what the operation works on (in-process, before the first server starts). */
  prepare: (store: CatalogStore, dataRoot: string) => Promise<void>;
  request: (round: number) => { path: string; body: string };
  /** Checks the store after round `round` was killed; `acked` is the 200 body when one arrived. */
  check: (store: CatalogStore, round: number, acked: string | undefined) => Promise<string>;
}

const operations: Operation[] = [
  {
    name: 'a large apply',
    route: '/api/v1/apply',
    prepare: async (store) => {
      await seed(
        store,
        ...Array.from({ length: APPLY_ASSETS }, (_, i) => contractYaml('payments', `bulk-${i}`, 'round 0')),
      );
    },
    request: (round) => ({
      path: '/api/v1/apply',
      body: JSON.stringify({
        documents: [
          ...Array.from({ length: APPLY_ASSETS }, (_, i) => bulkDoc(`bulk-${i}`, `round ${round}`)),
          bulkDoc(`fresh-${round}`, `round ${round}`),
        ],
      }),
    }),
    check: async (store, round, acked) => {
      const db = (store as SqlStore).db;
      const rows = await db
        .selectFrom('assets as a')
        .innerJoin('versions as v', (j) =>
          j.onRef('v.ref', '=', 'a.ref').onRef('v.version', '=', 'a.version'),
        )
        .select(['a.ref', 'a.version', 'v.doc'])
        .where('a.ref', 'like', 'dataset:payments/bulk-%')
        .execute();
      const purposes = rows.map(
        (r) => (JSON.parse(r.doc ?? '{}') as { description?: { purpose?: string } }).description?.purpose,
      );
      const updated = purposes.filter((p) => p === `round ${round}`).length;
      const fresh = await store.getAsset(`dataset:payments/fresh-${round}`);
      expect(rows.length).toBe(APPLY_ASSETS);
      expect([0, APPLY_ASSETS], `round ${round}: ${updated} of ${APPLY_ASSETS} assets updated`).toContain(
        updated,
      );
      expect(!!fresh, `round ${round}: the new asset is there iff the others were updated`).toBe(
        updated === APPLY_ASSETS,
      );
      // Every stored round is whole: versions are contiguous and each asset is at 1 + its rounds.
      const versions = new Set(rows.map((r) => r.version));
      expect(versions.size, 'every asset of the bulk is at the same version').toBe(1);
      if (acked) {
        expect(updated, `round ${round} was acknowledged`).toBe(APPLY_ASSETS);
        const result = JSON.parse(acked) as { summary: { updated: number; created: number } };
        expect(result.summary).toMatchObject({ updated: APPLY_ASSETS, created: 1 });
      }
      return updated ? 'stored' : 'not stored';
    },
  },
  {
    name: 'a quality run',
    route: '/api/v1/quality/runs',
    prepare: async (store, dataRoot) => {
      writeFileSync(
        join(dataRoot, 'ledger.csv'),
        `id,amount\n${Array.from({ length: 2000 }, (_, i) => `r${i},${i % 97 === 0 ? -i : i}`).join('\n')}\n`,
      );
      const server = `servers:\n  - {server: local, type: local, format: csv, path: ledger.csv}\n`;
      await seed(
        store,
        ...Array.from({ length: QUALITY_DATASETS }, (_, i) =>
          contractYaml('cards', `checked-${i}`, 'checked in the crash proof', server)
            .replace(
              'logicalType: string, required: true}',
              'logicalType: string, required: true, unique: true}',
            )
            .replace(
              '{name: amount, logicalType: number}',
              '{name: amount, logicalType: number, logicalTypeOptions: {minimum: 0}}',
            ),
        ),
      );
    },
    request: () => ({ path: '/api/v1/quality/runs', body: JSON.stringify({ domain: 'cards', samples: 3 }) }),
    check: async (store, round, acked) => {
      if (acked) {
        const report = JSON.parse(acked) as { runs: { id: string; checks: unknown[] }[] };
        expect(report.runs).toHaveLength(QUALITY_DATASETS);
        const db = (store as SqlStore).db;
        for (const run of report.runs) {
          const results = await db
            .selectFrom('quality_results')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('run_id', '=', run.id)
            .executeTakeFirst();
          expect(Number(results?.n), `acknowledged run ${run.id} of round ${round}`).toBe(run.checks.length);
        }
      }
      const n = await (store as SqlStore).db
        .selectFrom('quality_runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return `${n?.n} runs stored so far`;
    },
  },
  {
    name: 'a lineage batch',
    route: '/api/v1/lineage/batch',
    prepare: async (store) => {
      await seed(store);
    },
    request: (round) => ({
      path: '/api/v1/lineage/batch',
      body: JSON.stringify(
        Array.from({ length: LINEAGE_EVENTS }, (_, i) => ({
          eventType: 'COMPLETE',
          eventTime: '2026-01-01T00:00:00Z',
          producer: 'https://example.com/crash-proof',
          schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
          run: { runId: `00000000-0000-4000-8000-${String(round * 100_000 + i).padStart(12, '0')}` },
          job: { namespace: 'crash', name: `round-${round}-job-${i % 50}` },
          inputs: [{ namespace: 'warehouse', name: `raw.table_${i % 200}` }],
          outputs: [{ namespace: 'warehouse', name: `clean.round_${round}_table_${i % 200}` }],
        })),
      ),
    }),
    check: async (store, round, acked) => {
      const db = (store as SqlStore).db;
      const jobs = await db
        .selectFrom('lineage_nodes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'job')
        .where('name', 'like', `round-${round}-job-%`)
        .executeTakeFirst();
      expect([0, 50], `round ${round}: jobs of the batch`).toContain(Number(jobs?.n));
      if (acked) {
        const result = JSON.parse(acked) as { batch: number };
        const batch = await db
          .selectFrom('lineage_batches')
          .select(['events'])
          .where('seq', '=', result.batch)
          .executeTakeFirst();
        expect(batch?.events, `acknowledged batch ${result.batch} of round ${round}`).toBe(LINEAGE_EVENTS);
      }
      return Number(jobs?.n) ? 'stored' : 'not stored';
    },
  },
];

function bulkDoc(name: string, purpose: string) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: `payments-${name}`,
    name,
    version: '1.0.0',
    status: 'active',
    domain: 'payments',
    description: { purpose },
    schema: [
      {
        name: name.replace(/-/g, '_'),
        properties: [
          { name: 'id', logicalType: 'string', required: true },
          { name: 'amount', logicalType: 'number' },
        ],
      },
    ],
  };
}

for (const target of targets) {
  describe.runIf(await target.available())(`kill -9 in the middle of writes on ${target.name}`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c().catch(() => {});
    });

    for (const op of operations) {
      it(
        `${op.name}: ${CRASHES} kills at random moments leave a consistent store with nothing acknowledged missing`,
        async () => {
          const store = await target.create();
          cleanups.push(store.drop);
          const data = tempDir('crash-data');
          cleanups.push(async () => data.remove());
          const local = await openStore(store.options);
          await op.prepare(local, data.dir);
          const token = await officeToken(createPlatform(local, { actor: 'user:setup' }));
          await local.close();
          const env = { CHARTER_DATA_ROOT: data.dir, CHARTER_QUALITY_SCHEDULER: 'off' };
          let server: Served = await serve(store.where, { env });
          cleanups.push(() => server.kill());
          const paths = Object.keys(
            (await call(`${server.url}/openapi.json`, undefined)).json<{ paths: object }>().paths,
          );
          if (!paths.includes(op.route)) {
            console.warn(
              `NOTICE: ${op.route} is not in this build; the crash proof of ${op.name} is skipped`,
            );
            return;
          }

          // Two uninterrupted rounds (the first warms the server up) measure how long the operation takes.
          let duration = 0;
          for (const round of [1, 2]) {
            const t0 = performance.now();
            const res = await call(`${server.url}${op.request(round).path}`, token, {
              method: 'POST',
              type: 'application/json',
              body: op.request(round).body,
              timeoutMs: 300_000,
            });
            duration = performance.now() - t0;
            expect(res.status, res.text.slice(0, 500)).toBe(200);
          }

          const outcomes: string[] = [];
          for (let round = 3; round < CRASHES + 3; round++) {
            const { path, body } = op.request(round);
            const delay = Math.random() * duration * 1.1;
            let acked: string | undefined;
            const sent = call(`${server.url}${path}`, token, {
              method: 'POST',
              type: 'application/json',
              body,
              timeoutMs: 300_000,
            }).then(
              (res) => {
                if (res.status === 200) acked = res.text;
                else outcomes.push(`round ${round}: ${res.status} ${res.text.slice(0, 200)}`);
              },
              () => {},
            );
            await new Promise((r) => setTimeout(r, delay));
            const ackedBeforeKill = acked;
            await server.kill('SIGKILL');
            await sent;
            // A response that completed in the same instant as the kill still counts as acknowledged.
            acked = ackedBeforeKill ?? acked;
            server = await serve(store.where, { env });
            const verify = await call(`${server.url}/api/v1/audit/verify`, token);
            expect(verify.json(), `round ${round}: audit chain after restart`).toMatchObject({
              intact: true,
            });
            const after = await openStore(store.options);
            try {
              expect(await storeProblems(after), `round ${round}`).toEqual([]);
              const what = await op.check(after, round, acked);
              outcomes.push(
                `kill at ${Math.round(delay)} ms of ~${Math.round(duration)} ms: ${acked ? 'acknowledged, ' : ''}${what}`,
              );
            } finally {
              await after.close();
            }
          }
          console.log(`crash, ${op.name} on ${target.name}:\n  ${outcomes.join('\n  ')}`);
          expect(outcomes.filter((o) => o.startsWith('round'))).toEqual([]);
        },
        240_000 + CRASHES * 60_000,
      );
    }
  });
}

describe.runIf(await postgresAvailable())(
  "PostgreSQL ends the server's connections in the middle of queries",
  () => {
    it(`${TERMINATIONS} times under load: the server answers and keeps running; the store holds together`, async () => {
      const db = await createPostgresDatabase();
      const admin = new pg.Client({ connectionString: db.url });
      let server: Served | undefined;
      try {
        const local = await openStore({ databaseUrl: db.url });
        const token = await officeToken(await seed(local, contractYaml('payments', 'busy', 'round 0')));
        await local.close();
        server = await serve({ database: db.url }, { env: { CHARTER_QUALITY_SCHEDULER: 'off' } });
        const url = server.url;
        await admin.connect();
        const statuses = new Map<string, number>();
        const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
        let stop = false;
        const loop = async (i: number) => {
          for (let n = 0; n < 100_000 && !stop; n++) {
            try {
              const res =
                i % 2
                  ? await call(`${url}/api/v1/search?q=busy`, token)
                  : await call(`${url}/api/v1/apply`, token, {
                      method: 'POST',
                      type: 'application/yaml',
                      body: contractYaml('payments', 'busy', `loop ${i} round ${n}`),
                    });
              count(String(res.status));
            } catch {
              count('no answer');
              await new Promise((r) => setTimeout(r, 50));
            }
          }
        };
        const loops = Array.from({ length: 8 }, (_, i) => loop(i));
        for (let round = 0; round < TERMINATIONS; round++) {
          await new Promise((r) => setTimeout(r, 150 + Math.random() * 250));
          await admin.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [new URL(db.url).pathname.slice(1)],
          );
        }
        await new Promise((r) => setTimeout(r, 500));
        stop = true;
        await Promise.all(loops);
        console.log(
          `connections ended ${TERMINATIONS} times under load: ${[...statuses.entries()].map(([k, n]) => `${k}×${n}`).join(' ')}`,
        );
        expect(server.child.exitCode, server.stderr().slice(-2000)).toBeNull();
        expect(statuses.get('no answer') ?? 0, 'requests the server never answered').toBe(0);
        // A query whose connection was ended is unavailability (503), never an unexpected error.
        expect(statuses.get('500') ?? 0, 'requests answered 500').toBe(0);
        expect((await call(`${url}/healthz`, undefined)).status).toBe(200);
        expect((await call(`${url}/api/v1/audit/verify`, token)).json()).toMatchObject({ intact: true });
        const after = await openStore({ databaseUrl: db.url });
        try {
          expect(await storeProblems(after)).toEqual([]);
        } finally {
          await after.close();
        }
      } finally {
        await server?.kill();
        await admin.end().catch(() => {});
        await db.drop();
      }
    }, 120_000);
  },
);

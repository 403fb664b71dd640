/**
 * Tampering beyond test/audit-tamper.test.ts (which changes, removes and reorders audit records):
 * the audit head in `meta` changed, removed or made unreadable, a record's hash rewritten alone,
 * and a stored version's document changed (alone, or with its digest) — each found by
 * `charter audit verify` (exit 1) on an SQLite file and by GET /api/v1/audit/verify on both
 * stores, never answered with a crash.
 */
import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf } from '../../src/audit/digest.js';
import { buildApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/open-store.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import { bin } from '../support/cli.js';
import { type StoreHandle, storeFactories } from '../support/stores.js';
import { childEnv, contractYaml, officeToken, seed, tempDir } from './support.js';

type Db = SqlStore['db'];

/** Ways to tamper with the database, each with what verification must say. */
const TAMPERINGS: {
  name: string;
  tamper: (db: Db) => Promise<void>;
  brokenAt?: number;
  brokenVersion?: string;
}[] = [
  {
    name: "the audit head's hash changed",
    tamper: async (db) => {
      const head = JSON.parse((await headRow(db)).value) as { seq: number; hash: string };
      await setHead(db, JSON.stringify({ ...head, hash: 'f'.repeat(64) }));
    },
  },
  {
    name: 'the audit head moved past the last record',
    tamper: async (db) => {
      const head = JSON.parse((await headRow(db)).value) as { seq: number; hash: string };
      await setHead(db, JSON.stringify({ ...head, seq: head.seq + 3 }));
    },
  },
  {
    name: 'the audit head removed',
    tamper: async (db) => {
      await db.deleteFrom('meta').where('key', '=', 'audit-head').execute();
    },
  },
  {
    name: 'the audit head made unreadable',
    tamper: async (db) => {
      await setHead(db, 'not json');
    },
  },
  {
    name: "a record's hash rewritten alone",
    tamper: async (db) => {
      await db
        .updateTable('audit_log')
        .set({ hash: '0'.repeat(64) })
        .where('seq', '=', 3)
        .execute();
    },
    brokenAt: 3,
  },
  {
    name: 'the last record removed and the head rewritten to the one before, but with its hash changed',
    tamper: async (db) => {
      const last = await db
        .selectFrom('audit_log')
        .select(['seq'])
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      await db.deleteFrom('audit_log').where('seq', '=', last.seq).execute();
      await setHead(db, JSON.stringify({ seq: last.seq - 1, hash: 'e'.repeat(64) }));
    },
  },
  {
    name: "a version's document changed (its purpose rewritten), its digest left alone",
    tamper: async (db) => {
      await editLedger(db, false);
    },
    brokenVersion: 'dataset:payments/ledger@1',
  },
  {
    name: "a version's document and its digest changed together",
    tamper: async (db) => {
      await editLedger(db, true);
    },
    brokenVersion: 'dataset:payments/ledger@1',
  },
];

/** Rewrites the ledger's stored document in place (and, if asked, its digest to match). */
async function editLedger(db: Db, withDigest: boolean) {
  const row = await db
    .selectFrom('versions')
    .select(['doc'])
    .where('ref', '=', 'dataset:payments/ledger')
    .where('version', '=', 1)
    .executeTakeFirstOrThrow();
  const doc = JSON.parse(row.doc!) as { description: { purpose: string } };
  doc.description.purpose = 'Rewritten in the database';
  await db
    .updateTable('versions')
    .set({ doc: JSON.stringify(doc), ...(withDigest ? { digest: digestOf(doc) } : {}) })
    .where('ref', '=', 'dataset:payments/ledger')
    .where('version', '=', 1)
    .execute();
}

async function headRow(db: Db) {
  return db.selectFrom('meta').select('value').where('key', '=', 'audit-head').executeTakeFirstOrThrow();
}

async function setHead(db: Db, value: string) {
  await sql`UPDATE meta SET value = ${value} WHERE key = 'audit-head'`.execute(db);
}

/** What verification said of each tampering, printed at the end for docs/reliability.md. */
const found: string[] = [];
afterAll(() => {
  console.log(`tampering: ${found.length} tampered stores, each reported broken\n  ${found.join('\n  ')}`);
});

const ASSETS = [contractYaml('payments', 'ledger', 'The ledger'), contractYaml('cards', 'swipes', 'Swipes')];

describe('tampering with the audit log and the stored versions, found by charter audit verify (SQLite file)', () => {
  const homes: (() => void)[] = [];
  afterAll(() => {
    for (const remove of homes) remove();
  });

  for (const t of TAMPERINGS) {
    it(t.name, async () => {
      const home = tempDir('tamper');
      homes.push(home.remove);
      const store = await openStore({ home: home.dir });
      await seed(store, ...ASSETS);
      const verify = () =>
        spawnSync(process.execPath, [bin, '--home', home.dir, 'audit', 'verify', '-o', 'json'], {
          encoding: 'utf8',
          env: childEnv(),
        });
      await store.close();
      const before = verify();
      expect(before.status, before.stderr).toBe(0);
      const again = await openStore({ home: home.dir });
      await t.tamper((again as SqlStore).db);
      await again.close();
      const after = verify();
      expect(after.status, `${after.stdout}${after.stderr}`).toBe(1);
      const result = JSON.parse(after.stdout) as {
        intact: boolean;
        brokenAt?: number;
        brokenVersion?: string;
        reason?: string;
      };
      expect(result.intact).toBe(false);
      expect(result.reason).toBeTruthy();
      if (t.brokenAt) expect(result.brokenAt).toBe(t.brokenAt);
      if (t.brokenVersion) expect(result.brokenVersion).toBe(t.brokenVersion);
      found.push(`SQLite file, charter audit verify: ${t.name} → ${result.reason}`);
    });
  }
});

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(
    `tampering with the audit log and the stored versions, found by the API on ${factory.name}`,
    () => {
      let handle: StoreHandle;
      beforeEach(async () => {
        handle = await factory.create();
      });
      afterEach(() => handle.dispose());

      for (const t of TAMPERINGS) {
        it(t.name, async () => {
          const platform = await seed(handle.store, ...ASSETS);
          const token = await officeToken(platform);
          const app = await buildApp({
            catalog: platform.catalog,
            governance: platform.governance,
            access: platform.access,
            tokens: platform.access.tokens,
          });
          try {
            const verify = () =>
              app.inject({ url: '/api/v1/audit/verify', headers: { authorization: `Bearer ${token}` } });
            expect((await verify()).json()).toMatchObject({ intact: true });
            await t.tamper((handle.store as SqlStore).db);
            const res = await verify();
            expect(res.statusCode, res.body).toBe(200);
            expect(res.json()).toMatchObject({
              intact: false,
              ...(t.brokenAt ? { brokenAt: t.brokenAt } : {}),
              ...(t.brokenVersion ? { brokenVersion: t.brokenVersion } : {}),
            });
            found.push(`${factory.name}, GET /api/v1/audit/verify: ${t.name} → ${res.json().reason}`);
          } finally {
            await app.close();
          }
        });
      }
    },
  );
}

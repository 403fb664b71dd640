/** Tampering with the audit log directly in the database is detected, on both stores. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { parseSources } from '../src/catalog/parse.js';
import type { SqlStore } from '../src/store/sql/sql-store.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const orgYaml = readFileSync(fileURLToPath(new URL('./fixtures/small-org.yaml', import.meta.url)), 'utf8');

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`audit tampering on ${factory.name}`, () => {
    let handle: StoreHandle;
    let catalog: Catalog;
    let db: SqlStore['db'];

    beforeEach(async () => {
      handle = await factory.create();
      catalog = new Catalog(handle.store, { actor: 'user:tester' });
      db = (handle.store as SqlStore).db;
      await catalog.apply(parseSources([{ name: 'org.yaml', content: orgYaml }]));
      await catalog.remove('dataset:payments/transactions');
      expect(await catalog.auditVerify()).toEqual({ intact: true, records: 9, versions: 9 });
    });
    afterEach(() => handle.dispose());

    it('detects a changed record', async () => {
      await db.updateTable('audit_log').set({ actor: 'user:mallory' }).where('seq', '=', 4).execute();
      expect(await catalog.auditVerify()).toMatchObject({
        intact: false,
        brokenAt: 4,
        reason: 'record 4 was changed',
      });
    });

    it('detects a changed digest even when the record hash is recomputed by hand', async () => {
      await db
        .updateTable('audit_log')
        .set({ after_digest: 'f'.repeat(64), hash: 'a'.repeat(64) })
        .where('seq', '=', 2)
        .execute();
      const result = await catalog.auditVerify();
      expect(result.intact).toBe(false);
      expect(result.brokenAt).toBe(2);
    });

    it('detects a removed record', async () => {
      await db.deleteFrom('audit_log').where('seq', '=', 5).execute();
      expect(await catalog.auditVerify()).toMatchObject({
        intact: false,
        brokenAt: 5,
        reason: 'record 5 is missing',
      });
    });

    it('detects reordered records', async () => {
      await sql`UPDATE audit_log SET seq = -1 WHERE seq = 3`.execute(db);
      await sql`UPDATE audit_log SET seq = 3 WHERE seq = 6`.execute(db);
      await sql`UPDATE audit_log SET seq = 6 WHERE seq = -1`.execute(db);
      expect(await catalog.auditVerify()).toMatchObject({ intact: false, brokenAt: 3 });
    });

    it('detects records removed from the end', async () => {
      await db.deleteFrom('audit_log').where('seq', '>=', 8).execute();
      expect(await catalog.auditVerify()).toMatchObject({ intact: false, brokenAt: 8 });
    });
  });
}

/**
 * A store made before a migration opens with it applied: migration 0010 drops the `fields` table
 * that earlier versions filled, and every field is still read from the documents; migration 0011
 * turns PostgreSQL's computed search vectors into vectors Charter writes, rewriting every row's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { parseManifests } from '../src/catalog/parse.js';
import { openStore } from '../src/store/open-store.js';
import { repoRoot } from './support/reference.js';
import { createPostgresDatabase, postgresAvailable } from './support/stores.js';

const org = readFileSync(join(repoRoot, 'test', 'fixtures', 'small-org.yaml'), 'utf8');

describe('upgrading an embedded store', () => {
  const home = mkdtempSync(join(tmpdir(), 'charter-upgrade-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('drops the fields table of a store made before migration 0010 and still describes every field', async () => {
    const first = await openStore({ home });
    expect(
      (await new Catalog(first, { actor: 'user:tester' }).apply(parseManifests(org, 'org.yaml'))).applied,
    ).toBe(true);
    await first.close();

    // Put the store back as an earlier version left it: a fields table with rows, and 0010 not run.
    const raw = new Database(join(home, 'charter.db'));
    raw.exec(`CREATE TABLE fields (ref text not null, position integer not null, path text not null,
      doc_path text not null, table_name text not null, name text not null, logical_type text,
      physical_type text, classification text, description text, required integer, tags text not null,
      terms text not null, constraint fields_pk primary key (ref, position))`);
    raw
      .prepare(`INSERT INTO fields VALUES ('dataset:payments/transactions', 0, 'stale.path', 'schema[0]', 'stale',
        'stale', NULL, NULL, NULL, NULL, NULL, '[]', '[]')`)
      .run();
    raw.prepare(`DELETE FROM kysely_migration WHERE name = '0010_fields_from_documents'`).run();
    raw.close();

    const store = await openStore({ home });
    try {
      const tables = new Database(join(home, 'charter.db'), { readonly: true });
      const names = tables.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
        name: string;
      }[];
      const ran = tables
        .prepare(`SELECT name FROM kysely_migration WHERE name = '0010_fields_from_documents'`)
        .all();
      tables.close();
      expect(names.map((n) => n.name)).not.toContain('fields');
      expect(ran).toHaveLength(1);
      const d = await new Catalog(store, { actor: 'user:tester' }).describe('dataset:payments/transactions');
      expect(d.fields.map((f) => f.path)).toEqual([
        'transactions.transaction_id',
        'transactions.amount',
        'transactions.customer_email',
        'transactions.chargeback_flag',
      ]);
      expect(d.fields[2]).toMatchObject({ position: 2, classification: 'confidential', tags: ['pii'] });
    } finally {
      await store.close();
    }
  });
});

describe('upgrading a PostgreSQL store', async () => {
  const available = await postgresAvailable();
  it.skipIf(!available)(
    'rewrites the search vectors PostgreSQL computed before migration 0011, so accents match as on SQLite',
    async () => {
      const db = await createPostgresDatabase();
      try {
        const accented = org
          .replace('Every card transaction settled by Acme', 'Ventes réglées à Zürich')
          .replace('name: transaction_id', 'name: numéro_client');
        const first = await openStore({ databaseUrl: db.url });
        expect(
          (await new Catalog(first, { actor: 'user:tester' }).apply(parseManifests(accented, 'org.yaml')))
            .applied,
        ).toBe(true);
        await first.close();

        // Put the search index back as an earlier version left it: vectors computed by the database.
        const raw = new pg.Client({ connectionString: db.url });
        await raw.connect();
        await raw.query(`ALTER TABLE search_docs DROP COLUMN tsv`);
        await raw.query(`ALTER TABLE search_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', translate(name, '_.-', '   ')), 'A') ||
          setweight(to_tsvector('simple', translate(title, '_.-', '   ')), 'A') ||
          setweight(to_tsvector('simple', translate(tags, '_.-:', '    ')), 'B') ||
          setweight(to_tsvector('simple', translate(fields, '_.-', '   ')), 'C') ||
          setweight(to_tsvector('simple', description), 'D')) STORED`);
        await raw.query(`CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv)`);
        await raw.query(`DROP INDEX search_docs_tsv_title`);
        await raw.query(`ALTER TABLE search_docs DROP COLUMN tsv_title`);
        await raw.query(
          `DELETE FROM kysely_migration WHERE name IN ('0011_search_vectors', '0012_search_titles')`,
        );
        const generated = `SELECT is_generated FROM information_schema.columns
          WHERE table_name = 'search_docs' AND column_name = 'tsv'`;
        expect((await raw.query(generated)).rows[0].is_generated).toBe('ALWAYS');

        const store = await openStore({ databaseUrl: db.url });
        try {
          expect((await raw.query(generated)).rows[0].is_generated).toBe('NEVER');
          const catalog = new Catalog(store, { actor: 'user:tester' });
          for (const query of ['reglees zurich', 'numero client', 'customer email']) {
            const hits = await catalog.search(query, {});
            expect(
              hits.map((h) => h.ref),
              query,
            ).toContain('dataset:payments/transactions');
          }
          // Name and title still weigh most: the contract named after the words ranks first.
          expect((await catalog.search('transactions', {}))[0]?.ref).toBe('dataset:payments/transactions');
        } finally {
          await store.close();
          await raw.end();
        }
      } finally {
        await db.drop();
      }
    },
  );
});

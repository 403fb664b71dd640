/**
 * `scan` over real data: the demo's customers (Parquet through DuckDB) and a CSV contract with
 * unclassified personal data whose proposals are accepted through admission, on both stores.
 * Only counts come back: no sampled value appears in a report.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { acceptScan, scanDataset } from '../src/classify/scan.js';
import { readManifestFiles } from '../src/cli/files.js';
import { UnavailableError } from '../src/model/errors.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { openStore } from '../src/store/open-store.js';
import { repoRoot } from './support/reference.js';
import {
  createPostgresDatabase,
  postgresAdminUrl,
  postgresAvailable,
  type StoreHandle,
  storeFactories,
} from './support/stores.js';

const LEADS = `apiVersion: v3.1.0
kind: DataContract
id: leads
name: leads
version: 1.0.0
status: draft
domain: marketing
description: { purpose: Leads collected at trade fairs for the sales team to follow up. }
team: { name: growth, members: [{ username: kemi, role: owner }, { username: liam, role: steward }] }
servers: [{ server: local, type: local, path: leads.csv, format: csv }]
schema:
  - name: leads
    description: One row per lead.
    quality: [{ id: leads-rows, metric: rowCount, mustBeGreaterThan: 0 }]
    properties:
      - { name: lead_id, description: The lead key, logicalType: string, classification: internal }
      - { name: contact, description: How to reach the lead, logicalType: string, classification: internal }
      - { name: note, description: Free text about the lead, logicalType: string, classification: internal }
`;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`scan on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let dir: string;

    beforeAll(async () => {
      handle = await factory.create();
      dir = mkdtempSync(join(tmpdir(), 'charter-scan-'));
      platform = createPlatform(handle.store, { actor: 'user:loader' });
      const applied = await platform.catalog.apply(
        parseSources(readManifestFiles([join(repoRoot, 'examples', 'org')])),
      );
      expect(applied.applied).toBe(true);
    });
    afterAll(async () => {
      await handle?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('finds e-mails, phones, dates of birth and names in the demo customers without returning a value', async () => {
      const report = await scanDataset(platform.catalog, 'dataset:customer/customers', {
        sample: 300,
        dataRoot: join(repoRoot, 'examples'),
      });
      expect(report.engine).toBe('duckdb');
      const field = (p: string) => report.fields.find((f) => f.path === `customers.${p}`)!;
      expect(field('email').detections[0]).toMatchObject({ category: 'email', pd: 'pd:EmailAddress' });
      expect(field('email').detections[0]!.matchRate).toBeGreaterThan(0.9);
      expect(field('email').sampled).toBeLessThanOrEqual(300);
      expect(field('phone').detections[0]!.category).toBe('phone');
      expect(field('date_of_birth').detections[0]!.category).toBe('date-of-birth');
      expect(field('first_name').detections[0]!.category).toBe('person-name');
      expect(field('country_code').detections).toEqual([]);
      // Already classified confidential/restricted: nothing to raise.
      expect(field('email').proposedClassification).toBeNull();
      expect(JSON.stringify(report)).not.toMatch(/@[a-z0-9.-]+\.[a-z]{2,}/i);
    });

    it('proposes classifications for unclassified personal data and accepts them through admission', async () => {
      const rows = ['lead_id,contact,note'];
      for (let i = 0; i < 40; i++)
        rows.push(
          `L${i},lead${i}@example.com,${i % 2 ? 'Met Anna Jansen at the fair' : 'wants a catalogue'}`,
        );
      writeFileSync(join(dir, 'leads.csv'), `${rows.join('\n')}\n`);
      const applied = await platform.catalog.apply(parseSources([{ name: 'leads.yaml', content: LEADS }]));
      expect(applied.applied, JSON.stringify(applied.results[0])).toBe(true);
      const report = await scanDataset(platform.catalog, 'dataset:marketing/leads', {
        sample: 100,
        dataRoot: dir,
      });
      const contact = report.fields.find((f) => f.path === 'leads.contact')!;
      expect(contact).toMatchObject({
        sampled: 40,
        proposedClassification: 'confidential',
        proposedTags: ['pii', 'pii:contact'],
      });
      expect(contact.detections).toEqual([
        { category: 'email', pd: 'pd:EmailAddress', matchRate: 1, confidence: 1 },
      ]);
      const note = report.fields.find((f) => f.path === 'leads.note')!;
      expect(note.detections).toEqual([
        { category: 'person-name', pd: 'pd:Name', matchRate: 0.5, confidence: 0.5 },
      ]);
      expect(report.fields.find((f) => f.path === 'leads.lead_id')!.proposedClassification).toBeNull();

      const result = await acceptScan(platform.catalog, report);
      expect(result?.applied, JSON.stringify(result?.results[0])).toBe(true);
      const { asset, doc } = await platform.catalog.get('dataset:marketing/leads');
      expect(asset.version).toBe(2);
      const props = (doc.schema as { properties: Record<string, unknown>[] }[])[0]!.properties;
      expect(props[1]).toMatchObject({ classification: 'confidential', tags: ['pii', 'pii:contact'] });
      expect(props[0]!.classification).toBe('internal');
    });

    it('says so when the data is unreachable or empty', async () => {
      writeFileSync(join(dir, 'leads.csv'), 'lead_id,contact,note\n');
      await expect(
        scanDataset(platform.catalog, 'dataset:marketing/leads', { dataRoot: dir }),
      ).rejects.toThrow(/has no values to scan/);
      rmSync(join(dir, 'leads.csv'));
      await expect(
        scanDataset(platform.catalog, 'dataset:marketing/leads', { dataRoot: dir }),
      ).rejects.toBeInstanceOf(UnavailableError);
    });
  });
}

const withPostgres = await postgresAvailable();

/** The same sample read from a SQLite file and a PostgreSQL table: one packed row per table on each engine. */
describe('scan on SQLite and PostgreSQL servers', () => {
  const leadRows = Array.from({ length: 40 }, (_, i) => [
    `L${i}`,
    `lead${i}@example.com`,
    i % 2 ? 'Met Anna Jansen at the fair' : i % 3 ? null : '',
  ]);
  const contractFor = (server: string) =>
    LEADS.replace(/^team:.*\n/m, '').replace(/^servers:.*$/m, `servers: [${server}]`);

  async function scanWith(server: string, dataRoot: string) {
    const store = await openStore({ memory: true });
    try {
      const platform = createPlatform(store, { actor: 'user:loader' });
      const applied = await platform.catalog.apply(
        parseSources([
          {
            name: 'm.yaml',
            content:
              'apiVersion: charter/v1\nkind: Domain\nmetadata: { name: marketing }\nspec: { description: M }\n',
          },
          { name: 'leads.yaml', content: contractFor(server) },
        ]),
      );
      expect(applied.applied, JSON.stringify(applied.results)).toBe(true);
      return await scanDataset(platform.catalog, 'dataset:marketing/leads', { sample: 25, dataRoot });
    } finally {
      await store.close();
    }
  }

  const expectLeads = (report: Awaited<ReturnType<typeof scanDataset>>) => {
    const field = (p: string) => report.fields.find((f) => f.path === `leads.${p}`)!;
    expect(field('contact')).toMatchObject({ sampled: 25 });
    expect(field('contact').detections).toEqual([
      { category: 'email', pd: 'pd:EmailAddress', matchRate: 1, confidence: 1 },
    ]);
    // Nulls and empty strings are not values: only the odd rows of the first 25 hold a note.
    expect(field('note').sampled).toBe(12);
    expect(field('note').detections[0]).toMatchObject({ category: 'person-name', matchRate: 1 });
  };

  it('reads a SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charter-scan-sqlite-'));
    try {
      const db = new Database(join(dir, 'leads.db'));
      db.exec('CREATE TABLE leads (lead_id TEXT, contact TEXT, note TEXT)');
      const insert = db.prepare('INSERT INTO leads VALUES (?, ?, ?)');
      for (const r of leadRows) insert.run(...r);
      db.close();
      const report = await scanWith('{ server: db, type: local, format: sqlite, path: leads.db }', dir);
      expect(report.engine).toBe('sqlite');
      expectLeads(report);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(withPostgres)('reads a PostgreSQL table', async () => {
    const { url, drop } = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE leads (lead_id text, contact text, note text)');
    for (const r of leadRows) await client.query('INSERT INTO leads VALUES ($1, $2, $3)', r);
    await client.end();
    const u = new URL(url);
    const previous = process.env.PGUSER;
    process.env.PGUSER = new URL(postgresAdminUrl).username || 'postgres';
    try {
      const report = await scanWith(
        `{ server: pg, type: postgres, host: ${u.hostname}, port: ${u.port || 5432}, database: ${u.pathname.slice(1)}, schema: public }`,
        tmpdir(),
      );
      expect(report.engine).toBe('postgres');
      expectLeads(report);
    } finally {
      if (previous === undefined) delete process.env.PGUSER;
      else process.env.PGUSER = previous;
      await drop();
    }
  });
});

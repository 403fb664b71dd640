/**
 * Croissant through the real binary and the API: the reference examples imported as drafts, applied,
 * and exported again with every RAI statement; the demo's customers exported with RAI properties
 * from its AI section, creators from its owners and a record that passes the vocabulary check.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CROISSANT_RAI_1_0, checkCroissant, fromCroissant } from '../src/ai/croissant.js';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform } from '../src/server/platform.js';
import { charter } from './support/cli.js';
import { referenceDir, repoRoot } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

type Obj = Record<string, unknown>;
const ref = referenceDir();
const folder = join(ref ?? '', 'croissant');
const examples = ref ? readdirSync(folder).filter((f) => f.endsWith('.json')) : [];

const statementsOf = (source: Obj) =>
  Object.entries(source)
    .filter(([k]) => k.startsWith('rai:'))
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((text) => ({ key: k, text: String(text) })));

describe.runIf(ref)('charter import/export --format croissant', () => {
  let home: string;
  let out: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'charter-croissant-'));
    out = join(home, 'drafts');
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('writes a draft contract per example, applies them, and exports every RAI statement again', () => {
    const imported = charter(
      home,
      'import',
      '--format',
      'croissant',
      '--domain',
      'research',
      '--out',
      out,
      ...examples.map((f) => join(folder, f)),
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('not applied');
    expect(imported.stderr).toContain('no owner or steward');
    const drafts = readdirSync(out).sort();
    expect(drafts).toHaveLength(examples.length);
    // Nothing was stored by the import.
    expect(charter(home, 'get', 'datasets', '-o', 'json').stdout.trim()).toBe('[]');

    writeFileSync(
      join(home, 'domain.yaml'),
      'apiVersion: charter/v1\nkind: Domain\nmetadata: { name: research }\nspec: { description: Imported research datasets }\n',
    );
    const applied = charter(home, 'apply', '-f', join(home, 'domain.yaml'), '-f', out);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);

    for (const file of examples) {
      const source = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Obj;
      const file0 = `${String(fromCroissant(source).contract.name)}.odcs.yaml`;
      expect(drafts).toContain(file0);
      const draft = parse(readFileSync(join(out, file0), 'utf8')) as Obj;
      expect(draft.status).toBe('draft');
      const exported = charter(home, 'export', '--format', 'croissant', `dataset:research/${draft.name}`);
      expect(exported.code, exported.stderr).toBe(0);
      const doc = JSON.parse(exported.stdout) as Obj;
      for (const s of statementsOf(source)) {
        const v = doc[s.key];
        const values = (Array.isArray(v) ? v : [v]).map(String);
        expect(
          values.some((x) => x.includes(s.text)),
          `${file}: ${s.key}`,
        ).toBe(true);
      }
      const errors = checkCroissant(doc).filter((i) => i.level === 'error');
      expect(errors, file).toEqual([]);
      expect(exported.stderr).not.toContain('✗');
      if (statementsOf(source).length) expect(doc.conformsTo).toContain(CROISSANT_RAI_1_0);
    }
  });

  it('prints drafts as YAML on stdout and refuses what is not Croissant', () => {
    const r = charter(home, 'import', '--format', 'croissant', join(folder, examples[0]!));
    expect(r.code).toBe(0);
    expect(parse(r.stdout)).toMatchObject({ apiVersion: 'v3.1.0', kind: 'DataContract', status: 'draft' });
    const bad = join(home, 'not-croissant.json');
    writeFileSync(bad, JSON.stringify({ '@type': 'sc:Person', name: 'x' }));
    const refused = charter(home, 'import', '--format', 'croissant', bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Not a Croissant dataset/);
    const unknown = charter(home, 'export', '--format', 'rdf', 'dataset:research/x');
    expect(unknown.code).toBe(2);
  });
});

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`Croissant over the API on ${factory.name}`, () => {
    let handle: StoreHandle;
    let app: Awaited<ReturnType<typeof buildApp>>;

    beforeAll(async () => {
      handle = await factory.create();
      const platform = createPlatform(handle.store, { actor: 'user:loader' });
      const applied = await platform.catalog.apply(
        parseSources(readManifestFiles([join(repoRoot, 'examples', 'org')])),
      );
      expect(applied.applied).toBe(true);
      app = await buildApp({ catalog: platform.catalog, governance: platform.governance });
    });
    afterAll(async () => {
      await app?.close();
      await handle?.dispose();
    });

    it('exports the demo customers with RAI properties from the AI section and creators from owners', async () => {
      const r = await app.inject({
        url: `/api/v1/export?format=croissant&ref=${encodeURIComponent('dataset:customer/customers')}&baseUrl=https://charter.example`,
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toMatch(/application\/ld\+json/);
      const doc = r.json() as Obj;
      expect(doc).toMatchObject({
        name: 'customers',
        version: '3.2.0',
        url: 'https://charter.example/dataset/customer/customers',
        license: 'internal',
        'dpv:hasLegalBasis': 'eu-gdpr:A6-1-b',
      });
      expect(doc.creator).toEqual([
        expect.objectContaining({ '@type': 'sc:Person', identifier: 'user:chloe' }),
      ]);
      expect(doc['rai:personalSensitiveInformation']).toEqual([
        expect.stringContaining('customers.email (pd:EmailAddress), protection none'),
      ]);
      expect(doc['rai:dataLimitations']).toEqual([
        'Phone numbers before 2022 are unvalidated.',
        'Not recommended for: training',
        'Not recommended for: fine_tuning',
        'Not recommended for: rag_retrieval',
      ]);
      const [rs] = doc.recordSet as Obj[];
      expect((rs!.field as Obj[]).map((f) => f.name)).toContain('date_of_birth');
      expect(doc.distribution).toEqual([
        expect.objectContaining({
          contentUrl: 'data/customer/customers.parquet',
          encodingFormat: 'application/x-parquet',
        }),
      ]);
      expect(checkCroissant(doc).filter((i) => i.level === 'error')).toEqual([]);
      // Metadata only: no example value of the contract reaches the record.
      expect(r.body).not.toContain('C1000417');
    });

    it('exports a data product with the record sets and files of its datasets, naming what it lacks', async () => {
      const r = await app.inject({
        url: `/api/v1/export?format=croissant&ref=${encodeURIComponent('product:customer/customer-360')}`,
      });
      expect(r.statusCode, r.body).toBe(200);
      const doc = r.json() as Obj;
      const sets = (doc.recordSet as Obj[]).map((s) => s['@id']);
      expect(sets).toContain('customers/customers');
      expect((doc.distribution as Obj[]).map((d) => d['@id'])).toContain('customers/local');
      const customers = (doc.recordSet as Obj[]).find((s) => s['@id'] === 'customers/customers')!;
      expect((customers.field as Obj[])[0]).toMatchObject({
        '@id': 'customers/customers/customer_id',
        source: { fileObject: { '@id': 'customers/local' } },
      });
      // The product declares no licence in an AI section: the record says so instead of inventing one.
      expect(doc.license).toBeUndefined();
      expect(r.headers['x-croissant-issues']).toBe('license: is required by Croissant 1.1');
    });

    it('refuses what Croissant cannot describe and unknown datasets', async () => {
      const domain = await app.inject({ url: '/api/v1/export?format=croissant&ref=domain:customer' });
      expect(domain.statusCode).toBe(400);
      const missing = await app.inject({ url: '/api/v1/export?format=croissant&ref=dataset:customer/none' });
      expect(missing.statusCode).toBe(404);
      const noRef = await app.inject({ url: '/api/v1/export?format=croissant' });
      expect(noRef.statusCode).toBe(400);
    });

    it.runIf(ref)('turns a posted Croissant record into a draft without storing it', async () => {
      const body = readFileSync(join(folder, '1.0_dices-350.metadata.json'), 'utf8');
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/import/croissant?domain=research',
        headers: { 'content-type': 'application/ld+json' },
        payload: body,
      });
      expect(r.statusCode, r.body).toBe(200);
      const { contract } = r.json() as { contract: Obj };
      expect(contract).toMatchObject({ domain: 'research', status: 'draft', name: 'dices-350-dataset' });
      const listed = await app.inject({ url: '/api/v1/assets?kind=datasets&domain=research' });
      expect(JSON.stringify(listed.json())).not.toContain('dices');
    });
  });
}

/**
 * The standards' own examples and negative tests, applied through the whole pipeline: every
 * official ODCS example and both ODPS examples apply cleanly once their domain and named owners
 * exist; every ODCS negative test that is also invalid under v3.1.0 is rejected with a path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Catalog } from '../src/catalog/catalog.js';
import { parseSources } from '../src/catalog/parse.js';
import { slugify } from '../src/model/ref.js';
import { referenceDir } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const reference = referenceDir();
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv2019,
) => void;

function files(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(suffix)) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out.sort();
}

/** Users that the examples' owner/steward team members name, so their refs resolve. */
function namedPeople(paths: string[]): string {
  const docs: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const doc = parse(readFileSync(path, 'utf8')) as { team?: unknown };
    const members = Array.isArray(doc.team)
      ? doc.team
      : ((doc.team as { members?: unknown[] } | undefined)?.members ?? []);
    for (const m of members as { username?: string; role?: string }[]) {
      const role = (m.role ?? '').toLowerCase();
      if (!m.username || !/owner|steward/.test(role)) continue;
      const email = m.username.includes('@') ? m.username.toLowerCase() : undefined;
      const name = email ? slugify(email.split('@')[0]!) : m.username.toLowerCase();
      if (seen.has(name)) continue;
      seen.add(name);
      docs.push(
        `apiVersion: charter/v1\nkind: User\nmetadata: {name: ${name}}\nspec: {${email ? `email: "${email}"` : ''}}\n`,
      );
    }
  }
  return docs.join('---\n');
}

describe.runIf(reference)('the standards applied through the catalog', () => {
  const odcsExamples = reference
    ? files(join(reference, 'standards/odcs/main/docs/examples'), '.odcs.yaml')
    : [];
  const odpsExamples = reference ? files(join(reference, 'standards/odps/docs/examples'), '.odps.yaml') : [];
  const negatives = reference
    ? files(join(reference, 'standards/odcs/dev-v3.2.0/src/script/negative-tests'), '.odcs.yaml')
    : [];
  let handle: StoreHandle;
  let catalog: Catalog;

  beforeAll(async () => {
    handle = await storeFactories[0]!.create();
    catalog = new Catalog(handle.store, { actor: 'user:tester' });
    const setup = `${namedPeople([...odcsExamples, ...odpsExamples])}---
apiVersion: charter/v1
kind: Domain
metadata: {name: examples}
spec: {description: Official examples without a domain}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: seller}
spec: {description: The domain the full example names}
`;
    const result = await catalog.apply(parseSources([{ name: 'setup.yaml', content: setup }]));
    expect(result.applied, JSON.stringify(result.results.filter((r) => r.issues.length))).toBe(true);
  });
  afterAll(() => handle?.dispose());

  it('finds the corpus', () => {
    expect(odcsExamples.length).toBe(18);
    expect(odpsExamples.length).toBe(2);
    expect(negatives.length).toBe(28);
  });

  it('applies every official ODCS example', async () => {
    for (const path of odcsExamples) {
      const result = await catalog.apply({
        ...parseSources([{ name: path, content: readFileSync(path) }]),
        defaultDomain: 'examples',
      });
      const problems = result.results.flatMap((r) => r.issues.map((i) => `${i.path}: ${i.message}`));
      expect(problems, path).toEqual([]);
      expect(result.applied, path).toBe(true);
      expect(result.results[0]!.ref, path).toMatch(/^dataset:(examples|seller)\//);
    }
    const all = await catalog.exportDocs({ kind: 'DataContract' });
    expect(all.every((d) => d.apiVersion === 'v3.1.0')).toBe(true);
  });

  it('applies both ODPS examples', async () => {
    for (const path of odpsExamples) {
      const result = await catalog.apply({
        ...parseSources([{ name: path, content: readFileSync(path) }]),
        defaultDomain: 'examples',
      });
      expect(
        result.results.flatMap((r) => r.issues),
        path,
      ).toEqual([]);
      expect(result.applied, path).toBe(true);
    }
    const product = await catalog.describe('product:seller/customer-data-product');
    expect(product.owners.map((o) => o.ref)).toEqual(['user:john.doe']);
    expect(product.stewards.map((o) => o.ref)).toEqual(['user:jane.smith']);
  });

  it('rejects every negative test that v3.1.0 also rejects, naming the path', async () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const official = ajv.compile(
      JSON.parse(
        readFileSync(join(reference!, 'standards/odcs/main/schema/odcs-json-schema-v3.1.0.json'), 'utf8'),
      ),
    );
    let checked = 0;
    for (const path of negatives) {
      const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      // The negative tests target v3.2.0; judge them as the v3.1.0 documents they would be.
      const asV31 = { ...doc, apiVersion: 'v3.1.0' };
      if (official(asV31)) continue;
      checked += 1;
      const result = await catalog.apply({
        docs: [{ source: path, index: 0, doc: asV31 }],
        problems: [],
        defaultDomain: 'examples',
      });
      expect(result.applied, path).toBe(false);
      const issues = result.results[0]!.issues;
      expect(issues.length, path).toBeGreaterThan(0);
      const rootOnly = (official.errors ?? []).every((e) => e.instancePath === '');
      if (!rootOnly)
        expect(
          issues.some((i) => i.path !== ''),
          `${path}: ${JSON.stringify(issues)}`,
        ).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });
});

/** Shared setup of the lineage suites: a store with the lineage org applied and the service over it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Catalog } from '../src/catalog/catalog.js';
import { parseSources } from '../src/catalog/parse.js';
import type { IngestItem } from '../src/lineage/lineage-api.js';
import { lineagePlugin, policyLineage } from '../src/lineage/lineage-plugin.js';
import { LineageService } from '../src/lineage/lineage-service.js';
import { PolicyEngine, policyPlugin } from '../src/policy/policy-engine.js';
import type { CatalogStore } from '../src/store/catalog-store.js';
import { lineageStoreFor } from '../src/store/sql/sql-lineage-store.js';
import { qualityStoreFor } from '../src/store/sql/sql-quality-store.js';

export const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`./fixtures/lineage/${name}`, import.meta.url)), 'utf8');

export const orgYaml = fixture('org.yaml');

/** NDJSON text → ingest items. */
export function ndjson(text: string): IngestItem[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => ({ value: JSON.parse(line), text: line }));
}

export interface LineageSetup {
  catalog: Catalog;
  lineage: LineageService;
}

/** The catalog with the lineage plugin, and a lineage service that always reads the store afresh. */
export function lineageSetup(store: CatalogStore, now?: () => Date): LineageSetup {
  const lineage = new LineageService(store, lineageStoreFor(store), qualityStoreFor(store), {
    actor: 'user:pipeline',
    index: { maxStalenessMs: 0 },
    ...(now ? { now } : {}),
  });
  // As the platform wires them: policies (with the lineage variable) and lineage.
  const policies = policyPlugin(store, new PolicyEngine(), {
    ...(now ? { now } : {}),
    lineage: (subjects) => policyLineage(lineage, subjects),
  });
  const catalog = new Catalog(store, {
    actor: 'user:ada',
    plugins: [policies, lineagePlugin(store, () => lineage)],
  });
  return { catalog, lineage };
}

export async function applyYaml(catalog: Catalog, yaml: string, name = 'org.yaml') {
  return catalog.apply(parseSources([{ name, content: yaml }]));
}

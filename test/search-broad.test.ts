/**
 * A broad query on either store: its first matches in index order are ranked, and the assets whose
 * name or title match are ranked first, so a query's cost stays bounded and its strongest hits stay.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import type { SourceDoc } from '../src/catalog/parse.js';
import type { SqlStore } from '../src/store/sql/sql-store.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const user = { apiVersion: 'charter/v1', kind: 'User', metadata: { name: 'ann' }, spec: {} };
const domain = {
  apiVersion: 'charter/v1',
  kind: 'Domain',
  metadata: { name: 'sales' },
  spec: { owners: ['user:ann'] },
};

function contract(name: string, description: string) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: name,
    name,
    version: '1.0.0',
    status: 'active',
    domain: 'sales',
    description: { purpose: description },
    schema: [{ name, properties: [{ name: 'id', logicalType: 'string' }] }],
  };
}

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`search of a broad query on ${factory.name}`, () => {
    let handle: StoreHandle;
    let catalog: Catalog;

    beforeEach(async () => {
      handle = await factory.create();
      catalog = new Catalog(handle.store, { actor: 'user:ann' });
      // Twelve assets mention "ledger" in their description only; the last one applied has it in its name.
      const docs: Record<string, unknown>[] = [user, domain];
      for (let i = 0; i < 12; i++) docs.push(contract(`table-${i}`, `Rows of the ledger, batch ${i}`));
      docs.push(contract('ledger-entries', 'Entries'));
      const result = await catalog.apply({
        docs: docs.map((doc, index): SourceDoc => ({ source: 'in.yaml', index, doc })),
        problems: [],
      });
      expect(result.applied).toBe(true);
    });
    afterEach(() => handle.dispose());

    it('ranks every match while the query is narrow, and keeps name and title matches first past the bound', async () => {
      const dialect = (handle.store as SqlStore).sqlDialect as unknown as { rankedMatches: number };
      expect(dialect.rankedMatches).toBe(2000);
      const all = await catalog.search('ledger', { limit: 20 });
      expect(all).toHaveLength(13);
      expect(all[0]!.ref).toBe('dataset:sales/ledger-entries');

      // Past the bound, only the first matches in index order are ranked — the named one is not
      // among them, yet it still comes first, and the answer is never longer than asked.
      dialect.rankedMatches = 5;
      const bounded = await catalog.search('ledger', { limit: 4 });
      expect(bounded.map((h) => h.ref)).toEqual([
        'dataset:sales/ledger-entries',
        ...bounded.slice(1).map((h) => h.ref),
      ]);
      expect(bounded).toHaveLength(4);
      expect(new Set(bounded.map((h) => h.ref)).size).toBe(4);
      // Twelve matches, none in a name or title: only the first ones in index order are read.
      const capped = await catalog.search('ledger batch', { limit: 20 });
      expect(capped.length).toBe(6);
      dialect.rankedMatches = 2000;
      expect(await catalog.search('ledger batch', { limit: 20 })).toHaveLength(12);
    });
  });
}

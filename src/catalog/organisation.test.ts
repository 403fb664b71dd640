import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StoreHandle, storeFactories } from '../../test/support/stores.js';
import { Catalog } from './catalog.js';
import { loadOrganisation, StructureCache } from './organisation.js';
import { parseManifests } from './parse.js';

const orgYaml = readFileSync(
  fileURLToPath(new URL('../../test/fixtures/small-org.yaml', import.meta.url)),
  'utf8',
);

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`structure cache on ${factory.name}`, () => {
    let handle: StoreHandle;

    beforeEach(async () => {
      handle = await factory.create();
    });
    afterEach(async () => handle.dispose());

    it('keeps its value through other changes and reloads after a structural change by any writer', async () => {
      const first = new Catalog(handle.store, { actor: 'user:alice' });
      // Another process's catalog on the same store: the cache sees its changes through the audit log.
      const second = new Catalog(handle.store, { actor: 'user:bob' });
      await first.apply(parseManifests(orgYaml, 'org.yaml'));
      let loads = 0;
      const cache = new StructureCache(handle.store, async () => {
        loads++;
        return (await loadOrganisation(handle.store)).domains.get('payments')?.spec.description;
      });
      expect(await cache.get()).toBe('Card and bank payments');
      expect(await cache.get()).toBe('Card and bank payments');
      expect(loads).toBe(1);

      // A dataset change is not structural: the kept value stays.
      const contract = orgYaml.slice(orgYaml.indexOf('apiVersion: v3'));
      const changed = await second.apply(
        parseManifests(contract.replace('Amount in the settlement currency', 'Amount as settled'), 'c.yaml'),
      );
      expect(changed.results.map((r) => [r.status, r.issues])).toEqual([['updated', []]]);
      expect(await cache.get()).toBe('Card and bank payments');
      expect(loads).toBe(1);

      // A domain change by the other writer is seen at the next read.
      const domain =
        'apiVersion: charter/v1\nkind: Domain\nmetadata: {name: payments, parent: finance}\nspec: {title: Payments, description: Card payments}\n';
      expect((await second.apply(parseManifests(domain, 'd.yaml'))).summary.updated).toBe(1);
      expect(await cache.get()).toBe('Card payments');
      expect(loads).toBe(2);

      // A value its owner no longer trusts is reloaded whatever the log says.
      expect(await cache.get(() => false)).toBe('Card payments');
      expect(loads).toBe(3);
    });
  });
}

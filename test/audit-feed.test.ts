/**
 * The audit feed: what changed in the store since a cache last looked, read from the audit log,
 * delivered once to every listener, with callers that arrive together sharing one query.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditChange, AuditFeed, auditFeedOf } from '../src/audit/audit-feed.js';
import { Catalog } from '../src/catalog/catalog.js';
import { parseManifests } from '../src/catalog/parse.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const user = (name: string) => `apiVersion: charter/v1\nkind: User\nmetadata: {name: ${name}}\nspec: {}\n`;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`audit feed on ${factory.name}`, () => {
    let handle: StoreHandle;

    beforeEach(async () => {
      handle = await factory.create();
    });
    afterEach(async () => handle.dispose());

    it('delivers the refs written since its last look, once, to every listener', async () => {
      const feed = new AuditFeed(handle.store);
      const seen: AuditChange[] = [];
      feed.subscribe((change) => seen.push(change));
      await feed.catchUp();
      expect(seen).toEqual(['everything']);

      const catalog = new Catalog(handle.store, { actor: 'user:ada' });
      await catalog.apply(parseManifests(`${user('ada')}---\n${user('bo')}`, 'users.yaml'));
      await feed.catchUp();
      expect(seen.slice(1)).toEqual([{ refs: new Set(['user:ada', 'user:bo']) }]);
      await feed.catchUp();
      expect(seen).toHaveLength(2);
      expect(feed.position).toBe(2);
    });

    it('lets callers that arrive together share one query, never one that started before them', async () => {
      const feed = auditFeedOf(handle.store);
      expect(auditFeedOf(handle.store)).toBe(feed);
      await feed.catchUp();
      const before = feed.reads;
      await Promise.all(Array.from({ length: 20 }, () => feed.catchUp(feed.mark())));
      expect(feed.reads).toBe(before + 1);

      // A caller marked after a query started waits for one of its own, and sees a write
      // committed between the two.
      const refs: string[] = [];
      feed.subscribe((change) => {
        if (change !== 'everything') refs.push(...change.refs);
      });
      const first = feed.catchUp();
      await new Promise((resolve) => setImmediate(resolve));
      await new Catalog(handle.store, { actor: 'user:ada' }).apply(parseManifests(user('cy'), 'u.yaml'));
      await feed.catchUp();
      await first;
      expect(refs).toEqual(['user:cy']);
    });
  });
}

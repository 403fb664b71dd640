import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StoreHandle, storeFactories } from '../../test/support/stores.js';
import { Catalog } from './catalog.js';
import { parseManifests } from './parse.js';

const orgYaml = readFileSync(
  fileURLToPath(new URL('../../test/fixtures/small-org.yaml', import.meta.url)),
  'utf8',
);

function parse(text: string, source = 'org.yaml') {
  const { docs, problems } = parseManifests(text, source);
  return { docs, problems };
}

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`catalog on ${factory.name}`, () => {
    let handle: StoreHandle;
    let catalog: Catalog;

    beforeEach(async () => {
      handle = await factory.create();
      catalog = new Catalog(handle.store, { actor: 'user:tester' });
    });
    afterEach(async () => handle.dispose());

    it('applies an organisation and reports created, then unchanged on re-apply', async () => {
      const first = await catalog.apply(parse(orgYaml));
      expect(first.applied).toBe(true);
      expect(first.summary).toMatchObject({ created: 8, invalid: 0 });
      expect(first.results.map((r) => r.ref)).toContain('dataset:payments/transactions');
      const again = await catalog.apply(parse(orgYaml));
      expect(again.summary).toMatchObject({ unchanged: 8, created: 0, updated: 0 });
      expect((await catalog.auditLog({})).length).toBe(8);
    });

    it('stores a large apply in steps, every step in the one transaction, reporting progress by stage', async () => {
      await catalog.apply(parse(orgYaml));
      const stages: [string | undefined, number, number][] = [];
      const tracked = new Catalog(handle.store, {
        actor: 'user:tester',
        onProgress: (done, total, stage) => stages.push([stage, done, total]),
      });
      const docs = Array.from({ length: 4_500 }, (_, i) => ({
        source: 'bulk.yaml',
        index: i,
        doc: {
          apiVersion: 'v3.1.0',
          kind: 'DataContract',
          id: `bulk-${i}`,
          name: `bulk_${i}`,
          version: '1.0.0',
          status: 'active',
          domain: 'payments',
          description: { purpose: `Bulk table number ${i}` },
          schema: [{ name: `bulk_${i}`, properties: [{ name: `key_${i}`, logicalType: 'string' }] }],
        },
      }));
      const result = await tracked.apply({ docs, problems: [] });
      expect(result.summary).toMatchObject({ created: 4_500, invalid: 0 });
      // Checked in steps of 500, stored in steps of 2,000, each stage ending at its total.
      const of = (stage: string) =>
        stages.filter(([s]) => s === stage).map(([, done, total]) => [done, total]);
      expect(of('checking documents').map(([done]) => done)).toEqual([
        0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500,
      ]);
      expect(of('storing')).toEqual([
        [0, 4500],
        [2000, 4500],
        [4000, 4500],
        [4500, 4500],
      ]);
      expect(stages.findIndex(([s]) => s === 'storing')).toBeGreaterThan(
        stages.findIndex(([s]) => s === 'checking documents'),
      );
      // Every step landed, searchable, and the audit log has one record per contract.
      expect((await catalog.list('datasets', { domain: 'payments', limit: 5_000 })).length).toBe(4_501);
      expect((await catalog.search('bulk_4499', {})).map((h) => h.ref)).toContain(
        'dataset:payments/bulk_4499',
      );
      expect((await catalog.search('bulk_7', {})).map((h) => h.ref)).toContain('dataset:payments/bulk_7');
      expect(await catalog.auditVerify()).toEqual({ intact: true, records: 4_508, versions: 4_508 });
    });

    it('describes a dataset with declared stewards and owners inherited from the parent domain', async () => {
      await catalog.apply(parse(orgYaml));
      const d = await catalog.describe('dataset:payments/transactions');
      expect(d.stewards).toEqual([{ ref: 'user:bob', title: 'Bob Stone', source: 'declared' }]);
      expect(d.owners).toEqual([{ ref: 'user:alice', title: 'Alice Martin', source: 'domain:finance' }]);
      expect(d.domainPath).toEqual(['domain:payments', 'domain:finance']);
      expect(d.fields.map((f) => f.path)).toEqual([
        'transactions.transaction_id',
        'transactions.amount',
        'transactions.customer_email',
        'transactions.chargeback_flag',
      ]);
      expect(d.fields[2]).toMatchObject({ classification: 'confidential', tags: ['pii'] });
      expect(d.glossary).toEqual([
        {
          ref: 'glossary:payments/chargeback',
          title: 'Chargeback',
          definition: 'A payment reversed by the card issuer after a dispute.',
        },
      ]);
    });

    it('lists every asset with the owners and stewards describe shows: declared, else the nearest domain’s', async () => {
      await catalog.apply(parse(orgYaml));
      // A third level that declares no one, a sub-domain with its own steward, and assets in both.
      const more = await catalog.apply(
        parse(`apiVersion: charter/v1
kind: User
metadata: {name: carol}
spec: {displayName: Carol Diaz}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: cards, parent: payments}
spec: {title: Cards, stewards: [user:carol]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: tokens, parent: cards}
spec: {title: Tokens}
---
apiVersion: v3.1.0
kind: DataContract
id: vault
name: vault
version: 1.0.0
status: active
domain: tokens
team: {members: [{username: carol, role: owner}, {username: alice, role: owner}]}
---
apiVersion: v3.1.0
kind: DataContract
id: bins
name: bins
version: 1.0.0
status: active
domain: tokens
team: {members: [{username: bob, role: steward}]}
`),
      );
      expect(more.summary).toMatchObject({ created: 5, invalid: 0 });
      const people = (items: { ref: string; owners: string[]; stewards: string[] }[]) =>
        Object.fromEntries(items.map((i) => [i.ref, [i.owners, i.stewards]]));
      expect(people(await catalog.list('domains', {}))).toEqual({
        'domain:cards': [['user:alice'], ['user:carol']],
        'domain:finance': [['user:alice'], ['user:bob']],
        'domain:payments': [['user:alice'], ['user:bob']],
        'domain:tokens': [['user:alice'], ['user:carol']],
      });
      expect(people(await catalog.list('datasets', {}))).toEqual({
        'dataset:payments/transactions': [['user:alice'], ['user:bob']],
        'dataset:tokens/bins': [['user:alice'], ['user:bob']],
        'dataset:tokens/vault': [['user:alice', 'user:carol'], ['user:carol']],
      });
      expect(people(await catalog.list('users', {}))).toEqual({
        'user:alice': [[], []],
        'user:bob': [[], []],
        'user:carol': [[], []],
      });
      // Filtered by a person: what they own or steward, declared or inherited, as the lists say.
      for (const owner of ['user:alice', 'user:bob', 'user:carol', 'team:payments/core']) {
        for (const kind of ['domains', 'teams', 'datasets', 'glossary', 'users']) {
          const expected = (await catalog.list(kind, {}))
            .filter((i) => i.owners.includes(owner) || i.stewards.includes(owner))
            .map((i) => i.ref);
          expect(
            (await catalog.list(kind, { owner })).map((i) => i.ref),
            `${kind} of ${owner}`,
          ).toEqual(expected);
        }
      }
      // carol stewards the tokens domain, but bins names a steward of its own.
      expect((await catalog.list('datasets', { owner: 'user:carol' })).map((i) => i.ref)).toEqual([
        'dataset:tokens/vault',
      ]);
      expect((await catalog.list('domains', { owner: 'user:bob' })).map((i) => i.ref)).toEqual([
        'domain:finance',
        'domain:payments',
      ]);
      await expect(catalog.list('datasets', { owner: 'user:zed' })).rejects.toThrow(
        "User 'user:zed' not found",
      );
      // Search takes the same filter, in its query.
      const found = async (text: string, owner: string) =>
        (await catalog.search(text, { owner })).map((h) => h.ref);
      expect(await found('transactions', 'user:alice')).toContain('dataset:payments/transactions');
      expect(await found('transactions', 'user:carol')).toEqual([]);
      expect(await found('bins', 'user:bob')).toEqual(['dataset:tokens/bins']);
      expect(await found('bins', 'user:carol')).toEqual([]);
      expect(await found('vault', 'user:carol')).toEqual(['dataset:tokens/vault']);
      // A domain by its chain: carol stewards cards, so tokens inside it; bob stewards neither.
      expect(await found('tokens', 'user:carol')).toEqual(['domain:tokens']);
      expect(await found('tokens', 'user:bob')).toEqual([]);
      await expect(catalog.search('bins', { owner: 'user:zed' })).rejects.toThrow(
        "User 'user:zed' not found",
      );
      // Every kind: the list says what describe says, in its order.
      for (const kind of ['domains', 'teams', 'users', 'glossary', 'datasets', 'charters']) {
        for (const item of await catalog.list(kind, {})) {
          const d = await catalog.describe(item.ref);
          expect([item.owners, item.stewards], item.ref).toEqual([
            d.owners.map((p) => p.ref),
            d.stewards.map((p) => p.ref),
          ]);
        }
      }
    });

    it('refuses a NUL character anywhere in a document, naming its path, and stores nothing', async () => {
      await catalog.apply(parse(orgYaml));
      const withNul = (from: string, to: string) => {
        const result = catalog.apply(parse(orgYaml.replace(from, to)));
        return result.then((r) =>
          r.results.find((x) => x.ref === 'dataset:payments/transactions' || x.status === 'invalid'),
        );
      };
      const inText = await withNul(
        'description: Amount in the settlement currency',
        'description: "Amount\\0"',
      );
      expect(inText).toMatchObject({ status: 'invalid' });
      expect(inText!.issues).toEqual([
        { path: 'schema[0].properties[1].description', message: expect.stringContaining('NUL character') },
      ]);
      const inList = await withNul('tags: [pii]', 'tags: [pii, "x\\0"]');
      expect(inList!.issues.map((i) => i.path)).toEqual(['schema[0].properties[2].tags[1]']);
      expect((await catalog.history('dataset:payments/transactions')).length).toBe(1);
    });

    it('stores a change as a new version and diffs it field by field', async () => {
      await catalog.apply(parse(orgYaml));
      const changed = orgYaml
        .replace('physicalType: "decimal(12,2)"', 'physicalType: "decimal(18,4)"')
        .replace('classification: confidential', 'classification: restricted')
        .replace(
          '      - name: chargeback_flag',
          '      - {name: currency, logicalType: string, description: ISO 4217 code}\n      - name: chargeback_flag',
        );
      const result = await catalog.apply(parse(changed));
      const contract = result.results.find((r) => r.ref === 'dataset:payments/transactions')!;
      expect(contract).toMatchObject({ status: 'updated', version: 2 });
      const diff = await catalog.diff('dataset:payments/transactions');
      expect(diff.from).toBe(1);
      expect(diff.to).toBe(2);
      expect(diff.fields).toEqual(
        expect.arrayContaining([
          { field: 'transactions.currency', change: 'added' },
          expect.objectContaining({ field: 'transactions.amount', change: 'changed', typeChanged: true }),
          expect.objectContaining({
            field: 'transactions.customer_email',
            classificationChanged: true,
            attributes: { classification: ['confidential', 'restricted'] },
          }),
        ]),
      );
      const history = await catalog.history('dataset:payments/transactions');
      expect(history.map((v) => [v.version, v.action, v.actor])).toEqual([
        [1, 'create', 'user:tester'],
        [2, 'update', 'user:tester'],
      ]);
    });

    it('rejects the whole apply when one document has a dangling owner, storing nothing', async () => {
      const bad = `${orgYaml}\n---\napiVersion: charter/v1\nkind: Domain\nmetadata: {name: sales}\nspec: {owners: [team:sales/ghosts]}\n`;
      const result = await catalog.apply(parse(bad));
      expect(result.applied).toBe(false);
      const invalid = result.results.filter((r) => r.status === 'invalid');
      expect(invalid).toHaveLength(1);
      expect(invalid[0]).toMatchObject({ index: 8, ref: 'domain:sales' });
      expect(invalid[0]!.issues).toEqual([
        {
          path: 'spec.owners[0]',
          message: "Owner 'team:sales/ghosts' does not exist; an owner must be a user or a team",
        },
      ]);
      expect(result.summary.skipped).toBe(8);
      expect(await catalog.list('domains', {})).toEqual([]);
      expect(await catalog.auditLog({})).toEqual([]);
    });

    it('rejects a duplicate asset inside one apply', async () => {
      const user = 'apiVersion: charter/v1\nkind: User\nmetadata: {name: carol}\nspec: {}\n';
      const result = await catalog.apply(parse(`${user}---\n${user}`));
      expect(result.applied).toBe(false);
      expect(result.results[1]!.issues[0]!.message).toMatch(/also defined by document 1 of org.yaml/);
    });

    it('finds datasets by field names and descriptions, ranked, with the match shown', async () => {
      await catalog.apply(parse(orgYaml));
      const hits = await catalog.search('customer email', {});
      expect(hits[0]?.ref).toBe('dataset:payments/transactions');
      expect(hits[0]?.match).toMatch(/«customer»|«email»/);
      expect(await catalog.search('chargeback', { kind: 'glossary' })).toHaveLength(1);
      expect(await catalog.search('nonexistentword', {})).toEqual([]);
      // A hit on a contract's name shows its name, not its name beside its ODCS id (a UUID), which
      // stays searchable.
      expect((await catalog.search('transactions', { kind: 'datasets' }))[0]?.match).toBe('«transactions»');
      expect((await catalog.search('0b1c8c1e-0000-4000-8000-000000000001', {}))[0]?.ref).toBe(
        'dataset:payments/transactions',
      );
    });

    it('stores and finds a contract whose text is longer than one search vector holds', async () => {
      await catalog.apply(parse(orgYaml));
      const words = Array.from({ length: 250_000 }, (_, i) => `w${i.toString(36)}`).join(' ');
      const long = orgYaml
        .replace('name: transactions\nversion', 'name: long-text\nversion')
        .replace('id: 0b1c8c1e-0000-4000-8000-000000000001', 'id: 0b1c8c1e-0000-4000-8000-0000000000bb')
        .replace('{purpose: Every card transaction settled by Acme}', `{purpose: Runaway ${words}}`);
      const applied = await catalog.apply(parse(long, 'long.yaml'));
      expect(applied.applied, JSON.stringify(applied.results.filter((r) => r.issues.length))).toBe(true);
      expect((await catalog.search('runaway', {})).map((h) => h.ref)).toEqual(['dataset:payments/long-text']);
      // A word longer than an index keeps matches nothing, alone or beside others.
      expect(await catalog.search('y'.repeat(3000), {})).toEqual([]);
      expect(await catalog.search(`runaway ${'y'.repeat(3000)}`, {})).toEqual([]);
    });

    it('matches words whatever their accents, case or joining characters, on either side', async () => {
      await catalog.apply(parse(orgYaml));
      const accented = orgYaml
        .replace('name: transactions\nversion', 'name: ventes-zurich\nversion')
        .replace('id: 0b1c8c1e-0000-4000-8000-000000000001', 'id: 0b1c8c1e-0000-4000-8000-0000000000aa')
        .replace('Every card transaction settled by Acme', 'Ventes de la Société Générale à Zürich réglées')
        .replace('name: transaction_id', 'name: numéro_client');
      const applied = await catalog.apply(parse(accented, 'accented.yaml'));
      expect(applied.applied, JSON.stringify(applied.results.filter((r) => r.issues.length))).toBe(true);
      const ref = 'dataset:payments/ventes-zurich';
      for (const query of [
        'societe generale',
        'Société',
        'ZURICH',
        'reglees',
        'numero client',
        'NUMÉRO',
        'générale zür',
      ])
        expect(
          (await catalog.search(query, {})).map((h) => h.ref),
          query,
        ).toContain(ref);
      expect((await catalog.search('societe', {}))[0]?.match).toContain('«Société»');
    });

    it('deletes with a tombstone, keeps history, and refuses to delete what others refer to', async () => {
      await catalog.apply(parse(orgYaml));
      await expect(catalog.remove('user:bob')).rejects.toThrow(
        /still referred to by .*dataset:payments\/transactions/,
      );
      const deleted = await catalog.remove('dataset:payments/transactions');
      expect(deleted).toEqual({ ref: 'dataset:payments/transactions', version: 2, status: 'deleted' });
      await expect(catalog.get('dataset:payments/transactions')).rejects.toThrow(
        /not found \(it was deleted/,
      );
      expect((await catalog.history('dataset:payments/transactions')).map((v) => v.state)).toEqual([
        'live',
        'deleted',
      ]);
      expect(await catalog.search('customer email', {})).toEqual([]);
      const again = await catalog.apply(parse(orgYaml));
      expect(again.results.find((r) => r.ref === 'dataset:payments/transactions')).toMatchObject({
        status: 'created',
        version: 3,
      });
    });

    it('verifies the audit chain', async () => {
      await catalog.apply(parse(orgYaml));
      await catalog.remove('dataset:payments/transactions');
      expect(await catalog.auditVerify()).toEqual({ intact: true, records: 9, versions: 9 });
    });

    it('round-trips a backup with history into an empty store', async () => {
      await catalog.apply(parse(orgYaml));
      await catalog.apply(parse(orgYaml.replace('Every card transaction', 'All card transactions')));
      const backup = await catalog.exportBackup();
      const target = await factory.create();
      try {
        const restored = new Catalog(target.store, { actor: 'user:restorer' });
        const counts = await restored.importBackup(JSON.parse(JSON.stringify(backup)));
        expect(counts).toEqual({ versions: 9, audit: 9 });
        expect(await restored.auditVerify()).toEqual({ intact: true, records: 9, versions: 9 });
        expect((await restored.history('dataset:payments/transactions')).length).toBe(2);
        expect((await restored.describe('dataset:payments/transactions')).owners[0]!.ref).toBe('user:alice');
        expect((await restored.search('chargeback', {})).length).toBeGreaterThan(0);
      } finally {
        await target.dispose();
      }
    });
  });
}

/**
 * Bad input on apply: each problem is reported with file, document index, line, JSON path and
 * what was expected, and nothing from that apply is stored.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { MAX_MANIFEST_BYTES, parseSources } from '../src/catalog/parse.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const orgYaml = readFileSync(fileURLToPath(new URL('./fixtures/small-org.yaml', import.meta.url)), 'utf8');

const sqlite = storeFactories[0]!;

describe('bad input on apply', () => {
  let handle: StoreHandle;
  let catalog: Catalog;

  beforeEach(async () => {
    handle = await sqlite.create();
    catalog = new Catalog(handle.store, { actor: 'user:tester' });
  });
  afterEach(() => handle.dispose());

  /** Applies the good organisation plus one bad file; returns the bad file's results. */
  async function applyWith(name: string, content: string | Uint8Array) {
    const result = await catalog.apply(
      parseSources([
        { name: 'org.yaml', content: orgYaml },
        { name, content },
      ]),
    );
    expect(result.applied).toBe(false);
    expect(result.summary.skipped).toBe(8);
    expect(await catalog.list('domains', {})).toEqual([]);
    expect(await catalog.auditLog({})).toEqual([]);
    return result.results.filter((r) => r.source === name);
  }

  it('malformed YAML names the file, document and line', async () => {
    const [r] = await applyWith(
      'broken.yaml',
      'apiVersion: charter/v1\nkind: User\nmetadata: {name: x\nspec: {}\n',
    );
    expect(r).toMatchObject({ source: 'broken.yaml', index: 0, status: 'invalid' });
    expect(r!.line).toBeGreaterThanOrEqual(3);
    expect(r!.issues[0]!.message).toMatch(/^is not valid YAML: .*at line \d+, column \d+$/);
  });

  it('an unknown kind lists the kinds Charter knows', async () => {
    const [r] = await applyWith('widget.yaml', 'apiVersion: charter/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect(r!.issues).toEqual([
      {
        path: 'kind',
        message:
          '"Widget" is not a kind Charter knows; expected one of Charter, User, Domain, Team, GlossaryTerm, DataContract, DataProduct, Policy, Waiver, Model, AiApplication',
      },
    ]);
  });

  it('an unknown apiVersion says which one is expected', async () => {
    const [r] = await applyWith(
      'v2.yaml',
      'apiVersion: charter/v2\nkind: User\nmetadata: {name: w}\nspec: {}\n',
    );
    expect(r!.issues).toEqual([{ path: 'apiVersion', message: 'must be "charter/v1"' }]);
  });

  it('a schema violation gives the JSON path of the value and what was expected', async () => {
    const results = await applyWith(
      'schema.yaml',
      'apiVersion: charter/v1\nkind: Domain\nmetadata: {name: Sales Team}\nspec: {owners: alice}\n---\napiVersion: charter/v1\nkind: GlossaryTerm\nmetadata: {name: t}\nspec: {title: T}\n',
    );
    expect(results[0]!.issues).toEqual(
      expect.arrayContaining([
        { path: 'metadata.name', message: expect.stringMatching(/must match pattern/) },
        { path: 'spec.owners', message: 'must be array, not a string' },
      ]),
    );
    expect(results[1]).toMatchObject({
      index: 1,
      line: 6,
      issues: [{ path: 'spec.definition', message: 'is required' }],
    });
  });

  it('a dangling ref is named with where it is written', async () => {
    const [r] = await applyWith(
      'dangling.yaml',
      'apiVersion: charter/v1\nkind: Team\nmetadata: {name: t, domain: payments}\nspec: {members: [user:alice, user:nobody]}\n',
    );
    expect(r!.issues).toEqual([
      {
        path: 'spec.members[1]',
        message: "Member 'user:nobody' does not exist; a team member must be a user",
      },
    ]);
  });

  it('an owner that is not a user or team is refused by the schema', async () => {
    const [r] = await applyWith(
      'owner.yaml',
      'apiVersion: charter/v1\nkind: Domain\nmetadata: {name: d}\nspec: {owners: [dataset:payments/transactions]}\n',
    );
    expect(r!.issues[0]!.path).toBe('spec.owners[0]');
  });

  it('a duplicate inside one apply points at the first definition', async () => {
    const user =
      'apiVersion: charter/v1\nkind: User\nmetadata: {name: alice}\nspec: {displayName: Other Alice}\n';
    const [r] = await applyWith('dup.yaml', user);
    expect(r!.issues[0]!.message).toBe(
      "'user:alice' is also defined by document 2 of org.yaml; one apply may define an asset once",
    );
  });

  it('a file over the size limit is refused without being parsed', async () => {
    const big = `# ${'x'.repeat(50 * 1024 * 1024)}\n`;
    expect(big.length).toBeGreaterThan(MAX_MANIFEST_BYTES);
    const [r] = await applyWith('big.yaml', big);
    expect(r!.issues[0]!.message).toMatch(/^is 50\.0 MB; a manifest file may be at most 16 MB/);
  });

  it('binary garbage is refused as not text', async () => {
    const bytes = new Uint8Array(randomBytes(4096));
    bytes[10] = 0xff;
    bytes[11] = 0xfe;
    const [r] = await applyWith('garbage.yaml', bytes);
    expect(r!.issues[0]!.message).toMatch(/is not UTF-8 text|contains NUL bytes/);
  });

  it('a document that is not a mapping is refused', async () => {
    const [r] = await applyWith('list.yaml', '- a\n- b\n');
    expect(r!.issues[0]!.message).toMatch(/^must be a mapping with a kind/);
  });

  it('a contract with no domain asks for one, and --domain supplies it', async () => {
    await catalog.apply(parseSources([{ name: 'org.yaml', content: orgYaml }]));
    const contract =
      'apiVersion: v3.1.0\nkind: DataContract\nid: c-1\nversion: "1"\nstatus: draft\nname: loose\n';
    const without = await catalog.apply(parseSources([{ name: 'c.yaml', content: contract }]));
    expect(without.results[0]!.issues[0]).toMatchObject({
      path: 'domain',
      message: expect.stringMatching(/^is required: name the Charter domain/),
    });
    const withDomain = await catalog.apply({
      ...parseSources([{ name: 'c.yaml', content: contract }]),
      defaultDomain: 'payments',
    });
    expect(withDomain.results[0]).toMatchObject({ ref: 'dataset:payments/loose', status: 'created' });
  });

  it('a domain cycle is refused', async () => {
    await catalog.apply(parseSources([{ name: 'org.yaml', content: orgYaml }]));
    const loop =
      'apiVersion: charter/v1\nkind: Domain\nmetadata: {name: finance, parent: payments}\nspec: {}\n';
    const result = await catalog.apply(parseSources([{ name: 'loop.yaml', content: loop }]));
    expect(result.results[0]!.issues[0]!.message).toBe(
      'makes a cycle of domains: domain:finance → domain:payments → domain:finance',
    );
  });
});

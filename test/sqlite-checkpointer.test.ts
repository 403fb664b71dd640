import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import type { SourceDoc } from '../src/catalog/parse.js';
import { openStore } from '../src/store/open-store.js';
import type { SqliteDialect } from '../src/store/sql/dialects/sqlite/sqlite-dialect.js';
import type { SqlStore } from '../src/store/sql/sql-store.js';

const until = async (what: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('SQLite WAL checkpoints on a worker thread', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('moves the log into the database file while the store connection no longer checkpoints', async () => {
    const home = mkdtempSync(join(tmpdir(), 'charter-ckpt-'));
    dirs.push(home);
    const store = (await openStore({ home })) as SqlStore;
    const dialect = store.sqlDialect as SqliteDialect;
    await until(
      () =>
        dialect.checkpointer!.running &&
        dialect.database.pragma('wal_autocheckpoint', { simple: true }) === 0,
    );
    const file = join(home, 'charter.db');
    const before = statSync(file).size;
    const catalog = new Catalog(store, { actor: 'user:ann' });
    const docs = [{ apiVersion: 'charter/v1', kind: 'User', metadata: { name: 'ann' }, spec: {} }];
    for (let i = 0; i < 300; i++)
      docs.push({
        apiVersion: 'charter/v1',
        kind: 'GlossaryTerm',
        metadata: { name: `term-${i}` },
        spec: { title: `Term ${i}`, definition: 'x'.repeat(2000) } as never,
      });
    const applied = await catalog.apply({
      docs: docs.map((doc, index): SourceDoc => ({ source: 'in.yaml', index, doc })),
      problems: [],
    });
    expect(applied.applied).toBe(true);
    // The connection checkpoints nothing itself now: only the worker can grow the database file.
    await until(() => statSync(file).size > before + 300 * 2000);
    await store.close();

    const reopened = await openStore({ home });
    expect((await new Catalog(reopened, { actor: 'user:ann' }).list('glossary', {})).length).toBe(300);
    await reopened.close();
  });
});

/**
 * `npm test` runs on a machine without PostgreSQL: every suite that runs once per store asks the
 * PostgreSQL factory whether it is available (a printed notice and a skip, or a failure under
 * CI=true) before it creates a store. A suite that forgot would fail the whole run there, though
 * CI, which always has PostgreSQL, would never show it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) testFiles(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

describe('suites that run on every store', () => {
  it('skip PostgreSQL when it is unreachable instead of failing', () => {
    const files = [...testFiles(join(root, 'test')), ...testFiles(join(root, 'src'))];
    const perStore = files.filter((f) =>
      /of storeFactories\)|each\(storeFactories\)/.test(readFileSync(f, 'utf8')),
    );
    expect(perStore.length).toBeGreaterThan(20);
    const unguarded = perStore
      .filter((f) => !/runIf\(await factory\.available\(\)\)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(unguarded).toEqual([]);
  });
});

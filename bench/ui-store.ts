/**
 * The store behind the UI benchmark: the generated organisation (bench/generate.ts) applied without
 * admission, then the demo's charter, people and policies, so the overview has real findings to show.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import { createPlatform } from '../src/server/platform.js';
import { openStore } from '../src/store/open-store.js';
import { batches, type GenerateOptions, generateOrganisation } from './generate.js';
import { fmt, freshDir, log, repoRoot } from './support.js';

const ACTOR = 'user:bench';

/** A SQLite store under bench/.data/ui holding `options.contracts` contracts; reused when it matches. */
export async function uiStore(options: GenerateOptions): Promise<string> {
  const home = join(repoRoot, 'bench', '.data', 'ui');
  const marker = join(home, 'bench.json');
  const key = JSON.stringify({ ...options, v: 1 });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === key) return home;
  freshDir('ui');
  const org = generateOrganisation(options);
  const store = await openStore({ home });
  // The generated contracts predate the policies (as in an organisation adopting Charter): applied
  // without admission, they show up as findings in compliance rather than being refused.
  const raw = new Catalog(store, { actor: ACTOR });
  const setup = await raw.apply({ docs: org.setup, problems: [] });
  if (!setup.applied) throw new Error('The generated users and domains did not apply');
  const start = performance.now();
  let done = 0;
  for (const part of batches(org.contracts, 5000)) {
    const r = await raw.apply({ docs: part, problems: [] });
    if (!r.applied)
      throw new Error(`A batch of generated contracts did not apply: ${JSON.stringify(r.summary)}`);
    done += part.length;
    if (done % 25_000 === 0 || done === org.contracts.length)
      log(`  ui store: ${fmt(done)} contracts applied in ${fmt((performance.now() - start) / 1000, 1)} s`);
  }
  const { catalog } = createPlatform(store, { actor: ACTOR });
  const demo = join(repoRoot, 'examples', 'org');
  const files = readManifestFiles([
    join(demo, 'people.yaml'),
    join(demo, 'charter.yaml'),
    join(demo, 'policies'),
  ]);
  const gov = await catalog.apply(parseSources(files));
  if (!gov.applied) throw new Error(`The charter and policies did not apply: ${JSON.stringify(gov.summary)}`);
  await store.close();
  writeFileSync(marker, key);
  return home;
}

#!/usr/bin/env node
// Keeps the architecture's edges true: which top-level folder of src/ may import which.
// `model` imports nothing of ours; capabilities never import the outer ring (server, cli, mcp).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const src = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');
const capabilities = ['catalog', 'policy', 'quality', 'classify', 'lineage', 'ai', 'audit', 'access'];

/** For each layer, the layers it may import (besides itself). */
const allowed = {
  model: [],
  store: ['model'],
  audit: ['model', 'store'],
  catalog: ['model', 'store', 'audit'],
  policy: ['model', 'store', 'audit', 'catalog'],
  quality: ['model', 'store', 'audit', 'catalog', 'policy'],
  classify: ['model', 'store', 'audit', 'catalog', 'quality'],
  lineage: ['model', 'store', 'audit', 'catalog', 'quality', 'classify'],
  ai: ['model', 'store', 'audit', 'catalog', 'policy', 'quality', 'lineage', 'classify'],
  access: ['model', 'store', 'audit', 'catalog'],
  server: ['model', 'store', ...capabilities],
  mcp: ['model', 'store', ...capabilities],
  cli: ['model', 'store', 'server', 'mcp', ...capabilities],
};

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const problems = [];
for (const file of files(src)) {
  const layer = relative(src, file).split('/')[0];
  const rules = allowed[layer];
  if (!rules) {
    problems.push(`${relative(src, file)}: folder '${layer}' has no rule in scripts/check-layers.mjs`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
    const target = relative(src, resolve(dirname(file), match[1]));
    if (target.startsWith('..')) continue;
    const targetLayer = target.split('/')[0];
    if (targetLayer !== layer && !rules.includes(targetLayer)) {
      problems.push(
        `${relative(src, file)} imports ${target}: '${layer}' may not depend on '${targetLayer}'`,
      );
    }
  }
}
if (problems.length) {
  console.error(`Layering violations (${problems.length}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('Layering: every import follows the architecture.');

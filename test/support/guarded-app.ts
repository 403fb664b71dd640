/** The API as `charter serve` runs it (access control, bearer tokens) over a test's platform. */
import type { FastifyInstance } from 'fastify';
import { parseSources } from '../../src/catalog/parse.js';
import { type AppOptions, buildApp } from '../../src/server/app.js';
import type { Platform } from '../../src/server/platform.js';

/** Applies manifest files (name, YAML) one after the other; each must be admitted whole. */
export async function applyFiles(platform: Platform, files: readonly (readonly [string, string])[]) {
  for (const [name, content] of files) {
    const applied = await platform.catalog.apply(parseSources([{ name, content }]));
    if (!applied.applied)
      throw new Error(
        `${name} was not applied: ${JSON.stringify(applied.results.filter((r) => r.issues.length))}`,
      );
  }
}

/** An API token for each of these users (`user:NAME`), by name. */
export async function tokensFor(
  platform: Platform,
  names: readonly string[],
  actor = 'user:setup',
): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const name of names)
    tokens[name] = (
      await platform.access.tokens.create({ principal: `user:${name}`, name: 't', expiresAt: null, actor })
    ).token;
  return tokens;
}

/** The app over the platform with access control: every /api/v1 call needs a token. */
export function guardedApp(platform: Platform, extra: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  return buildApp({
    catalog: platform.catalog,
    governance: platform.governance,
    access: platform.access,
    tokens: platform.access.tokens,
    lineage: platform.lineage,
    ...extra,
  });
}

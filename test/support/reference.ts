/**
 * Locates `../shared/reference` (the open standards' schemas, examples and fixtures) beside the
 * checkout. Tests read those files in place. When the folder is absent they skip with a printed
 * notice — except under CI=true, where its absence fails the run.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const candidate = resolve(repoRoot, '../shared/reference');

/** The reference folder, or undefined (after printing why) when the tests using it must skip. */
export function referenceDir(): string | undefined {
  if (existsSync(candidate)) return candidate;
  if (process.env.CI === 'true') {
    throw new Error(
      `The reference standards are missing at ${candidate}; CI must have ../shared beside the checkout`,
    );
  }
  console.warn(`NOTICE: ${candidate} is absent; tests that read the reference standards are skipped`);
  return undefined;
}

export function referencePath(...parts: string[]): string {
  return join(candidate, ...parts);
}

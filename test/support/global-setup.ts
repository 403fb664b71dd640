/**
 * Runs once before the suites: compiles the CLI so tests that spawn the real binary run the
 * current source.
 */
import { spawnSync } from 'node:child_process';
import { repoRoot } from './reference.js';

export default function setup(): void {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0)
    throw new Error(`The build failed before the tests:\n${build.stdout}${build.stderr}`);
}

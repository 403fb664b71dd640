/** Spawning the real `charter` binary from tests. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './reference.js';

export const bin = join(repoRoot, 'bin', 'charter.js');

export function charter(home: string, ...args: string[]) {
  const env = { ...process.env };
  delete env.CHARTER_ACTOR;
  delete env.CHARTER_SERVER;
  delete env.CHARTER_DATABASE_URL;
  const r = spawnSync(process.execPath, [bin, '--home', home, ...args], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

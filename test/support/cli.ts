/** Spawning the real `charter` binary from tests. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './reference.js';

export const bin = join(repoRoot, 'bin', 'charter.js');

export function charter(home: string, ...args: string[]) {
  return charterWith({}, home, ...args);
}

/** The binary with these environment variables (`COLUMNS` fits tables and text to a width). */
export function charterWith(extra: Record<string, string>, home: string, ...args: string[]) {
  const env = { ...process.env };
  delete env.CHARTER_ACTOR;
  delete env.CHARTER_SERVER;
  delete env.CHARTER_DATABASE_URL;
  // Piped output is not fitted to any width unless COLUMNS says so: the tests choose.
  delete env.COLUMNS;
  const r = spawnSync(process.execPath, [bin, '--home', home, ...args], {
    encoding: 'utf8',
    env: { ...env, ...extra },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The real binary without blocking this process (a server it calls may run in it), with every
 * CHARTER_ variable of this process removed and `env` added; killed after `timeoutMs`.
 */
export function charterAsync(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('CHARTER_')) delete childEnv[key];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...childEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

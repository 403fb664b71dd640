/**
 * Child processes for the HTTP benchmarks: a server started with its own command line, whose URL
 * is read from its output, and stopped politely (SIGTERM, then SIGKILL after 5 s).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot } from './support.js';

/** Starts a child that prints its URL on a line matching `pattern`; resolves with the URL. */
export function startServer(
  args: string[],
  pattern: RegExp,
  options: { stdout: number | 'pipe'; env?: NodeJS.ProcessEnv },
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', options.stdout, 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not start within 60 s:\n${seen}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = seen.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1') });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}) before it listened:\n${seen}`));
    });
  });
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

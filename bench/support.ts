/**
 * What every benchmark shares: sizes from the environment, the machine description, timers,
 * percentiles and number formatting. Benchmarks print figures; none of them fails on timing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(benchDir, '..');
/** Generated data and stores (gitignored). */
export const dataDir = join(benchDir, '.data');

export function ensureDataDir(...parts: string[]): string {
  const dir = join(dataDir, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** An empty folder under bench/.data (whatever an earlier run left there is removed). */
export function freshDir(...parts: string[]): string {
  const dir = join(dataDir, ...parts);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number (got '${raw}')`);
  return n;
}

export function envFlag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(raw.toLowerCase());
}

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGb: number;
  node: string;
  platform: string;
  date: string;
  commit: string;
}

export function describeMachine(): Machine {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    // A figure depends on the code measured and on the bench that measured it.
    const dirty = ['src', 'bench'].filter((dir) =>
      execFileSync('git', ['status', '--porcelain', '--', dir], { cwd: repoRoot, encoding: 'utf8' }).trim(),
    );
    if (dirty.length) commit += ` (uncommitted changes in ${dirty.join(' and ')})`;
  } catch {
    // Not a git checkout: the commit is simply unknown.
  }
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit,
  };
}

/** Runs `fn` once and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - start };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function summarize(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

// A full collection between phases keeps one phase's garbage out of the next one's timing; the
// npm script runs plain `node`, so the collector is exposed here rather than by --expose-gc.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (() => void) | undefined;

export function gc(): void {
  collect?.();
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${fmt(ms / 1000, 1)} s`;
  if (ms >= 100) return `${fmt(ms)} ms`;
  return `${fmt(ms, ms >= 10 ? 1 : 2)} ms`;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${fmt(r, r >= 10 ? 1 : 2)}×` : '–';
}

export function mb(bytes: number): number {
  return bytes / 1024 / 1024;
}

export function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/**
 * CPU time of this process's threads so far (Linux /proc, clock ticks of 10 ms): the main thread
 * and all others (the sweep workers, and V8's helper threads for GC and compilation).
 */
export function threadCpu(): { main: number; others: number } | undefined {
  const tasks = '/proc/self/task';
  if (!existsSync(tasks)) return undefined;
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(tasks)) {
    try {
      // Fields after the command name: state is the first; utime and stime are the 12th and 13th.
      const fields = readFileSync(join(tasks, tid, 'stat'), 'utf8')
        .split(') ')[1]!
        .split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * 10;
      if (tid === String(process.pid)) main += ms;
      else others += ms;
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return { main, others };
}

export const cpuSince = (before: ReturnType<typeof threadCpu>) => {
  const after = threadCpu();
  return before && after
    ? { main: after.main - before.main, others: after.others - before.others }
    : undefined;
};

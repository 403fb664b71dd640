/**
 * A CPU profile of code running in this process (V8's sampling profiler through node:inspector),
 * reduced to the tables a reader needs: self time and total time per function and per area
 * (a src/ file, a package, native code, GC). The same data `node --cpu-prof` writes, summarised.
 */
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './support.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: ProfileEntry[];
  areas: { area: string; selfMs: number }[];
}

/** file:line of a function, through the source map when tsx compiled it (its output is one line). */
function where(url: string, line: number, column: number): string {
  if (!url) return '';
  const entry = url.startsWith('file:') ? findSourceMap(url)?.findEntry(line, column) : undefined;
  if (entry && 'originalLine' in entry && typeof entry.originalLine === 'number') line = entry.originalLine;
  let path = url;
  try {
    path = url.startsWith('file:') ? fileURLToPath(url) : url;
  } catch {
    // Keep the URL as it is.
  }
  const rel = relative(repoRoot, path);
  const shown = rel.startsWith('..') ? path : rel;
  return `${shown.replace(/^node_modules\//, '')}:${line + 1}`;
}

function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.startsWith('node:')) return 'Node.js internals';
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const rel = relative(repoRoot, path);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  if (pkg) return `package ${pkg[1]}`;
  if (rel.startsWith('src/')) return rel;
  return rel.startsWith('..') ? path : rel;
}

/** Runs `fn` under the sampling profiler (1 ms interval) and summarises the samples. */
export async function profile<T>(fn: () => Promise<T>): Promise<{ result: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  let result: T;
  let data: Profile;
  try {
    result = await fn();
  } finally {
    data = ((await session.post('Profiler.stop')) as { profile: Profile }).profile;
    await session.post('Profiler.disable');
    session.disconnect();
  }
  return { result, summary: summarise(data) };
}

function summarise(data: Profile): ProfileSummary {
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of data.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'}\u0000${where(n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber)}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let totalMs = 0;
  const samples = data.samples ?? [];
  const deltas = data.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the delta to the next sample.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const node = byId.get(samples[i]!);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    totalMs += ms;
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + ms);
    const area = areaOf(node);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    // Total time: each function once per sample, however deep its recursion.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const kk = key(n);
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + ms);
    }
  }
  const functions = [...total].map(([k, totalFn]) => {
    const [name, at] = k.split('\u0000') as [string, string];
    return { name, where: at, selfMs: self.get(k) ?? 0, totalMs: totalFn };
  });
  return {
    totalMs,
    functions,
    areas: [...areas].map(([area, selfMs]) => ({ area, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

/**
 * One compliance run of the policy benchmark, in a process of its own on the compiled product
 * (dist/), as `charter compliance` runs: nothing is warm when it starts. Prints one JSON line.
 *
 *   node --import tsx bench/policy-compliance.ts HOME read
 *   node --import tsx bench/policy-compliance.ts HOME compliance WORKERS [POLICY]
 *   node --import tsx bench/policy-compliance.ts HOME background WORKERS POLICY
 *
 * `read` reads every page of the sweep and builds the subjects on one thread, without evaluating.
 * `background` runs the server's background compliance run in full, rewords POLICY (a new version of
 * it, applied by the data office), runs it again for that change, and checks it against a full run;
 * then applies 1,000 contracts again with a new purpose, runs it for them, and checks that too. It
 * changes the store.
 * The report lists the first 50 failing assets, as `charter compliance` does; BENCH_LIST sets how
 * many (`all`: every one).
 */
import { createHash } from 'node:crypto';
import type { ComplianceReport } from '../src/policy/governance.js';
import { DATA_OFFICE } from './policy-generate.js';
import { cpuSince, threadCpu } from './support.js';

const SWEEP_KINDS = ['DataContract', 'DataProduct', 'Domain', 'Team', 'GlossaryTerm'];

/** What a run prints. */
export interface ComplianceRun {
  ms: number;
  cpu?: { main: number; others: number };
  assets: number;
  failing: number;
  digest: string;
  changedDuring: boolean;
  byPolicy: { policy: string; matched: number; failing: number }[];
}

/** A digest of a report without its time: equal digests, equal reports (failing assets in order included). */
function reportDigest(report: ComplianceReport): string {
  const hash = createHash('sha256');
  const { evaluatedAt: _, failing, ...rest } = report;
  hash.update(JSON.stringify(rest));
  for (const f of failing) hash.update(JSON.stringify(f));
  return hash.digest('hex');
}

const load = (path: string) => import(new URL(`../dist/${path}`, import.meta.url).href);

async function main(): Promise<void> {
  const [home, mode, workersArg, policy] = process.argv.slice(2);
  if (!home || !['read', 'compliance', 'background'].includes(mode ?? ''))
    throw new Error('usage: HOME read|compliance|background [WORKERS [POLICY]]');
  const { openStore } = (await load('store/open-store.js')) as typeof import('../src/store/open-store.js');
  const { createPlatform } = (await load('server/platform.js')) as typeof import('../src/server/platform.js');
  const store = await openStore({ home });
  try {
    if (mode === 'read') {
      const { loadView } = (await load(
        'policy/governance-view.js',
      )) as typeof import('../src/policy/governance-view.js');
      const { assetPages } = (await load('policy/sweep.js')) as typeof import('../src/policy/sweep.js');
      const { effectivePrincipals } = (await load(
        'policy/evaluate.js',
      )) as typeof import('../src/policy/evaluate.js');
      const { subjectOf } = (await load(
        'policy/policy-engine.js',
      )) as typeof import('../src/policy/policy-engine.js');
      const view = await loadView(store);
      const started = performance.now();
      let assets = 0;
      for await (const page of assetPages(store, SWEEP_KINDS)) {
        for (const asset of page) effectivePrincipals(view, subjectOf(view, asset));
        assets += page.length;
      }
      const run: ComplianceRun = {
        ms: performance.now() - started,
        assets,
        failing: 0,
        digest: '',
        changedDuring: false,
        byPolicy: [],
      };
      console.log(JSON.stringify(run));
      return;
    }
    const { Governance } = (await load(
      'policy/governance.js',
    )) as typeof import('../src/policy/governance.js');
    const { catalog } = createPlatform(store, { actor: DATA_OFFICE });
    if (mode === 'background') {
      if (!policy) throw new Error('background needs a policy to change');
      const { Catalog } = (await load('catalog/catalog.js')) as typeof import('../src/catalog/catalog.js');
      console.log(
        JSON.stringify(
          await background(
            // As the server runs it: the sweep on workers, this thread free for requests.
            new Governance(catalog, undefined, { workers: Number(workersArg), callerSweeps: false }),
            catalog,
            // The generated contracts were loaded before the policies, and most break a deny policy:
            // the batch is written without admission, as they were.
            new Catalog(store, { actor: DATA_OFFICE }),
            policy,
          ),
        ),
      );
      return;
    }
    const governance = new Governance(catalog, undefined, { workers: Number(workersArg ?? 1) });
    const threads = threadCpu();
    const process0 = process.cpuUsage();
    const started = performance.now();
    const list = process.env.BENCH_LIST ?? '50';
    const report = await governance.compliance({
      ...(policy ? { policy } : {}),
      ...(list === 'all' ? {} : { limit: Number(list) }),
    });
    const ms = performance.now() - started;
    // The workers have stopped by now and left /proc: theirs is the process's CPU less the main thread's.
    const used = process.cpuUsage(process0);
    const main = cpuSince(threads)?.main;
    const run: ComplianceRun = {
      ms,
      assets: report.totals.assets,
      failing: report.totals.failing,
      digest: reportDigest(report),
      changedDuring: report.changedDuring !== undefined,
      byPolicy: report.byPolicy.map((p) => ({ policy: p.policy, matched: p.matched, failing: p.failing })),
    };
    if (main !== undefined) run.cpu = { main, others: (used.user + used.system) / 1000 - main };
    console.log(JSON.stringify(run));
  } finally {
    await store.close();
  }
}

/** What `background` prints. */
export interface BackgroundRun {
  fullMs: number;
  changedMs: number;
  checkMs: number;
  /** The report after the change equals a full run's. */
  equal: boolean;
  matched: number;
  /** Then BATCH contracts changed (a new purpose each) in one apply: the run that followed them. */
  assets: { count: number; ms: number; equal: boolean };
}

async function background(
  governance: import('../src/policy/governance.js').Governance,
  catalog: import('../src/catalog/catalog.js').Catalog,
  loader: import('../src/catalog/catalog.js').Catalog,
  policy: string,
): Promise<BackgroundRun> {
  const errors: unknown[] = [];
  const run = async (changed?: string[]) => {
    const started = performance.now();
    await governance.scheduleCompliance(undefined, (e) => errors.push(e), changed);
    if (errors.length) throw errors[0];
    return performance.now() - started;
  };
  const fullMs = await run();
  const doc = (await catalog.get(policy)).doc as { spec: { message: string } };
  doc.spec.message = `${doc.spec.message} (reworded)`;
  const applied = await catalog.apply({ docs: [{ source: 'bench', index: 0, doc }], problems: [] });
  if (!applied.applied) throw new Error(`the reworded ${policy} was not applied`);
  const changedMs = await run([policy]);
  const after = governance.latestCompliance()!;
  const started = performance.now();
  const full = await governance.compliance({ limit: 0 });
  const checkMs = performance.now() - started;
  const same = (x: ComplianceReport, y: ComplianceReport) => {
    const { evaluatedAt: _a, ...a } = x;
    const { evaluatedAt: _b, ...b } = y;
    return JSON.stringify(a) === JSON.stringify(b);
  };
  const equal = same(after, full);
  // A domain team's batch: contracts applied again with a new purpose, the next run follows them.
  const batch = await catalog.store.scanAssets({ kind: 'DataContract', limit: 1000 });
  const docs = batch.map((a, index) => {
    const doc = structuredClone(a.doc) as { description?: { purpose?: string } };
    doc.description = { ...doc.description, purpose: `${doc.description?.purpose ?? ''} (revised)` };
    return { source: 'bench', index, doc: doc as Record<string, unknown> };
  });
  const revised = await loader.apply({ docs, problems: [] });
  if (!revised.applied) throw new Error('the revised contracts were not applied');
  const assetsMs = await run(batch.map((a) => a.ref));
  const afterAssets = governance.latestCompliance()!;
  return {
    fullMs,
    changedMs,
    checkMs,
    equal,
    matched: after.byPolicy.find((p) => p.policy === policy)?.matched ?? 0,
    assets: {
      count: batch.length,
      ms: assetsMs,
      equal: same(afterAssets, await governance.compliance({ limit: 0 })),
    },
  };
}

await main();

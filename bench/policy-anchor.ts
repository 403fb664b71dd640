/**
 * The policy benchmark's anchor: the policies' compiled CEL programs called in a hand-written loop
 * over the contracts, nothing else. Also run on worker threads (`anchorOnThreads`), one thread
 * against two, to show what speed-up this machine gives this very workload on two cores.
 */
import { Worker } from 'node:worker_threads';
import { withLevels } from '../src/policy/cel.js';
import { domainBinding, effectivePrincipals, type Subject } from '../src/policy/evaluate.js';
import { domainChain, type GovernanceView } from '../src/policy/governance-view.js';
import type { EffectivePolicy, PolicyEngine } from '../src/policy/policy-engine.js';
import { tsxEsmApi } from '../src/policy/sweep.js';
import type { Json } from './generate.js';

export interface AnchorRule {
  evaluate(context: Record<string, unknown>): unknown;
  only: string[] | undefined;
}

export interface AnchorPlan {
  context: { owners: string[]; stewards: string[]; domain: Json };
  asset: AnchorRule[];
  field: AnchorRule[];
}

/**
 * Per domain, what a hand-written loop needs: the rules that apply and the constant variables.
 * Worked out before the clock starts; the policies here match on kinds, domains and
 * classifications only, which the loop checks as the engine does.
 */
export function anchorPlans(engine: PolicyEngine, view: GovernanceView, subjects: Subject[]) {
  const plans = new Map<string, AnchorPlan>();
  for (const s of subjects) {
    const name = s.domain ?? '';
    if (plans.has(name)) continue;
    const chain = domainChain(view, s.domain);
    const names = chain.map((d) => d.name);
    const rules = engine
      .effective(view, s.domain)
      .map((e: EffectivePolicy) => e.policy)
      .filter((p) => p.kinds.has('DataContract'))
      .filter((p) => !p.doc.spec.match?.domains || p.doc.spec.match.domains.some((d) => names.includes(d)));
    if (rules.some((p) => p.doc.spec.match?.labels))
      throw new Error('the anchor does not model label matches');
    const principals = effectivePrincipals(view, s);
    plans.set(name, {
      context: {
        owners: principals.owners,
        stewards: principals.stewards,
        domain: domainBinding(chain),
      },
      asset: rules
        .filter((p) => (p.doc.spec.scope ?? 'asset') === 'asset')
        .map((p) => ({ evaluate: p.rule.evaluate, only: p.doc.spec.match?.classifications })),
      field: rules
        .filter((p) => p.doc.spec.scope === 'field')
        .map((p) => ({ evaluate: p.rule.evaluate, only: p.doc.spec.match?.classifications })),
    });
  }
  return plans;
}

/** The bare loop: per contract, asset rules once and field rules once per field; counts failures. */
export function anchorSweep(
  view: GovernanceView,
  plans: Map<string, AnchorPlan>,
  subjects: Subject[],
  now: Date,
) {
  const levels = view.levels;
  const charter = {
    name: view.charter?.metadata.name ?? '',
    classificationLevels: levels,
    ownershipTypes: view.ownershipTypes,
    personalDataCategories: view.charter?.spec.personalDataCategories?.map((c) => c.name) ?? [],
    aiUses: [],
  };
  let failures = 0;
  const run = (rule: AnchorRule, context: Record<string, unknown>) => {
    try {
      if (rule.evaluate(context) !== true) failures += 1;
    } catch {
      failures += 1;
    }
  };
  withLevels(levels, () => {
    for (const s of subjects) {
      const plan = plans.get(s.domain ?? '')!;
      const doc = s.doc as { schema: { name: string; properties: Json[] }[] };
      const context: Record<string, unknown> = {
        asset: { tags: [], customProperties: [], ...s.doc },
        previous: {},
        ref: s.ref,
        kind: s.kind,
        owners: plan.context.owners,
        stewards: plan.context.stewards,
        domain: plan.context.domain,
        charter,
        now,
        table: {},
        field: {},
      };
      let top = -1;
      for (const t of doc.schema)
        for (const f of t.properties)
          if (typeof f.classification === 'string') top = Math.max(top, levels.indexOf(f.classification));
      const classification = top >= 0 ? levels[top] : undefined;
      for (const rule of plan.asset) {
        if (rule.only && (!classification || !rule.only.includes(classification))) continue;
        run(rule, context);
      }
      for (const t of doc.schema) {
        context.table = { tags: [], ...t };
        for (const f of t.properties) {
          context.field = { tags: [], ...f };
          for (const rule of plan.field) {
            const c = f.classification as string | undefined;
            if (rule.only && (!c || !rule.only.includes(c))) continue;
            run(rule, context);
          }
        }
      }
    }
  });
  return failures;
}

/** What a worker of `anchorOnThreads` is given. */
export interface AnchorWorkerData {
  view: GovernanceView;
  subjects: Subject[];
  now: Date;
}

/** A worker's answer: the bare loop's time over its contracts, and the failures it counted. */
export interface AnchorWorkerReply {
  ms: number;
  failures: number;
}

function startAnchorWorker(data: AnchorWorkerData): Worker {
  const url = new URL('./policy-anchor-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsxEsmApi())})
    .then((tsx) => tsx.register())
    .then(() => import(${JSON.stringify(url)}))`;
  return new Worker(code, { eval: true, workerData: data, execArgv: [] });
}

/**
 * The bare loop over all `subjects` on `threads` worker threads at once, each over its share. Every
 * worker compiles the policies and warms up first; they are then told to go together, and the
 * figure is the slowest worker's loop time.
 */
export async function anchorOnThreads(
  view: GovernanceView,
  subjects: Subject[],
  threads: number,
  now: Date,
): Promise<{ ms: number; failures: number }> {
  const share = Math.ceil(subjects.length / threads);
  const workers = Array.from({ length: threads }, (_, i) =>
    startAnchorWorker({ view, subjects: subjects.slice(i * share, (i + 1) * share), now }),
  );
  try {
    const ready = workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
    );
    await Promise.all(ready);
    const replies = workers.map(
      (w) =>
        new Promise<AnchorWorkerReply>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        }),
    );
    for (const w of workers) w.postMessage('go');
    const done = await Promise.all(replies);
    return {
      ms: Math.max(...done.map((d) => d.ms)),
      failures: done.reduce((n, d) => n + d.failures, 0),
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

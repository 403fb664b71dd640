/**
 * Admission latency of the policy benchmark, in a process of its own (as a server or the CLI would
 * apply): changed versions of one wide contract applied through `createPlatform(store).catalog`
 * against the store's policies. Run by policy-bench.ts, which reads the figures as JSON from the
 * last line of its output: `node --import tsx bench/policy-admission.ts HOME DOMAIN COUNT FIELDS`.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApplyResult } from '../src/catalog/apply.js';
import type { CatalogPlugin } from '../src/catalog/plugin.js';
import { dataContractKind } from '../src/model/kinds/data-contract-kind.js';
import { loadView } from '../src/policy/governance-view.js';
import { PolicyEngine, subjectOf } from '../src/policy/policy-engine.js';
import { createPlatform } from '../src/server/platform.js';
import type { CatalogStore } from '../src/store/catalog-store.js';
import { openStore } from '../src/store/open-store.js';
import { admissionContract } from './policy-generate.js';

function check(result: ApplyResult, what: string): void {
  const bad = result.results.find((r) => !['created', 'updated', 'unchanged'].includes(r.status));
  if (!result.applied || bad)
    throw new Error(`${what} was not stored: ${JSON.stringify(bad ?? result.summary).slice(0, 2000)}`);
}

export interface AdmissionFigures {
  fields: number;
  count: number;
  validateMs: number[];
  policyMs: number[];
  /** CPU time of the process during each admit (microsecond resolution, all threads). */
  policyCpuMs: number[];
  evaluateMs: number[];
  applyMs: number[];
  decisions: Record<string, number>;
}

/**
 * Applies changed versions of one wide contract through the platform's catalog. The policy time
 * is the policy plugin's `admit` (wrapped, inside the real apply); validation is the kind's schema
 * check of the same document, timed beside the apply; the rest of the apply is storage.
 */
export async function admissionFigures(
  store: CatalogStore,
  domain: string,
  config: { admissions: number; admissionFields: number },
): Promise<AdmissionFigures> {
  const platform = createPlatform(store, { actor: 'user:bob' });
  const plugin = platform.catalog.options.plugins?.find((p) => p.name === 'policy') as CatalogPlugin;
  const admit = plugin.admit!.bind(plugin);
  let lastPolicyMs = 0;
  let lastPolicyCpu = 0;
  plugin.admit = async (subjects, batch) => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await admit(subjects, batch);
    } finally {
      lastPolicyMs = performance.now() - t;
      const used = process.cpuUsage(cpu);
      lastPolicyCpu = (used.user + used.system) / 1000;
    }
  };
  const engine = new PolicyEngine();
  const figures: AdmissionFigures = {
    fields: config.admissionFields,
    count: config.admissions,
    validateMs: [],
    policyMs: [],
    policyCpuMs: [],
    evaluateMs: [],
    applyMs: [],
    decisions: {},
  };
  const warmup = 50;
  const view = await loadView(store);
  for (let v = 1; v <= warmup + config.admissions; v++) {
    const doc = admissionContract(domain, config.admissionFields, v);
    let t = performance.now();
    const issues = dataContractKind.validate(doc);
    const validateMs = performance.now() - t;
    if (issues.length) throw new Error(`the admission contract is invalid: ${JSON.stringify(issues[0])}`);
    t = performance.now();
    const result = await platform.catalog.apply({
      docs: [{ source: 'wide.yaml', index: 0, doc }],
      problems: [],
    });
    const applyMs = performance.now() - t;
    check(result, `version ${v} of the wide contract`);
    // The rule evaluation alone, on the view admission keeps between applies.
    const subject = subjectOf(view, {
      ref: result.results[0]!.ref!,
      kind: 'DataContract',
      domain,
      doc,
    });
    t = performance.now();
    engine.evaluate(view, subject, new Date());
    const evaluateMs = performance.now() - t;
    if (v <= warmup) continue;
    const decision = result.results[0]!.admission ?? 'none';
    figures.decisions[decision] = (figures.decisions[decision] ?? 0) + 1;
    figures.validateMs.push(validateMs);
    figures.policyMs.push(lastPolicyMs);
    figures.policyCpuMs.push(lastPolicyCpu);
    figures.evaluateMs.push(evaluateMs);
    figures.applyMs.push(applyMs);
  }
  return figures;
}

async function main(argv: string[]) {
  const [home, domain, count, fields] = argv;
  if (!home || !domain) throw new Error('usage: policy-admission.ts HOME DOMAIN COUNT FIELDS');
  const store = await openStore({ home });
  try {
    const figures = await admissionFigures(store, domain, {
      admissions: Number(count ?? 300),
      admissionFields: Number(fields ?? 50),
    });
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await store.close();
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/**
 * Policies: 50 policies (25 asset-scope, 25 field-scope) over the generated contracts. In memory:
 * the same compiled CEL programs in a bare loop (the anchor), the engine on one thread, the sweep
 * on worker threads. On a SQLite store: the full compliance run and a one-policy re-evaluation.
 * And admission latency of one 50-field contract, split into validation, policy and the rest.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { ApplyResult } from '../src/catalog/apply.js';
import type { Subject } from '../src/policy/evaluate.js';
import { type GovernanceView, loadView } from '../src/policy/governance-view.js';
import { PolicyEngine, subjectOf } from '../src/policy/policy-engine.js';
import { evaluateSubjects, SweepPool } from '../src/policy/sweep.js';
import { createPlatform } from '../src/server/platform.js';
import type { CatalogStore } from '../src/store/catalog-store.js';
import { openStore } from '../src/store/open-store.js';
import { loadCatalog } from './apply-bench.js';
import type { Json, Organisation } from './generate.js';
import type { AdmissionFigures } from './policy-admission.js';
import { anchorOnThreads, anchorPlans, anchorSweep } from './policy-anchor.js';
import type { BackgroundRun, ComplianceRun } from './policy-compliance.js';
import { DATA_OFFICE, governanceDocs, POLICY_COUNT } from './policy-generate.js';
import { type ProfileSummary, profile } from './profile.js';
import { figuresTable, type Row, runLine, type Section, table } from './report.js';
import {
  benchDir,
  cpuSince,
  dataDir,
  ensureDataDir,
  envFlag,
  fmt,
  fmtMs,
  fmtRatio,
  freshDir,
  gc,
  log,
  type Machine,
  repoRoot,
  summarize,
  threadCpu,
} from './support.js';

export const TARGET_OVERHEAD = 1.5;
export const TARGET_PARALLEL = 1.8;
export const TARGET_ADMISSION_P99_MS = 5;

export interface PolicyConfig {
  /** Rounds of the in-memory figures (anchor, engine, sweeps interleaved); the median is reported. */
  rounds: number;
  /** Worker threads of the parallel sweep. */
  workers: number;
  /** Rounds of the compliance runs on SQLite (one thread and on workers, interleaved). */
  storeRounds: number;
  batch: number;
  admissions: number;
  admissionFields: number;
  /** Contracts in the profiled engine run (0 skips it). */
  profileContracts: number;
}

const perSecond = (count: number, ms: number) => (count / ms) * 1000;
const median = (values: number[]) => summarize(values).p50;

function subjectsOf(view: GovernanceView, org: Organisation): Subject[] {
  return org.contracts.map((c) => {
    const doc = c.doc as Json;
    return subjectOf(view, {
      ref: `dataset:${doc.domain}/${doc.name}`,
      kind: 'DataContract',
      domain: doc.domain as string,
      doc,
    });
  });
}

/** Fresh subject objects (same documents), so no run profits from what an earlier one cached on them. */
const fresh = (subjects: Subject[]) => subjects.map((s) => ({ ...s }));

// --- the in-memory figures ---------------------------------------------------------------------

interface MemoryFigures {
  contracts: number;
  evaluations: number;
  violations: number;
  anchorMs: number[];
  engineMs: number[];
  sweepMs: number[];
  parallelMs: number[];
  startMs: number[];
  /** The anchor's bare loop on one worker thread and, at once, on `workers` threads (each its share). */
  anchorOneThreadMs: number[];
  anchorThreadsMs: number[];
  workers: number;
  /** Main-thread CPU time of the anchor and the engine (what a core would need to itself). */
  anchorCpu: number[];
  engineCpu: number[];
  /** CPU of the one-thread sweep and of the parallel sweep (main thread, other threads). */
  sweepCpu: { main: number; others: number }[];
  parallelCpu: { main: number; others: number }[];
}

async function memoryFigures(
  view: GovernanceView,
  subjects: Subject[],
  config: PolicyConfig,
): Promise<MemoryFigures> {
  const engine = new PolicyEngine();
  const now = new Date();
  const plans = anchorPlans(engine, view, subjects);
  const evaluations = subjects.reduce((n, s) => {
    const plan = plans.get(s.domain ?? '')!;
    const fields = (s.doc.schema as { properties: unknown[] }[]).reduce((k, t) => k + t.properties.length, 0);
    return n + plan.asset.length + fields * plan.field.length;
  }, 0);
  const figures: MemoryFigures = {
    contracts: subjects.length,
    evaluations,
    violations: -1,
    anchorMs: [],
    engineMs: [],
    sweepMs: [],
    parallelMs: [],
    startMs: [],
    anchorOneThreadMs: [],
    anchorThreadsMs: [],
    workers: config.workers,
    anchorCpu: [],
    engineCpu: [],
    sweepCpu: [],
    parallelCpu: [],
  };
  const agree = (what: string, count: number) => {
    if (figures.violations < 0) figures.violations = count;
    else if (count !== figures.violations)
      throw new Error(`${what} found ${count} failures where the anchor found ${figures.violations}`);
  };
  const timedRun = (fn: () => number) => {
    gc();
    const t = performance.now();
    const count = fn();
    return { count, ms: performance.now() - t };
  };
  // One untimed pass of each warms the JIT, so the first round is not slower than the others.
  const warm = fresh(subjects.slice(0, Math.min(2000, subjects.length)));
  const warmSubjects = subjects.slice(0, Math.min(2000 * config.workers, subjects.length));
  anchorSweep(view, plans, warm, now);
  for (const s of warm) engine.evaluate(view, s, now);
  evaluateSubjects(engine, view, fresh(warm), { now });

  for (let round = 1; round <= config.rounds; round++) {
    let cpu = threadCpu();
    const anchor = timedRun(() => anchorSweep(view, plans, subjects, now));
    const anchorCpu = cpuSince(cpu);
    if (anchorCpu) figures.anchorCpu.push(anchorCpu.main);
    agree('the anchor', anchor.count);
    figures.anchorMs.push(anchor.ms);

    let batch = fresh(subjects);
    cpu = threadCpu();
    const single = timedRun(() => {
      let n = 0;
      for (const s of batch) n += engine.evaluate(view, s, now).length;
      return n;
    });
    const engineCpu = cpuSince(cpu);
    if (engineCpu) figures.engineCpu.push(engineCpu.main);
    agree('PolicyEngine.evaluate', single.count);
    figures.engineMs.push(single.ms);

    batch = fresh(subjects);
    cpu = threadCpu();
    const sweep = timedRun(() =>
      evaluateSubjects(engine, view, batch, { now }).reduce((n, r) => n + r.violations.length, 0),
    );
    const sweepCpu = cpuSince(cpu);
    if (sweepCpu) figures.sweepCpu.push(sweepCpu);
    agree('the single-threaded sweep', sweep.count);
    figures.sweepMs.push(sweep.ms);

    gc();
    let t = performance.now();
    const pool = new SweepPool(view, { workers: config.workers, now });
    try {
      // The first small call waits until every worker has started and compiled the policies.
      await Promise.all(Array.from({ length: config.workers }, () => pool.evaluate(subjects.slice(0, 1))));
      figures.startMs.push(performance.now() - t);
      // Warm the workers' JIT as the main thread's was warmed (untimed).
      await pool.evaluate(warmSubjects);
      gc();
      cpu = threadCpu();
      t = performance.now();
      const results = await pool.evaluate(subjects);
      figures.parallelMs.push(performance.now() - t);
      const parallelCpu = cpuSince(cpu);
      if (parallelCpu) figures.parallelCpu.push(parallelCpu);
      agree(
        'the parallel sweep',
        results.reduce((n, r) => n + r.violations.length, 0),
      );
    } finally {
      await pool.close();
    }
    // What two cores of this machine give the anchor itself: the same bare loop on one worker thread,
    // then on `workers` threads at once, each over its share of the contracts.
    const oneThread = await anchorOnThreads(view, subjects, 1, now);
    const threads = await anchorOnThreads(view, subjects, config.workers, now);
    agree('the anchor on one worker thread', oneThread.failures);
    agree(`the anchor on ${config.workers} worker threads`, threads.failures);
    figures.anchorOneThreadMs.push(oneThread.ms);
    figures.anchorThreadsMs.push(threads.ms);
    log(
      `  round ${round}: anchor ${fmtMs(anchor.ms)}, engine ${fmtMs(single.ms)}, sweep ${fmtMs(sweep.ms)}, ` +
        `${config.workers} workers ${fmtMs(figures.parallelMs.at(-1)!)} (+ ${fmtMs(figures.startMs.at(-1)!)} start); ` +
        `anchor on 1 thread ${fmtMs(oneThread.ms)}, on ${config.workers} threads ${fmtMs(threads.ms)}`,
    );
  }
  return figures;
}

async function profileEngine(view: GovernanceView, subjects: Subject[]): Promise<ProfileSummary> {
  const engine = new PolicyEngine();
  const now = new Date();
  for (const s of fresh(subjects.slice(0, 1000))) engine.evaluate(view, s, now);
  const batch = fresh(subjects);
  gc();
  const { summary } = await profile(async () => {
    for (const s of batch) engine.evaluate(view, s, now);
  });
  return summary;
}

// --- the store ---------------------------------------------------------------------------------

const orgKey = (org: Organisation) => JSON.stringify(org.options);

/**
 * A SQLite store holding the organisation's users, domains and contracts: a copy of a pristine one
 * kept from an earlier run (or of the bulk-apply benchmark's store) when it holds the same
 * organisation, else loaded through the catalog's apply in batches. Never timed.
 */
async function preparedStore(
  org: Organisation,
  batch: number,
): Promise<{ store: CatalogStore; home: string }> {
  const base = join(dataDir, 'policy', 'base');
  const marker = join(base, 'bench.json');
  const applied = join(dataDir, 'sqlite');
  if (!(existsSync(marker) && readFileSync(marker, 'utf8') === orgKey(org))) {
    freshDir('policy', 'base');
    const appliedMarker = join(applied, 'bench.json');
    if (existsSync(appliedMarker) && readFileSync(appliedMarker, 'utf8') === orgKey(org)) {
      log('  copying the bulk-apply benchmark store (same organisation)');
      copyFileSync(join(applied, 'charter.db'), join(base, 'charter.db'));
    } else {
      log('  loading a SQLite store with the contracts (not timed)');
      const store = await openStore({ home: base });
      await loadCatalog(store, org, batch, 'SQLite');
      await store.close();
    }
    writeFileSync(marker, orgKey(org));
  }
  const home = freshDir('policy', 'run');
  copyFileSync(join(base, 'charter.db'), join(home, 'charter.db'));
  return { store: await openStore({ home }), home };
}

function check(result: ApplyResult, what: string): void {
  const bad = result.results.find((r) => !['created', 'updated', 'unchanged'].includes(r.status));
  if (!result.applied || bad)
    throw new Error(`${what} was not stored: ${JSON.stringify(bad ?? result.summary).slice(0, 2000)}`);
}

/** Builds dist/ (`npm run build`) unless BENCH_BUILD=0. */
function build(): void {
  if (!envFlag('BENCH_BUILD', true)) return;
  log('  npm run build (the runs on the store use dist/)');
  const result = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
}

interface StoreFigures {
  assets: number;
  workers: number;
  /** Whether the workers read their pages from their own connections (a store another thread can open). */
  workersRead: boolean;
  /** Full compliance runs (read + evaluate), interleaved round by round: one thread, then on workers. */
  singleMs: number[];
  parallelMs: number[];
  /** CPU time of each run by thread: the main thread, and all others (workers, V8 helpers). */
  singleCpu: { main: number; others: number }[];
  parallelCpu: { main: number; others: number }[];
  /**
   * The one-thread run on one core (`taskset -c 0`: V8's GC and compiler threads share that core),
   * as the target reads "a full compliance run on one core"; empty without taskset. The runs on
   * workers are then held to as many cores as workers (`parallelCpus`).
   */
  oneCoreMs: number[];
  oneCoreCpu: { main: number; others: number }[];
  parallelCpus?: string;
  readMs: number;
  failing: number;
  one: { policy: string; matched: number; ms: number }[];
  /**
   * The timed runs list the first 50 failing assets, as `charter compliance` does; these list every
   * one (one run each, after the rounds; with taskset only).
   */
  listAll?: { oneCoreMs: number; parallelMs: number; parallelMainCpu: number | undefined };
  /** The server's background run, in full and after one policy changed (run last: it changes the store). */
  background?: BackgroundRun & { policy: string };
}

/** How a compliance run on `n` threads runs, as the CLI runs it: the calling thread and `n - 1` workers. */
const threadsOf = (n: number) => `${n} threads (this one and ${n - 1} worker${n > 2 ? 's' : ''})`;

/** Linux's `taskset`, which runs a process on the CPUs it is given (absent elsewhere). */
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));

/**
 * One run of bench/policy-compliance.ts in a fresh process on the store in `home`; with `cpus`
 * (e.g. `0` or `0-1`), on those CPUs only, every thread of the process (V8's helpers included).
 */
function complianceRun(home: string, args: string[], cpus?: string, list?: string): ComplianceRun {
  const node = [process.execPath, '--import', 'tsx', join(benchDir, 'policy-compliance.ts'), home, ...args];
  const [command, ...rest] = cpus && taskset ? [taskset, '-c', cpus, ...node] : node;
  const child = spawnSync(command!, rest, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    env: list ? { ...process.env, BENCH_LIST: list } : process.env,
  });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{'))
    throw new Error(`the compliance run failed (exit code ${child.status}): ${child.stdout.slice(-2000)}`);
  return JSON.parse(last) as ComplianceRun;
}

/**
 * The runs on the store, each in a fresh process on the compiled product, as `charter policy
 * compliance` runs: nothing is warm when a run starts, on the main thread or in the workers.
 */
function storeFigures(home: string, policies: string[], config: PolicyConfig): StoreFigures {
  // What a one-thread sweep spends before it evaluates anything: read every page, build the subjects.
  const read = complianceRun(home, ['read']);
  log(`  reading ${fmt(read.assets)} assets and building their subjects: ${fmtMs(read.ms)}`);

  const figures: StoreFigures = {
    assets: 0,
    workers: config.workers,
    workersRead: true,
    singleMs: [],
    parallelMs: [],
    singleCpu: [],
    parallelCpu: [],
    oneCoreMs: [],
    oneCoreCpu: [],
    readMs: read.ms,
    failing: 0,
    one: [],
  };
  let digest: string | undefined;
  let full: ComplianceRun | undefined;
  const pin = taskset !== undefined && cpus().length >= config.workers && config.workers > 1;
  if (pin) figures.parallelCpus = `0-${config.workers - 1}`;
  type Kind = 'single' | 'oneCore' | 'parallel';
  for (let round = 1; round <= config.storeRounds; round++) {
    // Alternating which goes first, so none always meets the machine in the same state.
    const kinds: Kind[] = pin ? ['oneCore', 'single', 'parallel'] : ['single', 'parallel'];
    for (const kind of round % 2 ? kinds : kinds.reverse()) {
      const workers = kind === 'parallel' ? config.workers : 1;
      const run = complianceRun(
        home,
        ['compliance', String(workers)],
        kind === 'oneCore' ? '0' : kind === 'parallel' ? figures.parallelCpus : undefined,
      );
      if (run.changedDuring) throw new Error('the catalog changed during a timed compliance run');
      ({ single: figures.singleMs, oneCore: figures.oneCoreMs, parallel: figures.parallelMs })[kind].push(
        run.ms,
      );
      if (run.cpu)
        ({ single: figures.singleCpu, oneCore: figures.oneCoreCpu, parallel: figures.parallelCpu })[
          kind
        ].push(run.cpu);
      digest ??= run.digest;
      if (run.digest !== digest) throw new Error('compliance on one thread and on workers disagree');
      figures.assets = run.assets;
      figures.failing = run.failing;
      if (kind === 'parallel') full ??= run;
    }
    log(
      `  round ${round}: compliance(), one thread ${fmtMs(figures.singleMs.at(-1)!)}` +
        (pin ? `, one thread on one core ${fmtMs(figures.oneCoreMs.at(-1)!)}` : '') +
        `, ${config.workers} threads ${fmtMs(figures.parallelMs.at(-1)!)} for ${fmt(figures.assets)} assets`,
    );
  }
  if (pin) {
    const oneCore = complianceRun(home, ['compliance', '1'], '0', 'all');
    const parallel = complianceRun(home, ['compliance', String(config.workers)], figures.parallelCpus, 'all');
    if (oneCore.digest !== parallel.digest)
      throw new Error('compliance on one thread and on workers disagree');
    figures.listAll = { oneCoreMs: oneCore.ms, parallelMs: parallel.ms, parallelMainCpu: parallel.cpu?.main };
    log(
      `  listing every failing asset: one thread on one core ${fmtMs(oneCore.ms)}, ${config.workers} threads ${fmtMs(parallel.ms)}`,
    );
  }
  for (const policy of policies) {
    const run = complianceRun(home, ['compliance', String(config.workers), policy]);
    const stats = run.byPolicy.find((p) => p.policy === policy);
    const inFull = full?.byPolicy.find((p) => p.policy === policy);
    if (!stats || stats.matched !== inFull?.matched || stats.failing !== inFull.failing)
      throw new Error(`compliance({policy: '${policy}'}) disagrees with the full sweep`);
    figures.one.push({ policy, matched: stats.matched, ms: run.ms });
    log(`  compliance({policy: '${policy}'}): ${fmtMs(run.ms)}, ${fmt(stats.matched)} assets matched`);
  }
  return figures;
}

/** Runs bench/policy-admission.ts in a child process against the store in `home`. */
function measureAdmission(home: string, domain: string, config: PolicyConfig): AdmissionFigures {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(benchDir, 'policy-admission.ts'),
      home,
      domain,
      String(config.admissions),
      String(config.admissionFields),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
  );
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{'))
    throw new Error(`the admission run failed (exit code ${child.status}): ${child.stdout.slice(-2000)}`);
  return JSON.parse(last) as AdmissionFigures;
}

// --- the report --------------------------------------------------------------------------------

function profileTable(cpu: ProfileSummary): string {
  const share = (ms: number) => `${fmt((ms / cpu.totalMs) * 100, 1)}%`;
  return table(
    ['Area', 'Self time', 'Share'],
    cpu.areas.slice(0, 10).map((a) => [a.area, fmtMs(a.selfMs), share(a.selfMs)]),
  );
}

export async function runPolicyBench(
  org: Organisation,
  config: PolicyConfig,
  machine: Machine,
  command: string,
): Promise<Section> {
  const loadAtStart = loadavg()[0] ?? 0;
  const started = performance.now();
  const n = org.contracts.length;
  const domains = org.setup
    .map((d) => d.doc as Json)
    .filter((doc) => doc.kind === 'Domain')
    .map((doc) => (doc.metadata as Json).name as string);
  log(
    `Policies: ${POLICY_COUNT} policies over ${fmt(n)} contracts of ${org.options.fieldsPerContract} fields`,
  );

  ensureDataDir('policy');
  build();
  const { store, home } = await preparedStore(org, config.batch);
  let closed = false;
  let section: Section;
  try {
    const platform = createPlatform(store, { actor: DATA_OFFICE });
    check(
      await platform.catalog.apply({ docs: governanceDocs(domains), problems: [] }),
      'the charter and policies',
    );
    const view = await loadView(store);
    if (view.policies.size !== POLICY_COUNT)
      throw new Error(`expected ${POLICY_COUNT} policies in the store`);
    const subjects = subjectsOf(view, org);

    log(`  in memory, ${config.rounds} rounds`);
    const memory = await memoryFigures(view, subjects, config);
    const cpu = config.profileContracts
      ? await profileEngine(view, subjects.slice(0, config.profileContracts))
      : undefined;

    log('  on SQLite (the compiled product, each run in a fresh process)');
    const onePolicies = [
      'policy:field-name-snake-case',
      `policy:${domains[3 % domains.length]}/payments-contracts-classified`,
    ];
    const stored = storeFigures(home, onePolicies, config);

    log(`  admission: ${fmt(config.admissions)} applies of a ${config.admissionFields}-field contract`);
    // In a process of its own, as a server would apply it: this one holds every generated contract.
    await store.close();
    closed = true;
    const admission = measureAdmission(home, domains[1 % domains.length]!, config);
    const changed = onePolicies[1]!;
    log(
      `  background compliance: in full, then after ${changed} changed, then after 1,000 contracts changed`,
    );
    const background = complianceRun(home, [
      'background',
      String(config.workers),
      changed,
    ]) as unknown as BackgroundRun;
    if (!background.equal)
      throw new Error('the background run after a policy change disagrees with a full run');
    if (!background.assets.equal)
      throw new Error('the background run after contracts changed disagrees with a full run');
    stored.background = { ...background, policy: changed };

    section = report(org, config, memory, cpu, stored, admission, machine, command, loadAtStart);
  } finally {
    if (!closed) await store.close();
  }
  log(`Policies: done in ${fmtMs(performance.now() - started)}`);
  return section;
}

/**
 * What the CPU time says, whatever else ran on the machine: the parallel sweep's CPU against the
 * one-thread sweep's, and the speed-up that allows when every core is free for it.
 */
function cpuSplit(m: MemoryFigures, machine: Machine) {
  if (!m.sweepCpu.length || !m.parallelCpu.length) return undefined;
  // Both runs count every thread: V8's GC and compiler threads help the one-thread sweep too.
  const one = median(m.sweepCpu.map((c) => c.main + c.others));
  const main = median(m.parallelCpu.map((c) => c.main));
  const others = median(m.parallelCpu.map((c) => c.others));
  const cores = Math.min(machine.nproc, m.workers + 1);
  const ceiling = one / Math.max((main + others) / cores, others / m.workers);
  return { one, main, others, cores, ceiling };
}

function cpuRows(m: MemoryFigures, machine: Machine): Row[] {
  const split = cpuSplit(m, machine);
  if (!split) return [];
  const { one, main, others, cores, ceiling } = split;
  return [
    {
      figure: `CPU time of the ${m.workers}-worker sweep: main thread (JSON in and out) + other threads (workers, V8 helpers)`,
      measured: `${fmtMs(main)} + ${fmtMs(others)} = ${fmtMs(main + others)}`,
      anchor: `${fmtMs(one)} (one-thread sweep, all threads)`,
      ratio: `${fmtRatio(ceiling)} ceiling on ${cores} idle cores`,
    },
  ];
}

/** What the figures of this run say, worked out from them (the section is rewritten by every run). */
function notes(
  m: MemoryFigures,
  cpu: ProfileSummary | undefined,
  s: StoreFigures,
  a: AdmissionFigures,
  machine: Machine,
  loadAtStart: number,
): string {
  const out: string[] = [];
  const load = Math.max(loadAtStart, loadavg()[0] ?? 0);
  if (load > machine.nproc) {
    const spread = (values: number[]) => Math.max(...values) / Math.min(...values);
    out.push(
      `**The machine was shared** (1-minute load average up to ${fmt(load, 1)} on ${machine.nproc} CPUs): wall-clock ` +
        `figures are low and moved by up to ${fmtRatio(Math.max(spread(m.anchorMs), spread(m.engineMs), spread(m.parallelMs)))} ` +
        'between rounds. CPU times are steadier, though contention inflates them too; compare ratios within this run.',
    );
  }
  const anchorCpu = m.anchorCpu.length ? median(m.anchorCpu) : median(m.anchorMs);
  const engineCpu = m.engineCpu.length ? median(m.engineCpu) : median(m.engineMs);
  const celShare = cpu?.areas.find((x) => x.area.includes('@marcbachmann/cel-js'));
  out.push(
    `**Engine overhead ${fmtRatio(engineCpu / anchorCpu)} of the bare loop** (target ≤ ${TARGET_OVERHEAD}×)` +
      (celShare && cpu
        ? `: rule evaluation in cel-js is ${fmt((celShare.selfMs / cpu.totalMs) * 100)}% of the engine's CPU time; the rest is ` +
          'matching, the variables, the cost estimate, and violations with their messages, which the anchor does not build.'
        : '.'),
  );
  const single = median(s.singleMs);
  const parallel = median(s.parallelMs);
  const speedup = single / parallel;
  const main = s.parallelCpu.length ? median(s.parallelCpu.map((c) => c.main)) : undefined;
  const others = s.parallelCpu.length ? median(s.parallelCpu.map((c) => c.others)) : undefined;
  const oneCpu = s.singleCpu.length ? median(s.singleCpu.map((c) => c.main + c.others)) : undefined;
  const oneCore = s.oneCoreMs.length ? median(s.oneCoreMs) : undefined;
  const singleOthers = s.singleCpu.length ? median(s.singleCpu.map((c) => c.others)) : undefined;
  out.push(
    (oneCore === undefined
      ? `**${threadsOf(s.workers)}: ${fmtRatio(speedup)} the one-thread compliance run** (target ≥ ${TARGET_PARALLEL}×), `
      : `**${threadsOf(s.workers)} on ${s.workers} cores: ${fmtRatio(oneCore / parallel)} the one-thread compliance run on one core** ` +
        `(target ≥ ${TARGET_PARALLEL}×; ${fmtMs(parallel)} against ${fmtMs(oneCore)}). Left free to use every core, the ` +
        `one-thread run took ${fmtMs(single)}` +
        (singleOthers === undefined
          ? ''
          : `, because V8's garbage collector and compiler threads ran beside it (${fmtMs(singleOthers)} of CPU off its main thread)`) +
        `: against that run the ${s.workers} threads are ${fmtRatio(speedup)} as fast. `) +
      `Reading included, ${fmt(s.assets)} assets, medians of ` +
      `${s.singleMs.length} interleaved rounds` +
      (s.workersRead
        ? '; the calling thread and the worker each take the next page from one queue when they finish one, the worker reads it from its own connection and sends back only its tally'
        : '; this thread read the pages (a store no other thread can open)') +
      (main !== undefined && others !== undefined && oneCpu !== undefined
        ? `. CPU: the main thread ${fmtMs(main)} (its pages, handing out pages, adding up the tallies), the other threads ` +
          `${fmtMs(others)} (the worker, V8 helpers), against ${fmtMs(oneCpu)} for the one-thread run (all threads): ` +
          `a total that allows ${fmtRatio(oneCpu / ((main + others) / Math.min(machine.nproc, s.workers)))} ` +
          `on ${Math.min(machine.nproc, s.workers)} idle cores.`
        : '.'),
  );
  if (s.listAll && oneCore !== undefined) {
    const l = s.listAll;
    out.push(
      `**The runs above list the first 50 failing assets**, as \`charter compliance\` does (the counts cover every ` +
        `asset; a worker whose page falls past the first 50 sends back its counts only). Listing all ` +
        `${fmt(s.failing)} failing assets with their violations (\`--limit all\`, one run each): one thread on one ` +
        `core ${fmtMs(l.oneCoreMs)}, ${s.workers} threads ${fmtMs(l.parallelMs)} (${fmtRatio(l.oneCoreMs / l.parallelMs)}` +
        (l.parallelMainCpu !== undefined ? `; the main thread ${fmtMs(l.parallelMainCpu)} of CPU` : '') +
        ').',
    );
  }
  const split = cpuSplit(m, machine);
  const memory = median(m.sweepMs) / median(m.parallelMs);
  const anchorSpeedup = median(m.anchorOneThreadMs) / median(m.anchorThreadsMs);
  out.push(
    `**The anchor itself runs ${fmtRatio(anchorSpeedup)} as fast on ${m.workers} threads as on one** (the bare loop, ` +
      'each thread over its share, nothing sent between them): what two cores of this machine give this workload. ' +
      `The compliance run on ${m.workers} threads reaches ${fmt((speedup / anchorSpeedup) * 100)}% of that.`,
  );
  out.push(
    `**In memory** (no reading: the subjects sent to the workers as JSON), ${m.workers} workers evaluate ` +
      `${fmtRatio(memory)} as fast as one thread` +
      (split
        ? `; the main thread spends ${fmtMs(split.main)} turning contracts into JSON and results back, on the same ` +
          `cores, and their CPU split allows ${fmtRatio(split.ceiling)} on ${split.cores} idle cores.`
        : '.'),
  );
  const one = s.one.map((o) => `${fmtMs(o.ms)} for ${fmt(o.matched)} matched assets`).join(', ');
  out.push(
    `**Reading**: reading the ${fmt(s.assets)} assets and building their subjects on one thread alone takes ` +
      `${fmtMs(s.readMs)} (the one-thread run: ${fmtMs(single)}). A one-policy run reads only the kinds and domains ` +
      `that policy can apply to and counts only the assets it matches (${one}).`,
  );
  if (s.background) {
    const b = s.background;
    out.push(
      `**When one policy or a batch of contracts changes**, the server's background run evaluates only what ` +
        `changed and counts anew from where it left every asset: after a new version of \`${b.policy}\` (${fmt(b.matched)} matched assets) it took ` +
        `${fmtMs(b.changedMs)}, against ${fmtMs(b.fullMs)} for its first, full run and ${fmtMs(b.checkMs)} for the ` +
        `full run it was checked against (the same counts). After ${fmt(b.assets.count)} contracts were applied ` +
        `again in one batch (a new purpose each), the run that followed evaluated those alone and took ` +
        `${fmtMs(b.assets.ms)} (the same counts as a full run).`,
    );
  }
  const p = summarize(a.policyMs);
  const c = summarize(a.policyCpuMs);
  const e = summarize(a.evaluateMs);
  out.push(
    `**Admission**: policy time p50 ${fmtMs(p.p50)}, p99 ${fmtMs(p.p99)} wall (${fmtMs(c.p99)} CPU; target p99 ≤ ` +
      `${TARGET_ADMISSION_P99_MS} ms), of which evaluating the 50 policies p50 ${fmtMs(e.p50)}. The governance view is ` +
      'kept between applies and reloaded only after a governance change in the audit log; the tail is the time other ' +
      'processes held the CPU and garbage collection.',
  );
  return out.map((line) => `- ${line}`).join('\n');
}

function report(
  org: Organisation,
  config: PolicyConfig,
  m: MemoryFigures,
  cpu: ProfileSummary | undefined,
  s: StoreFigures,
  a: AdmissionFigures,
  machine: Machine,
  command: string,
  loadAtStart: number,
): Section {
  const n = m.contracts;
  const anchor = median(m.anchorMs);
  const engine = median(m.engineMs);
  const sweep = median(m.sweepMs);
  const parallel = median(m.parallelMs);
  const start = median(m.startMs);
  const anchorOneThread = median(m.anchorOneThreadMs);
  const anchorThreads = median(m.anchorThreadsMs);
  // On a shared machine the thread's CPU time is what a core to itself would take; wall time also
  // counts the time other processes held the CPU. The overhead is judged on CPU time when known.
  const anchorCpu = m.anchorCpu.length ? median(m.anchorCpu) : undefined;
  const engineCpu = m.engineCpu.length ? median(m.engineCpu) : undefined;
  const wallOverhead = engine / anchor;
  const overhead = anchorCpu && engineCpu ? engineCpu / anchorCpu : wallOverhead;
  const speedup = sweep / parallel;
  const speedupWithStart = sweep / (parallel + start);
  const rate = (ms: number) => `${fmt(perSecond(n, ms))} contracts/s`;
  const rounds = (values: number[]) => values.map((v) => fmtMs(v)).join(', ');
  const withCpu = (wall: number, cpu: number | undefined) =>
    `${rate(wall)} (${fmtMs(wall)}${cpu ? `; CPU ${fmtMs(cpu)}, ${rate(cpu)}` : ''})`;

  const sweepRows: Row[] = [
    {
      figure: 'Anchor: compiled CEL programs in a bare loop, one core',
      measured: withCpu(anchor, anchorCpu),
    },
    {
      figure: 'Engine, one thread (`PolicyEngine.evaluate` per contract)',
      measured: withCpu(engine, engineCpu),
      target: `≤ ${TARGET_OVERHEAD}× the anchor`,
      anchor: anchorCpu ? `${fmtMs(anchorCpu)} CPU` : fmtMs(anchor),
      ratio: anchorCpu ? `${fmtRatio(overhead)} CPU (${fmtRatio(wallOverhead)} wall)` : fmtRatio(overhead),
      pass: overhead <= TARGET_OVERHEAD,
    },
    {
      figure: 'Sweep, one thread (`evaluateSubjects`, what each worker runs)',
      measured: `${rate(sweep)} (${fmtMs(sweep)})`,
      anchor: fmtMs(anchor),
      ratio: fmtRatio(sweep / anchor),
    },
    {
      figure: `Sweep, ${m.workers} worker threads (\`SweepPool\` sent the subjects, workers started)`,
      measured: `${rate(parallel)} (${fmtMs(parallel)})`,
      anchor: `${fmtMs(sweep)} (one thread)`,
      ratio: `${fmtRatio(speedup)} faster`,
    },
    ...cpuRows(m, machine),
    {
      figure: `Anchor on ${m.workers} worker threads at once, each over its share (what ${m.workers} cores of this machine give this workload)`,
      measured: `${rate(anchorThreads)} (${fmtMs(anchorThreads)})`,
      anchor: `${fmtMs(anchorOneThread)} (the anchor on one worker thread)`,
      ratio: `${fmtRatio(anchorOneThread / anchorThreads)} faster`,
    },
    {
      figure: `Sweep, ${m.workers} worker threads, counting their start`,
      measured: `${rate(parallel + start)} (${fmtMs(parallel + start)}; start ${fmtMs(start)})`,
      anchor: `${fmtMs(sweep)} (one thread)`,
      ratio: `${fmtRatio(speedupWithStart)} faster`,
    },
  ];

  const storeSingle = median(s.singleMs);
  const storeParallel = median(s.parallelMs);
  const storeSpeedup = storeSingle / storeParallel;
  const storeOneCore = s.oneCoreMs.length ? median(s.oneCoreMs) : undefined;
  const cpuOf = (runs: { main: number; others: number }[]) =>
    runs.length
      ? `; CPU ${fmtMs(median(runs.map((c) => c.main)))} main thread + ${fmtMs(median(runs.map((c) => c.others)))} others`
      : '';
  const one = s.one.map((o) => ({
    figure: `\`compliance({policy: '${o.policy}'})\`, ${s.workers} threads (${fmt(o.matched)} assets matched)`,
    measured: fmtMs(o.ms),
    anchor: `${fmtMs(storeParallel)} (full run, ${s.workers} threads)`,
    ratio: `${fmt((o.ms / storeParallel) * 100)}% of it`,
  }));
  const storeRows: Row[] = [
    {
      figure: '`governance.compliance()`, one thread (`workers: 1`): read + evaluate',
      measured: `${fmt(perSecond(s.assets, storeSingle))} assets/s (${fmtMs(storeSingle)}${cpuOf(s.singleCpu)})`,
      anchor: `${fmtMs(s.readMs)} (reading alone)`,
      ratio: fmtRatio(storeSingle / s.readMs),
    },
    ...(storeOneCore === undefined
      ? []
      : [
          {
            figure: '`governance.compliance()`, one thread on one core (`taskset -c 0`): read + evaluate',
            measured: `${fmt(perSecond(s.assets, storeOneCore))} assets/s (${fmtMs(storeOneCore)}${cpuOf(s.oneCoreCpu)})`,
            anchor: `${fmtMs(storeSingle)} (one thread, V8's helper threads on the other cores)`,
            ratio: fmtRatio(storeOneCore / storeSingle),
          },
        ]),
    {
      figure: `\`governance.compliance()\`, ${threadsOf(s.workers)} ${s.workersRead ? 'reading their own pages' : '(this thread reads)'}${s.parallelCpus ? ` on ${s.workers} cores (\`taskset -c ${s.parallelCpus}\`)` : ''}: read + evaluate`,
      measured: `${fmt(perSecond(s.assets, storeParallel))} assets/s (${fmtMs(storeParallel)}${cpuOf(s.parallelCpu)})`,
      target: `≥ ${TARGET_PARALLEL}× ${storeOneCore === undefined ? 'one thread' : 'one core'}`,
      anchor:
        storeOneCore === undefined
          ? `${fmtMs(storeSingle)} (one thread)`
          : `${fmtMs(storeOneCore)} (one thread on one core)`,
      ratio: `${fmtRatio((storeOneCore ?? storeSingle) / storeParallel)} faster`,
      pass: (storeOneCore ?? storeSingle) / storeParallel >= TARGET_PARALLEL,
    },
    ...(storeOneCore === undefined
      ? []
      : [
          {
            figure: `The same ${s.workers} threads against the one-thread run on all cores`,
            measured: `${fmtMs(storeParallel)}`,
            anchor: `${fmtMs(storeSingle)} (one thread, V8's helper threads on the other cores)`,
            ratio: `${fmtRatio(storeSpeedup)} faster`,
          },
        ]),
    {
      figure: 'Reading the assets and building their subjects on one thread (no evaluation)',
      measured: `${fmt(perSecond(s.assets, s.readMs))} assets/s (${fmtMs(s.readMs)})`,
    },
    ...one,
  ];

  const p = summarize(a.policyMs);
  const v = summarize(a.validateMs);
  const e = summarize(a.evaluateMs);
  const total = summarize(a.applyMs);
  const storage = summarize(a.applyMs.map((ms, i) => ms - a.policyMs[i]!));
  const admissionRows: Row[] = [
    {
      figure: 'Policy time (the policy plugin’s `admit`), p99',
      measured: fmtMs(p.p99),
      target: `≤ ${TARGET_ADMISSION_P99_MS} ms`,
      pass: p.p99 <= TARGET_ADMISSION_P99_MS,
    },
  ];
  const split = table(
    ['Step', 'p50', 'p95', 'p99', 'max'],
    [
      ['Validation (`dataContractKind.validate`, timed beside the apply)', v],
      ['Policy (`admit` inside the apply)', p],
      ['… the same, CPU time of the process', summarize(a.policyCpuMs)],
      ['… of which evaluating the 50 policies (`PolicyEngine.evaluate`)', e],
      ['Rest of the apply: normalize, digest, resolve, store, audit (apply − policy)', storage],
      ['Whole `catalog.apply`', total],
    ].map(([label, x]) => {
      const f = x as ReturnType<typeof summarize>;
      return [label as string, fmtMs(f.p50), fmtMs(f.p95), fmtMs(f.p99), fmtMs(f.max)];
    }),
  );
  const decisions = Object.entries(a.decisions)
    .map(([d, c]) => `${fmt(c)} ${d}`)
    .join(', ');

  const markdown = `## Policies

${runLine(command, machine, loadAtStart)}

${notes(m, cpu, s, a, machine, loadAtStart)}

${fmt(POLICY_COUNT)} policies (25 asset-scope, 25 field-scope; three of them domain policies, two matching on
classification) written like the starter charter in \`examples/org/policies\` — \`has()\`, \`exists()\`/\`all()\`,
\`classificationRank()\`, \`cel.bind\`, \`matches()\`, \`startsWith\`/\`endsWith\`/\`contains\`, \`size()\`, \`in\` (see
\`bench/policy-generate.ts\`), over ${fmt(n)} generated ODCS contracts of ${org.options.fieldsPerContract} fields
(\`bench/generate.ts\`) in ${org.options.domains} domains: ${fmt(m.evaluations)} rule evaluations per sweep, of which
${fmt(m.violations)} fail (false, or an error: one policy fails at run time on certified fields by design).
Every variant below finds exactly that many; the run stops if one does not.

### Sweep in memory

The median of ${config.rounds} rounds; in each round the four run one after the other on the same documents.

- **Anchor**: the policies' compiled CEL programs (\`compileRule\` in \`src/policy/cel.ts\`, the very objects
  the engine runs) called in a hand-written loop: per contract one context object, the asset-scope rules once,
  the field-scope rules once per field with \`field\` and \`table\` swapped in. What it needs per domain (the
  rules that apply, the domain and principals) is worked out before the clock starts; it counts failures and
  builds no violations.
- **Engine**: \`PolicyEngine.evaluate(view, subject)\` per contract, as admission calls it: effective policy set,
  matching, bindings, cost estimate, violations with interpolated messages, waivers.
- **Sweep**: \`evaluateSubjects\` (\`src/policy/sweep.ts\`), the function each worker runs, and \`SweepPool\` with
  ${m.workers} workers sent the subjects: the contracts go to the workers in batches of 250 as JSON text (about half
  the cost of a structured clone of the same documents), at most four batches queued per worker; the violations
  come back the same way, with the matched policies as indices. This is the path of a store no other thread can
  open (SQLite in memory) and of a restricted caller; the target is judged on the compliance run below. The
  ceiling row divides the one-thread sweep's CPU time by the parallel sweep's spread over the cores: the speed-up
  that CPU split allows when no other work runs.

Wall time counts the time other processes held the CPUs; CPU time is the thread's own (Linux \`/proc\`),
what a core to itself would take, and the engine's overhead is judged on it.

${figuresTable(sweepRows)}

Rounds — anchor: ${rounds(m.anchorMs)}; engine: ${rounds(m.engineMs)}; sweep on one thread: ${rounds(m.sweepMs)};
on ${m.workers} workers: ${rounds(m.parallelMs)} (worker start: ${rounds(m.startMs)}).
${
  cpu
    ? `
Where the engine's time goes (CPU profile of \`PolicyEngine.evaluate\` over ${fmt(config.profileContracts)} contracts, a
separate run; the package \`@marcbachmann/cel-js\` is the rule evaluation itself):

${profileTable(cpu)}
`
    : ''
}
### Compliance on SQLite

${fmt(s.assets)} assets (the contracts plus the domains) in a SQLite file store, loaded with the catalog's
\`apply\` in batches of ${fmt(config.batch)} before the policies were applied (not timed). These runs use the
compiled product (\`dist/\`, built by \`npm run build\` when the benchmark starts; \`BENCH_BUILD=0\` uses it as
it is), each run in a fresh process (\`bench/policy-compliance.ts\`), as \`charter compliance\` runs: nothing
is warm when a run starts, on the main thread or in the workers (from source, each worker would also first
compile TypeScript). \`compliance()\` plans
pages of 2,000 assets (per kind, and per domain for a large kind) from the store's counts. On ${s.workers} threads
(as the CLI runs it: the calling thread and ${s.workers - 1} worker${s.workers > 2 ? 's' : ''}), each takes the next page from one queue whenever it
finishes one; a worker opens its own read-only connection to the file, reads the page, builds the subjects,
evaluates them and sends back only the page's tally (counts, and the failing assets with their violations); the
calling thread does the same with its own pages (and gives the worker's replies a turn every 64 assets), and adds
the tallies up in page order. On one thread the same pages
are read and evaluated in turn. Catalogs of up to 20,000 assets are evaluated on the calling thread.
${
  s.oneCoreMs.length
    ? `The target reads "a full compliance run on one core": the one-thread run is also measured held to one CPU
with \`taskset -c 0\`, so that V8's garbage collector and compiler threads share that core instead of running
on another, and the runs on ${s.workers} threads are held to ${s.workers} CPUs (\`taskset -c ${s.parallelCpus}\`).
`
    : ''
}${fmt(s.failing)} assets fail at least one policy; every run must produce the same report (a digest of each
run is compared), and the run stops if one does not. The runs alternate, ${s.singleMs.length} rounds each
(one thread: ${s.singleMs.map((v) => fmtMs(v)).join(', ')}${
    s.oneCoreMs.length ? `; one thread on one core: ${s.oneCoreMs.map((v) => fmtMs(v)).join(', ')}` : ''
  }; ${s.workers} threads: ${s.parallelMs.map((v) => fmtMs(v)).join(', ')}). A one-policy run evaluates only that policy, over the assets it
matches: it reads only the kinds and the domains the policy can apply to (a domain policy, its subtree), and its
report counts only the assets it matched.

${figuresTable(storeRows)}

### Admission latency

${fmt(a.count)} applies (after 50 untimed ones) of changed versions of one ${a.fields}-field contract through
\`createPlatform(store).catalog.apply\`, against the ${fmt(POLICY_COUNT)} policies, on the store above, in a
process of its own (\`bench/policy-admission.ts\`) as a server or the CLI would apply it; each version is
stored (${decisions}). The policy time is the policy plugin's \`admit\`, wrapped, inside the real apply: it
checks the audit log for governance changes since it last loaded the governance view (charter, domains, teams,
users, policies, waivers; one query, reloading only after such a change), evaluates the policies and decides.
Validation is the kind's schema check of the same document, timed beside the apply; the evaluation row is
\`PolicyEngine.evaluate\` alone.

${figuresTable(admissionRows)}

${split}
`;
  return { id: 'policy', markdown };
}

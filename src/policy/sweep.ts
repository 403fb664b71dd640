/**
 * Compliance sweeps: every subject evaluated against the effective policies of its domain, on this
 * thread or over worker threads that each compile the view's policies once. Workers are sent either
 * the subjects (read here) or pages to read from their own connection to the store and tally
 * themselves. Every path runs `evaluateSubject`, so a parallel sweep returns exactly what the
 * single-threaded one does, in the order the subjects or pages were given.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Violation } from '../model/violation.js';
import type { AssetWithDoc, CatalogStore, ReadConnection } from '../store/catalog-store.js';
import {
  ComplianceTally,
  decodeTally,
  type SweepFilter,
  sweepItem,
  type TallyData,
} from './compliance-tally.js';
import {
  applyWaivers,
  bindings,
  type EvaluationContext,
  evaluateMatched,
  type FieldBinding,
  fieldBindings,
  matches,
  type Subject,
} from './evaluate.js';
import type { GovernanceView } from './governance-view.js';
import type { PolicyEngine } from './policy-engine.js';

/** What one subject's evaluation found: violations (waived ones marked) and the policies that matched it. */
export interface SubjectResult {
  violations: Violation[];
  matched: readonly string[];
}

export interface SweepOptions {
  now: Date;
  /** Only this policy (a ref): the others are neither matched nor run. */
  policy?: string;
}

/** Evaluates one subject against the effective policies of its domain (or only `options.policy`). */
export function evaluateSubject(
  engine: PolicyEngine,
  view: GovernanceView,
  subject: Subject,
  options: SweepOptions,
): SubjectResult {
  const ctx: EvaluationContext = { view, now: options.now };
  const scopeDomain =
    subject.kind === 'Domain' ? ((subject.doc.metadata as { name: string }).name ?? null) : subject.domain;
  const matched: string[] = [];
  const violations: Violation[] = [];
  // Fields and bindings are worked out only for an asset some policy matches.
  let fields: FieldBinding[] | undefined;
  let base: ReturnType<typeof bindings> | undefined;
  for (const { policy } of engine.effective(view, scopeDomain)) {
    if (options.policy && policy.ref !== options.policy) continue;
    if (!policy.kinds.has(subject.kind)) continue;
    fields ??= fieldBindings(subject.doc);
    if (!matches(policy, subject, view, fields)) continue;
    matched.push(policy.ref);
    base ??= bindings(subject, ctx);
    for (const v of evaluateMatched(policy, subject, ctx, fields, base)) violations.push(v);
  }
  return { violations: applyWaivers(view, violations), matched };
}

/** The single-threaded sweep. */
export function evaluateSubjects(
  engine: PolicyEngine,
  view: GovernanceView,
  subjects: readonly Subject[],
  options: SweepOptions,
): SubjectResult[] {
  return subjects.map((s) => evaluateSubject(engine, view, s, options));
}

/** Assets evaluated between two turns of the event loop when the calling thread sweeps a page itself. */
const TURN = 64;

/**
 * The tally of one page, read from `store` and evaluated on this thread: what a reading worker does
 * with each page it is handed, and what the calling thread does with the pages it takes itself.
 * `yielding` gives the event loop a turn every few assets, so that a thread which also hands pages
 * to workers answers them while it evaluates its own (a worker waits for its next page otherwise).
 */
export async function tallyPage(
  store: CatalogStore,
  engine: PolicyEngine,
  view: GovernanceView,
  request: PageRequest,
  read: { filter: SweepFilter; pageSize: number },
  options: SweepOptions,
  yielding = false,
): Promise<TallyData> {
  const tally = new ComplianceTally(options.policy, request.keep, request.standing);
  for await (const assets of readPage(store, request.page, read.pageSize)) {
    for (let i = 0; i < assets.length; i++) {
      if (yielding && i % TURN === TURN - 1) await new Promise<void>((resolve) => setImmediate(resolve));
      tally.scanned += 1;
      const item = sweepItem(view, assets[i]!, read.filter);
      if (item) tally.record(item, evaluateSubject(engine, view, item.subject, options));
    }
  }
  return tally.toJSON();
}

/** What the main thread sends a sweep worker when it starts (structured clone of plain data). */
export interface SweepWorkerData {
  view: GovernanceView;
  now: Date;
  policy?: string;
  /** Set when the worker reads its pages itself. */
  read?: SweepReading;
}

/** How sweep workers read for themselves: their own connection, and which assets they count. */
export interface SweepReading {
  /** Carries the database URL (and its password, if any): never logged or put in an error. */
  connection: ReadConnection;
  filter: SweepFilter;
  /** Assets per page (as `planPages` was given). */
  pageSize: number;
}

/** A page to tally, and how many of its failing assets to list at most (`keep`). */
export interface PageRequest {
  page: SweepPage;
  keep: number;
  standing: boolean;
}

/**
 * Subjects and results cross between threads as JSON text, which costs about half of a structured
 * clone of the same plain documents on each side. A subject's matched policies travel as a key of
 * indices into the view's sorted policy refs; assets of one domain mostly share their matched set,
 * so the receiving side decodes each distinct key once and those results share one (read-only) list.
 */
export type SweepRequest =
  | { id: number; subjects: string }
  | ({ id: number } & PageRequest)
  | { id: number; close: true };
export type SweepReply =
  | { id: number; results: string }
  | { id: number; tally: string }
  | { id: number; error: string };
type WireResult = [violations: Violation[], matched: string];

/** The view's policy refs in the order both sides index them. */
export function policyRefs(view: GovernanceView): string[] {
  return [...view.policies.keys()].sort();
}

export function encodeResults(results: readonly SubjectResult[], refs: readonly string[]): string {
  const index = new Map(refs.map((ref, i) => [ref, i]));
  return JSON.stringify(
    results.map((r): WireResult => [r.violations, r.matched.map((m) => index.get(m)!).join(',')]),
  );
}

export function decodeResults(
  text: string,
  refs: readonly string[],
  lists = new Map<string, readonly string[]>(),
): SubjectResult[] {
  return (JSON.parse(text) as WireResult[]).map(([violations, key]) => {
    let matched = lists.get(key);
    if (!matched) {
      matched = key ? key.split(',').map((i) => refs[Number(i)]!) : [];
      lists.set(key, matched);
    }
    return { violations, matched };
  });
}

export interface PoolOptions extends SweepOptions {
  /** Worker threads (default: the CPUs available to this process). */
  workers?: number;
  /** Subjects per message to a worker (default 250). */
  batch?: number;
  /** Workers read pages from the store themselves (`tally`) instead of being sent subjects. */
  read?: SweepReading;
}

// From dist/ the worker is the compiled .js beside this file; from source (vitest, tsx) it is the
// .ts file, which Node runs only with tsx's loader.
const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSource ? './sweep-worker.ts' : './sweep-worker.js', import.meta.url);

/**
 * tsx's ESM API (as `import` resolves it; vitest has no import.meta.resolve), which a worker run from
 * TypeScript registers before it imports its file (the policy benchmark's workers too).
 */
export function tsxEsmApi(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(pkg, 'utf8')).exports as Record<
    string,
    { import: { default: string } }
  >;
  return pathToFileURL(join(dirname(pkg), exports['./esm/api']!.import.default)).href;
}

/**
 * A sweep worker's young generation. A worker holds a page of parsed documents and their subjects
 * while it evaluates them; with V8's default young generation much of that outlives a scavenge and
 * is promoted, and collecting it again costs the worker a fifth more CPU over a 100,000-contract
 * sweep (measured: 14-15 s instead of 17-20 s per worker). The space is taken only as it fills
 * and given back when the sweep's workers stop.
 */
const YOUNG_GENERATION_MB = 192;

function startWorker(workerData: SweepWorkerData): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
  if (!fromSource) return new Worker(workerUrl, { workerData, resourceLimits });
  // Node 20 ignores loader flags such as `--import tsx` in a worker's execArgv (nodejs/node#47747),
  // so a worker run from source registers tsx's hooks itself before it imports the TypeScript file.
  const code = `import(${JSON.stringify(tsxEsmApi())})
    .then((tsx) => tsx.register())
    .then(() => import(${JSON.stringify(workerUrl.href)}))`;
  return new Worker(code, { eval: true, workerData, execArgv: [], resourceLimits });
}

const MAX_QUEUED = 4;

interface Pending {
  resolve: (reply: SweepReply) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Batches sent and not yet answered. */
  inFlight: number;
  exited: boolean;
}

/** How long a reading worker may take to close its connection before it is terminated. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * A set of worker threads evaluating subjects against one view. Each `evaluate` call is split in
 * batches handed to the least busy worker, with at most four batches queued per worker: enough to
 * keep the workers busy while the main thread reads the next page from a store (a synchronous read
 * on SQLite), few enough that it never clones far ahead of what the workers can take. A pool started
 * with `read` instead sweeps pages that its workers read from their own connections (`tally`).
 */
export class SweepPool {
  private readonly slots: Slot[];
  private readonly pending = new Map<number, Pending & { slot: Slot }>();
  private readonly waiting: (() => void)[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private readonly batch: number;
  private readonly refs: string[];
  private readonly lists = new Map<string, readonly string[]>();
  private readonly reading: boolean;

  constructor(view: GovernanceView, options: PoolOptions) {
    const count = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
    this.batch = Math.max(1, Math.floor(options.batch ?? 250));
    this.refs = policyRefs(view);
    const workerData: SweepWorkerData = { view, now: options.now };
    if (options.policy) workerData.policy = options.policy;
    if (options.read) workerData.read = options.read;
    this.reading = Boolean(options.read);
    this.slots = [];
    for (let i = 0; i < count; i++) {
      const worker = startWorker(workerData);
      const slot: Slot = { worker, inFlight: 0, exited: false };
      worker.on('message', (reply: SweepReply) => this.settle(slot, reply));
      // A worker's error names what failed, never the connection it was given.
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        slot.exited = true;
        if (code !== 0) this.fail(new Error(`A policy sweep worker stopped with exit code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  get workers(): number {
    return this.slots.length;
  }

  /** Evaluates the subjects (plain JSON documents) on the workers; the results come back in their order. */
  async evaluate(subjects: readonly Subject[]): Promise<SubjectResult[]> {
    const parts: Promise<SubjectResult[]>[] = [];
    for (let start = 0; start < subjects.length; start += this.batch) {
      const slot = await this.freeSlot();
      parts.push(this.send(slot, subjects.slice(start, start + this.batch)));
    }
    return (await Promise.all(parts)).flat();
  }

  /**
   * Sweeps the pages on the workers, which read them from their own connections (a pool started
   * with `read`). Pages are handed out one at a time as workers ask for more, so a worker that drew
   * small or quick pages takes more of them. With `here`, the calling thread takes pages from the
   * same queue (it starts at once, while the workers are still loading their code). The tallies
   * come back in the order of `pages`; `onTally` sees each as it arrives (progress).
   */
  async tally(
    pages: readonly SweepPage[],
    onTally?: (tally: TallyData) => void,
    keep = Number.POSITIVE_INFINITY,
    standing = false,
    here?: (request: PageRequest) => Promise<TallyData>,
  ): Promise<TallyData[]> {
    if (!this.reading) throw new Error('This sweep pool was started without a store to read');
    const tallies: TallyData[] = new Array(pages.length);
    let next = 0;
    let failed = false;
    // Failing assets listed by the pages 0 … done-1, all of which have answered: a page after them
    // need list no more than `keep` less those (pages still out may list some too, so this is a bound).
    let done = 0;
    let listed = 0;
    const runners = this.slots.length + (here ? 1 : 0);
    // `ahead`: a second page for a worker while it works on one, so that it never waits for this
    // thread (busy with a page of its own) to hand it the next; not near the end, where it would
    // leave the others idle.
    const work = async (run: (request: PageRequest) => Promise<TallyData>, ahead = false) => {
      // After one page failed the sweep has failed: no one is handed another.
      while (!failed && !this.failure && next < pages.length - (ahead ? runners : 0)) {
        const index = next++;
        const request = { page: pages[index]!, keep: Math.max(0, keep - listed), standing };
        const tally = await run(request).catch((error: unknown) => {
          failed = true;
          throw error;
        });
        tallies[index] = tally;
        for (; done < pages.length && tallies[done]; done++) {
          const { failing, waived } = tallies[done]!.totals;
          listed += failing + waived;
        }
        onTally?.(tally);
      }
    };
    const onWorker = (slot: Slot) => async (request: PageRequest) => {
      const reply = await this.request(slot, { id: this.nextId++, ...request });
      if (!('tally' in reply)) throw new Error('A policy sweep worker answered a page without its tally');
      return decodeTally(reply.tally);
    };
    await Promise.all([
      ...this.slots.map((slot) => work(onWorker(slot))),
      ...(here ? [work(here), ...this.slots.map((slot) => work(onWorker(slot), true))] : []),
    ]);
    return tallies;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('The policy sweep was closed');
    // A reading worker closes its connection first (a PostgreSQL pool says goodbye to the server).
    await Promise.all(this.slots.map((s) => (this.reading ? stop(s) : s.worker.terminate())));
  }

  private async freeSlot(): Promise<Slot> {
    for (;;) {
      if (this.failure) throw this.failure;
      let best: Slot | undefined;
      for (const s of this.slots)
        if (s.inFlight < MAX_QUEUED && (!best || s.inFlight < best.inFlight)) best = s;
      if (best) return best;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async send(slot: Slot, subjects: Subject[]): Promise<SubjectResult[]> {
    const reply = await this.request(slot, { id: this.nextId++, subjects: JSON.stringify(subjects) });
    if (!('results' in reply)) throw new Error('A policy sweep worker answered subjects without results');
    return decodeResults(reply.results, this.refs, this.lists);
  }

  private request(slot: Slot, request: SweepRequest): Promise<SweepReply> {
    if (this.failure) return Promise.reject(this.failure);
    slot.inFlight += 1;
    return new Promise<SweepReply>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject, slot });
      slot.worker.postMessage(request);
    });
  }

  private settle(slot: Slot, reply: SweepReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    slot.inFlight -= 1;
    if ('error' in reply) p.reject(new Error(reply.error));
    else p.resolve(reply);
    this.waiting.shift()?.();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** Stops a reading worker after it closed its connection (or terminates it if it takes too long). */
function stop(slot: Slot): Promise<void> {
  if (slot.exited) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      void slot.worker.terminate().then(() => resolve());
    }, CLOSE_TIMEOUT_MS);
    slot.worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    const close: SweepRequest = { id: -1, close: true };
    slot.worker.postMessage(close);
  });
}

/**
 * One page of a sweep: the assets of a kind (in one domain, when the kind is read by domain) at an
 * offset, in id order. The last page of its group reads on while pages come back full, so assets
 * added after the pages were planned are still swept.
 */
export interface SweepPage {
  kind: string;
  domain?: string;
  offset: number;
  last: boolean;
}

/**
 * The pages of a sweep over the kinds, from the store's counts. A large kind is read one domain at a
 * time: a page at an offset into a whole kind makes SQLite join and sort all of that kind's
 * documents before it skips to the page (quadratic over a sweep of 100,000 contracts); a domain's
 * pages sort only the domain's. Kinds with assets outside any domain are read whole.
 */
export function planPages(
  counts: readonly { kind: string; domain: string | null; count: number }[],
  kinds: readonly string[],
  pageSize = 2000,
  /** Read a kind a domain at a time even when it would fit one page (the counts were filtered). */
  perDomain = false,
): SweepPage[] {
  const pages: SweepPage[] = [];
  for (const kind of kinds) {
    const groups = counts.filter((c) => c.kind === kind);
    const total = groups.reduce((n, c) => n + c.count, 0);
    if (!total) continue;
    const parts =
      (perDomain || total > pageSize) && groups.every((g) => g.domain !== null)
        ? groups
            .map((g) => ({ domain: g.domain!, count: g.count }))
            .sort((a, b) => (a.domain < b.domain ? -1 : 1))
        : [{ domain: undefined, count: total }];
    for (const { domain, count } of parts) {
      const n = Math.max(1, Math.ceil(count / pageSize));
      for (let i = 0; i < n; i++)
        pages.push({ kind, ...(domain ? { domain } : {}), offset: i * pageSize, last: i === n - 1 });
    }
  }
  return pages;
}

/** The assets of one planned page (and, for the last page of its group, of every full page after it). */
export async function* readPage(
  store: CatalogStore,
  page: SweepPage,
  pageSize = 2000,
): AsyncGenerator<AssetWithDoc[]> {
  const { kind, domain } = page;
  for (let offset = page.offset; ; offset += pageSize) {
    const assets = await store.scanAssets({ kind, limit: pageSize, offset, ...(domain ? { domain } : {}) });
    if (assets.length) yield assets;
    if (!page.last || assets.length < pageSize) break;
  }
}

/** Every live asset of the kinds, a page at a time (the pages of `planPages`, in order). */
export async function* assetPages(
  store: CatalogStore,
  kinds: readonly string[],
  pageSize = 2000,
): AsyncGenerator<AssetWithDoc[]> {
  yield* readPages(store, planPages(await store.countAssets(), kinds, pageSize), pageSize);
}

/** The assets of planned pages, a page at a time, in order. */
export async function* readPages(
  store: CatalogStore,
  pages: readonly SweepPage[],
  pageSize = 2000,
): AsyncGenerator<AssetWithDoc[]> {
  for (const page of pages) yield* readPage(store, page, pageSize);
}

/** Evaluates the subjects on `options.workers` threads (starting and stopping them around it). */
export async function sweep(
  view: GovernanceView,
  subjects: readonly Subject[],
  options: PoolOptions,
): Promise<SubjectResult[]> {
  const pool = new SweepPool(view, options);
  try {
    return await pool.evaluate(subjects);
  } finally {
    await pool.close();
  }
}

/**
 * Accountability over the lineage graph. `trace` walks upstream from a model or an application
 * (through jobs, other models and datasets, to any depth, across domains) and lists every dataset
 * behind it with its owners, stewards, version used, classification and quality status, then the
 * people accountable and why. `impact` walks downstream from a dataset (or one of its fields) and
 * lists every dataset, model and application affected and who to tell. Both cut cycles and report
 * them.
 */
import { NotFoundError } from '../model/errors.js';
import type { AssetInfo, QualityStatus } from './directory.js';
import {
  Adjacency,
  ANNOTATED_IN,
  EXTRA_IN,
  EXTRA_OUT,
  type GraphIndex,
  IN_CYCLE,
  K_APP,
  K_DATASET,
  K_JOB,
  K_MODEL,
  K_UNMANAGED,
  KIND_NAMES,
  ROLE_NAMES,
} from './graph-index.js';
import { Interner } from './interner.js';

export interface AssetView {
  ref: string;
  kind: string;
  title: string;
  domain: string | null;
  owners: string[];
  stewards: string[];
  /** Current version in the catalog. */
  version: number;
  classification?: string | null;
  quality?: QualityStatus;
  openIncidents?: number;
  stage?: string;
  systemVersion?: string;
}

export interface LineageRow {
  /** The asset ref, or `namespace/name` for an unmanaged dataset. */
  node: string;
  kind: 'dataset' | 'model' | 'app';
  managed: boolean;
  namespace?: string;
  name?: string;
  /** Hops from the start (jobs are not counted). */
  depth: number;
  /** Trace: the role of the link through which the subject depends on this node. */
  role: string | null;
  /** The node it was reached from, and the job between them. */
  via: string | null;
  job: string | null;
  /** Trace: the version the link names (pinned) or reports, else null (the current one was used). */
  version?: { used: string | null; pinned: boolean; current: number | null };
  /** Classification of the version used, when it is not the current one. */
  classificationUsed?: string | null;
  /**
   * An outcome's trace: the dataset's quality status when the outcome occurred (its newest run
   * finished by then), when that is not the status `asset.quality` shows (the one at recording).
   * Absent when no run had checked the dataset by then.
   */
  qualityThen?: QualityStatus;
  /**
   * As of a past time (an outcome's occurredAt, a trace's `at`), for a link that names no version:
   * the contract's version in effect then (its newest version stored, or approved, by then), where
   * that is not its current one.
   */
  versionThen?: number;
  /** That version's classification, where it differs from the current version's. */
  classificationThen?: string | null;
  /** Null for an unmanaged dataset, and for a node the caller may not read (`restricted`). */
  asset: AssetView | null;
  /**
   * The caller may not read this asset: `node` is an id valid within this report only
   * (`restricted:N`), and nothing of the asset is shown but its kind, its domain and whom to ask.
   */
  restricted?: true;
  /** A restricted node's domain. */
  domain?: string | null;
  /** A restricted node's domain owners (declared on it or inherited): whom to ask for access. */
  requestAccessFrom?: string[];
}

export interface Accountable {
  ref: string;
  title: string;
  why: string[];
}

export interface CycleView {
  /** The edge that would have closed the cycle, cut here. */
  from: string;
  to: string;
}

export interface TraceReport {
  subject: AssetView;
  at: string;
  /** Models an application runs (and models behind them). */
  models: LineageRow[];
  datasets: LineageRow[];
  jobs: number;
  cycles: CycleView[];
  accountable: Accountable[];
  domains: string[];
  /** How many nodes are shown restricted (absent when the caller may read them all). */
  restricted?: number;
  /**
   * A trace asked as of a past time (`at`): that time. Each dataset row's `qualityThen` is its
   * quality status then, and `versionThen` and `classificationThen` its contract's version and
   * classification then, where they differ from now.
   */
  qualityAt?: string;
}

export interface ImpactReport {
  subject: { node: string; kind: string; field?: string; asset: AssetView | null };
  at: string;
  depth: number;
  datasets: LineageRow[];
  models: LineageRow[];
  apps: LineageRow[];
  /** Fields reached, for a field impact: `node#field` (the field is null in a restricted node). */
  fields?: { node: string; field: string | null; depth: number; from: string; restricted?: true }[];
  jobs: number;
  cycles: CycleView[];
  notify: Accountable[];
  domains: string[];
  /** How many nodes are shown restricted (absent when the caller may read them all). */
  restricted?: number;
}

/**
 * The asset part of a row, built once per asset while its quality and incidents stay the same
 * (reports share these objects; nothing mutates them).
 */
const views = new WeakMap<AssetInfo, AssetView>();

function view(info: AssetInfo): AssetView {
  const cached = views.get(info);
  if (
    cached &&
    cached.quality === (info.kind === 'DataContract' ? info.quality : undefined) &&
    cached.openIncidents === (info.kind === 'DataContract' ? info.openIncidents : undefined)
  )
    return cached;
  const v = buildView(info);
  views.set(info, v);
  return v;
}

function buildView(info: AssetInfo): AssetView {
  const v: AssetView = {
    ref: info.ref,
    kind: info.kind,
    title: info.title,
    domain: info.domain,
    owners: info.owners,
    stewards: info.stewards,
    version: info.version,
  };
  if (info.kind === 'DataContract') {
    v.classification = info.classification;
    v.quality = info.quality;
    v.openIncidents = info.openIncidents;
  }
  if (info.stage) v.stage = info.stage;
  if (info.systemVersion) v.systemVersion = info.systemVersion;
  return v;
}

/**
 * Who an asset makes accountable and why, as (person, reason) pairs flattened into one list; each
 * person as `who` names them (the owners, then the stewards: by ref, or as the tracer numbers them).
 */
function reasonPairs<P>(asset: AssetView, who: readonly P[], suffix: string): (P | string)[] {
  const pairs: (P | string)[] = [];
  let k = 0;
  for (const _ of asset.owners) pairs.push(who[k++]!, `owner of ${asset.ref}${suffix}`);
  for (const _ of asset.stewards) pairs.push(who[k++]!, `steward of ${asset.ref}${suffix}`);
  return pairs;
}

/** (person ref, reason) pairs. */
const reasonsOf = (asset: AssetView, suffix: string) =>
  reasonPairs(asset, [...asset.owners, ...asset.stewards], suffix) as string[];

/**
 * Deduplicated people with every reason they are on the list, in the order first met. Each asset
 * is added once per report, so a person's reasons need no further deduplication.
 */
export class People {
  private readonly byRef = new Map<string, Accountable>();
  constructor(private readonly title: (ref: string) => string) {}

  add(ref: string, why: string) {
    let person = this.byRef.get(ref);
    if (!person) {
      person = { ref, title: this.title(ref), why: [] };
      this.byRef.set(ref, person);
    }
    person.why.push(why);
  }

  addAsset(asset: AssetView, suffix = '') {
    this.addReasons(reasonsOf(asset, suffix));
  }

  /** (person, reason) pairs flattened into one list, as `reasonsOf` makes them. */
  addReasons(pairs: readonly string[]) {
    for (let i = 0; i < pairs.length; i += 2) this.add(pairs[i]!, pairs[i + 1]!);
  }

  list(): Accountable[] {
    return [...this.byRef.values()];
  }
}

const suffixes = new Map<string, string[]>();

/** ` (training, 2 hops upstream)`: the same few texts for every row. */
export function suffixFor(role: string | null, depth: number): string {
  if (!role) return '';
  let byDepth = suffixes.get(role);
  if (!byDepth) {
    byDepth = [];
    suffixes.set(role, byDepth);
  }
  let text = byDepth[depth];
  if (text === undefined) {
    text = ` (${role}${depth > 1 ? `, ${depth} hops upstream` : ''})`;
    byDepth[depth] = text;
  }
  return text;
}

/**
 * Scratch space reused by traversals; a stamp marks what the current walk has visited. What a walk
 * records per node sits together in `state` (one cache line for a node, not one per array):
 * at `idx * 4` its depth and the role code of the link it was reached by in one number
 * (`depth << 8 | role`, read with `>> 8` and `& 255`; a walk goes no deeper than MAX_DEPTH), the
 * node it was reached from, the job between (-1: none) and the version the link names (index into
 * the graph's versions, -1: none). Role and version are recorded upstream only.
 */
class Walk {
  stamp = 0;
  seen = new Uint32Array(0);
  queue = new Int32Array(0);
  state = new Int32Array(0);
  /** The components whose cycle this walk has cut (and reported). */
  readonly cut = new Set<number>();

  begin(n: number) {
    if (this.seen.length < n) {
      const size = Math.max(n, this.seen.length * 2, 1024);
      this.seen = new Uint32Array(size);
      this.queue = new Int32Array(size);
      this.state = new Int32Array(size * 4);
      this.stamp = 0;
    }
    if (this.cut.size) this.cut.clear();
    this.stamp += 1;
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
  }

  /** Records how node `x` was reached. */
  mark(x: number, depth: number, via: number, job: number, role: number, version: number) {
    const o = x << 2;
    const state = this.state;
    state[o] = (depth << 8) | role;
    state[o + 1] = via;
    state[o + 2] = job;
    state[o + 3] = version;
  }
}

/** The deepest a walk goes: its depth shares a 32-bit number with a role code (see Walk). */
const MAX_DEPTH = (1 << 23) - 1;

const ROLE_TRAINING = ROLE_NAMES.indexOf('training');
const ROLE_INFERENCE = ROLE_NAMES.indexOf('inference_input');

interface Traversal {
  /** The nodes reached, in the order met (a view of the walk's queue: read it before the next walk). */
  order: ArrayLike<number>;
  jobs: number;
  cycles: CycleView[];
}

type Version = NonNullable<LineageRow['version']>;

/** The version of a row whose link names none (or `latest`) and whose node is not an asset. */
const UNVERSIONED: Version = { used: null, pinned: false, current: null };

/** A suffix as a number: role code and the hops it shows (suffixFor shows none below 2). */
const reasonKey = (role: number, depth: number) =>
  role === 0 ? 0 : role * 1024 + (depth > 1 ? Math.min(depth, 1023) : 1);

/** Numbers a report reads per fact, in `FactTable.meta`: */
const M_DOMAIN = 0; // the asset's domain as the tracer numbers domains (-1: none)
const M_ENTRIES = 1; // how long each of its reason lists in the pool is
const M_KEYS = 2; // then three (reasonKey, pool start) pairs, -1 while unused
const META = 8;

/**
 * What every row of an asset's node shares whatever the walk, so a report builds only what the
 * walk decides (depth, role, via, job, version used), for each asset reports have met, numbered in
 * the order first met (the assets of one pipeline are met together, and sit side by side here).
 * Kept as parallel arrays rather than an object per asset: a report reads an asset's numbers from
 * one typed array and its view from one array, not one scattered object each. Valid for one build
 * of the index and one revision of the directory (see `Tracer.factOf`); rows and reports share the
 * views and versions, and nothing mutates them.
 */
export class FactTable {
  readonly asset: AssetView[] = [];
  /** The version of a row whose link names none: `{used: null, pinned: false, current}`. */
  readonly unversioned: Version[] = [];
  /** Its owners, then its stewards, as the tracer numbers people. */
  readonly who: number[][] = [];
  /** Further (key, pool start) pairs, past the three in `meta` (a node sees a few suffixes). */
  readonly more: (number[] | undefined)[] = [];
  meta = new Int32Array(META * 256);
  /**
   * The numbered reasons of every fact, end to end: (person number, reason) pairs, an asset's for
   * one suffix side by side, so a report reads one stretch of memory per asset.
   */
  readonly pool: (number | string)[] = [];

  add(asset: AssetView, domain: number, who: number[]): number {
    const f = this.asset.length;
    if (META * (f + 1) > this.meta.length) {
      const meta = new Int32Array(this.meta.length * 2);
      meta.set(this.meta);
      this.meta = meta;
    }
    this.asset.push(asset);
    this.unversioned.push({ used: null, pinned: false, current: asset.version });
    this.who.push(who);
    this.more.push(undefined);
    const o = META * f;
    this.meta.fill(-1, o, o + META);
    this.meta[o + M_DOMAIN] = domain;
    this.meta[o + M_ENTRIES] = 2 * who.length;
    return f;
  }

  /** Fact f's domain as the tracer numbers domains (-1: none). */
  domain(f: number): number {
    return this.meta[META * f + M_DOMAIN]!;
  }

  /** How long each of fact f's reason lists in the pool is. */
  entries(f: number): number {
    return this.meta[META * f + M_ENTRIES]!;
  }

  /**
   * Where fact f's numbered reasons for rows with this role code and depth (see suffixFor) start in
   * the pool; built the first time.
   */
  reasons(f: number, role: number, depth: number): number {
    const key = reasonKey(role, depth);
    const meta = this.meta;
    const o = META * f + M_KEYS;
    for (let k = o; k < o + 6; k += 2) {
      if (meta[k] === key) return meta[k + 1]!;
      if (meta[k] === -1) {
        const start = this.build(f, role, depth);
        meta[k] = key;
        meta[k + 1] = start;
        return start;
      }
    }
    const more = this.more[f];
    if (more) for (let i = 0; i < more.length; i += 2) if (more[i] === key) return more[i + 1]!;
    const start = this.build(f, role, depth);
    this.more[f] = [...(more ?? []), key, start];
    return start;
  }

  private build(f: number, role: number, depth: number): number {
    return this.pooled(reasonPairs(this.asset[f]!, this.who[f]!, suffixFor(ROLE_NAMES[role] ?? null, depth)));
  }

  /** Appends numbered reasons to the pool; where they start. */
  pooled(pairs: readonly (number | string)[]): number {
    const start = this.pool.length;
    for (let i = 0; i < pairs.length; i++) this.pool.push(pairs[i]!);
    return start;
  }
}

/**
 * Names (people, teams, domains) numbered for a tracer's life — a catalog has a bounded number of
 * them — so a report gathers them by number with a stamp instead of hashing their refs: `names[p]`,
 * and per report (`begin`) a stamp and the position in that report's list.
 */
export class Numbering extends Interner {
  stamp = new Uint32Array(64);
  pos = new Int32Array(64);
  epoch = 1;

  /** A name met for the first time may come mid-report: grown keeping what the report has met. */
  protected override added(p: number) {
    if (p < this.stamp.length) return;
    const stamp = new Uint32Array(p * 2);
    const pos = new Int32Array(p * 2);
    stamp.set(this.stamp);
    pos.set(this.pos);
    this.stamp = stamp;
    this.pos = pos;
  }

  /** Starts a report: no number met yet. */
  begin() {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
  }

  /** True the first time this report meets number p. */
  met(p: number): boolean {
    if (this.stamp[p] === this.epoch) return false;
    this.stamp[p] = this.epoch;
    return true;
  }
}

export class Tracer {
  private readonly walk = new Walk();
  private readonly first = new Adjacency();
  private readonly second = new Adjacency();
  private readonly titleOf = (ref: string) => this.directory.title(ref);
  /**
   * Facts per asset node: `slot[idx]` is 1 + its fact number in `facts` (0: not looked up yet, -1:
   * no asset). Valid for one build of the index and one revision of the directory: any change to
   * an asset, owner, domain, quality run or incident bumps the revision, and the next report starts
   * afresh.
   */
  private slot = new Int32Array(0);
  private facts = new FactTable();
  private factsBuild = -1;
  private factsRevision = -1;
  private readonly people = new Numbering();
  private readonly domains = new Numbering();

  constructor(private readonly graph: GraphIndex) {}

  /** The fact number of a node (-1 when it is no asset), through the cache. */
  private factOf(idx: number): number {
    const g = this.graph;
    const revision = this.directory.revision;
    if (this.factsBuild !== g.builds || this.factsRevision !== revision || this.slot.length < g.n) {
      if (this.slot.length < g.n) this.slot = new Int32Array(Math.max(g.n, this.slot.length * 2));
      else this.slot.fill(0);
      this.facts = new FactTable();
      this.factsBuild = g.builds;
      this.factsRevision = revision;
    }
    const known = this.slot[idx]!;
    if (known > 0) return known - 1;
    if (known < 0) return -1;
    const info = this.directory.get(g.labelOf(idx));
    let f = -1;
    if (info) {
      const asset = view(info);
      f = this.facts.add(asset, this.domains.of(asset.domain), this.numbered(asset));
    }
    this.slot[idx] = f < 0 ? -1 : f + 1;
    return f;
  }

  /** An asset's owners, then its stewards, by number. */
  private numbered(asset: AssetView): number[] {
    const who: number[] = [];
    for (const ref of asset.owners) who.push(this.people.of(ref));
    for (const ref of asset.stewards) who.push(this.people.of(ref));
    return who;
  }

  /**
   * The accountable people of one report, in the order first met, each with every reason: from
   * each asset's numbered reasons, given as (start in the pool, entries) pairs. Each asset is given
   * once per report, so a person's reasons need no further deduplication.
   */
  private accountable(lists: readonly number[]): Accountable[] {
    const people = this.people;
    people.begin();
    const { stamp, pos, names, epoch } = people;
    const pool = this.facts.pool;
    const out: Accountable[] = [];
    for (let a = 0; a < lists.length; a += 2) {
      for (let j = lists[a]!, end = j + lists[a + 1]!; j < end; j += 2) {
        const p = pool[j] as number;
        const why = pool[j + 1] as string;
        if (stamp[p] === epoch) out[pos[p]!]!.why.push(why);
        else {
          stamp[p] = epoch;
          pos[p] = out.length;
          const ref = names[p]!;
          out.push({ ref, title: this.titleOf(ref), why: [why] });
        }
      }
    }
    return out;
  }

  private get directory() {
    return this.graph.directory;
  }

  /**
   * Breadth-first over datasets and systems; a job is crossed in the same step (it does not count
   * as a hop). An edge back into a node of the same cycle is cut and reported.
   */
  private traverse(start: number, upstream: boolean, maxDepth: number): Traversal {
    const g = this.graph;
    const w = this.walk;
    w.begin(g.n);
    const { seen, queue, state, stamp } = w;
    const kind = g.kind;
    const cycles: CycleView[] = [];
    const first = this.first;
    const second = this.second;
    // A node whose links all sit in the compressed arrays (nearly all) is read from them here;
    // the few with reported-since or declared links go through `adjacent`.
    const extra = g.extra;
    const mask = upstream ? EXTRA_IN : EXTRA_OUT;
    const off = upstream ? g.bOff : g.fOff;
    const other = upstream ? g.bSrc : g.fDst;
    const { bRole, bVer } = g;
    let jobs = 0;
    let tail = 0;
    seen[start] = stamp;
    queue[tail++] = start;
    w.mark(start, 0, -1, -1, 0, -1);
    const deepest = Math.min(maxDepth, MAX_DEPTH);
    for (let head = 0; head < tail; head++) {
      const u = queue[head]!;
      const hop = state[u << 2]!;
      const d = hop >> 8;
      if (d >= deepest) continue;
      const uKind = kind[u]!;
      const flags = extra[u]!;
      // A node in no cycle closes none: its edges back into seen nodes need no look at components.
      const inCycle = (flags & IN_CYCLE) !== 0;
      const system = upstream && (uKind === K_MODEL || uKind === K_APP);
      const fallback = uKind === K_APP ? ROLE_INFERENCE : ROLE_TRAINING;
      const inherited = hop & 255;
      let firstNode = other;
      let firstRole = bRole;
      let firstVer = bVer;
      let firstFrom = off[u]!;
      let firstEnd = off[u + 1]!;
      // Roles and versions are read only where some link has one (the buffers of `adjacent` always).
      let firstAnnotated = (flags & ANNOTATED_IN) !== 0;
      if (flags & mask) {
        g.adjacent(u, upstream, first);
        ({ node: firstNode, role: firstRole, ver: firstVer, from: firstFrom, to: firstEnd } = first);
        firstAnnotated = true;
      }
      for (let i = firstFrom; i < firstEnd; i++) {
        const v = firstNode[i]!;
        if (seen[v] === stamp) {
          if (inCycle) this.cycle(u, v, cycles);
          continue;
        }
        let through = -1;
        let secondNode = firstNode;
        let secondRole = firstRole;
        let secondVer = firstVer;
        let secondAnnotated = firstAnnotated;
        let from = i;
        let to = i + 1;
        // A job is crossed in the same step: its other side is what this node is linked to.
        if (kind[v] === K_JOB) {
          seen[v] = stamp;
          jobs += 1;
          through = v;
          secondNode = other;
          secondRole = bRole;
          secondVer = bVer;
          from = off[v]!;
          to = off[v + 1]!;
          const jobFlags = extra[v]!;
          secondAnnotated = (jobFlags & ANNOTATED_IN) !== 0;
          if (jobFlags & mask) {
            g.adjacent(v, upstream, second);
            ({ node: secondNode, role: secondRole, ver: secondVer, from, to } = second);
            secondAnnotated = true;
          }
        }
        for (let k = from; k < to; k++) {
          const x = secondNode[k]!;
          if (seen[x] === stamp) {
            if (inCycle && (through < 0 || kind[x] !== K_JOB)) this.cycle(u, x, cycles);
            continue;
          }
          if (through >= 0 && kind[x] === K_JOB) continue;
          seen[x] = stamp;
          queue[tail++] = x;
          const o = x << 2;
          state[o + 1] = u;
          state[o + 2] = through;
          // Role and version matter upstream only (rows downstream show neither): the role of a
          // dataset → job link and the version used are on that input edge, else on the direct link.
          if (upstream) {
            const edgeRole = secondAnnotated ? secondRole[k]! : 0;
            state[o] = ((d + 1) << 8) | (system ? edgeRole || fallback : inherited || edgeRole);
            state[o + 3] = secondAnnotated ? secondVer[k]! : -1;
          } else state[o] = (d + 1) << 8;
        }
      }
    }
    return { order: queue.subarray(1, tail), jobs, cycles };
  }

  /** An edge back into what this walk has seen closes a cycle when both ends share a component. */
  private cycle(u: number, v: number, cycles: CycleView[]) {
    const g = this.graph;
    const scc = g.scc;
    const cut = this.walk.cut;
    const c = scc[v] ?? -1;
    if (c >= 0 && c === (scc[u] ?? -1) && !cut.has(c) && cycles.length < 50) {
      cut.add(c);
      cycles.push({ from: g.labelOf(u), to: g.labelOf(v) });
    }
  }

  /**
   * One row of a report: node `idx`, the i-th reached (its label and job's label gathered). Each
   * shape is one object literal with its keys in the order reports always had (node … asset, then
   * namespace and name, then version), so rows share a few hidden classes and are built in one
   * allocation.
   */
  private row(idx: number, upstream: boolean, f: number, i: number): LineageRow {
    const node = this.labels[i]!;
    const g = this.graph;
    const w = this.walk;
    const k = g.kind[idx]!;
    const text = g.text;
    const t3 = 3 * idx;
    const facts = this.facts;
    const asset = f >= 0 ? facts.asset[f]! : null;
    const kind = KIND_NAMES[k] as LineageRow['kind'];
    const managed = asset !== null;
    const o = idx << 2;
    const { state } = w;
    const hop = state[o]!;
    const depth = hop >> 8;
    const role = upstream ? (ROLE_NAMES[hop & 255] ?? null) : null;
    const viaIdx = state[o + 1]!;
    const jobIdx = state[o + 2]!;
    const via = viaIdx >= 0 ? text[3 * viaIdx]! : null;
    const job = this.jobLabels[i]!;
    const namespace = text[t3 + 1];
    if (!upstream || !(k === K_DATASET || k === K_UNMANAGED)) {
      return namespace !== undefined
        ? { node, kind, managed, depth, role, via, job, asset, namespace, name: text[t3 + 2]! }
        : { node, kind, managed, depth, role, via, job, asset };
    }
    const v = state[o + 3]!;
    const named = v >= 0 ? g.versions[v]! : null;
    const used = named === 'latest' ? null : named;
    const version =
      used === null
        ? f >= 0
          ? facts.unversioned[f]!
          : UNVERSIONED
        : { used, pinned: jobIdx < 0, current: asset ? asset.version : null };
    return namespace !== undefined
      ? { node, kind, managed, depth, role, via, job, asset, namespace, name: text[t3 + 2]!, version }
      : { node, kind, managed, depth, role, via, job, asset, version };
  }

  /**
   * Per node reached (in walk order, the i of `row`): its label, its fact number and the label of
   * the job it was reached through (see `gather`).
   */
  private readonly labels: string[] = [];
  private found = new Int32Array(1024);
  private readonly jobLabels: (string | null)[] = [];

  /**
   * The labels, facts and jobs' labels of the nodes reached, read in one tight loop first: there
   * the reads (a cache miss each, scattered over the index) overlap, where inside row building they
   * would come one by one.
   */
  private gather(order: ArrayLike<number>) {
    const { text, kind } = this.graph;
    if (this.found.length < order.length)
      this.found = new Int32Array(Math.max(order.length, this.found.length * 2));
    const { labels, found, jobLabels } = this;
    const state = this.walk.state;
    for (let i = 0; i < order.length; i++) {
      const idx = order[i]!;
      labels[i] = text[3 * idx]!;
      const job = state[(idx << 2) + 2]!;
      jobLabels[i] = job >= 0 ? text[3 * job]! : null;
      found[i] = kind[idx] === K_UNMANAGED ? -1 : this.factOf(idx);
    }
  }

  private startOf(ref: string): number {
    const idx = this.graph.find(ref);
    if (idx === undefined) {
      throw new NotFoundError(
        /^(dataset|model|app):/.test(ref)
          ? `'${ref}' is not in the catalog or the lineage graph`
          : `'${ref}' is neither a catalog asset nor a dataset reported to lineage (give a ref, or namespace/name as reported, namespace:/path for an absolute path)`,
        { ref },
      );
    }
    return idx;
  }

  /**
   * Only the walk of trace (upstream) or impact (downstream), without building the answer: how many
   * nodes it reaches. For measuring the index against a bare search (bench:lineage).
   */
  reach(ref: string, upstream: boolean, maxDepth = 1_000_000): number {
    return this.traverse(this.startOf(ref), upstream, maxDepth).order.length;
  }

  /** Everything upstream of a model or application, and who is accountable for it. */
  async trace(ref: string, options: { at?: string; maxDepth?: number } = {}): Promise<TraceReport> {
    await this.graph.fresh();
    const start = this.startOf(ref);
    const info = this.directory.get(ref);
    if (!info) throw new NotFoundError(`'${ref}' is not in the catalog`, { ref });
    const t = this.traverse(start, true, options.maxDepth ?? 1_000_000);
    const sf = this.factOf(start);
    const facts = this.facts;
    const subject = sf >= 0 ? facts.asset[sf]! : view(info);
    const models: LineageRow[] = [];
    const datasets: LineageRow[] = [];
    // Domains met, by number (see Numbering), starting with the subject's.
    const dn = this.domains;
    dn.begin();
    const domains: string[] = [];
    if (subject.domain) {
      dn.met(dn.of(subject.domain));
      domains.push(subject.domain);
    }
    const pinned: LineageRow[] = [];
    // People in the order met: the subject's, the models' (` (role)`), then the datasets'.
    // Each asset's reasons as (start in the pool, entries).
    const subjectWho = sf >= 0 ? facts.who[sf]! : this.numbered(subject);
    const people: number[] = [
      sf >= 0 ? facts.reasons(sf, 0, 0) : facts.pooled(reasonPairs(subject, subjectWho, '')),
      2 * subjectWho.length,
    ];
    const datasetPeople: number[] = [];
    const { order } = t;
    const g = this.graph;
    const { kind } = g;
    const { state } = this.walk;
    this.gather(order);
    const { found } = this;
    for (let i = 0; i < order.length; i++) {
      const idx = order[i]!;
      const k = kind[idx]!;
      const f = found[i]!;
      const r = this.row(idx, true, f, i);
      const system = k === K_MODEL || k === K_APP;
      if (system) models.push(r);
      else datasets.push(r);
      if (f < 0) continue;
      const domain = facts.domain(f);
      if (domain >= 0 && dn.met(domain)) domains.push(dn.names[domain]!);
      const hop = state[idx << 2]!;
      if (system) people.push(facts.reasons(f, hop & 255, 1), facts.entries(f));
      else {
        datasetPeople.push(facts.reasons(f, hop & 255, hop >> 8), facts.entries(f));
        // A row's version is its fact's own object unless the link names one (the object is not read then).
        if (r.version !== facts.unversioned[f] && r.version?.pinned) pinned.push(r);
      }
    }
    for (let i = 0; i < datasetPeople.length; i++) people.push(datasetPeople[i]!);
    // Before anything awaits: another report may reset the pool meanwhile.
    const accountable = this.accountable(people);
    // The version used decides the classification at the time, when it is not the current one.
    for (const r of pinned) {
      if (!r.asset || !r.version || r.version.used === null) continue;
      const used = Number(r.version.used);
      if (Number.isInteger(used) && used !== r.asset.version)
        r.classificationUsed = await this.directory.classificationAtVersion(r.asset.ref, used);
    }
    return {
      subject,
      at: options.at ?? new Date().toISOString(),
      models,
      datasets,
      jobs: t.jobs,
      cycles: t.cycles,
      accountable,
      domains: domains.sort(),
    };
  }

  /** Everything downstream of a dataset (any node of the graph) up to `depth` hops, and who to tell. */
  async impact(ref: string, options: { depth?: number; at?: string } = {}): Promise<ImpactReport> {
    await this.graph.fresh();
    const start = this.startOf(ref);
    const depth = options.depth ?? 5;
    const t = this.traverse(start, false, depth);
    return this.impactReport(start, t, depth, options.at);
  }

  /** Builds an impact report from a set of reached nodes (also used by field impact). */
  impactReport(start: number, t: Traversal, depth: number, at?: string, field?: string): ImpactReport {
    const g = this.graph;
    const people: number[] = [];
    const datasets: LineageRow[] = [];
    const models: LineageRow[] = [];
    const apps: LineageRow[] = [];
    const dn = this.domains;
    dn.begin();
    const domains: string[] = [];
    const { order } = t;
    const kind = g.kind;
    this.gather(order);
    const { found, facts } = this;
    for (let i = 0; i < order.length; i++) {
      const idx = order[i]!;
      const k = kind[idx]!;
      const f = found[i]!;
      const r = this.row(idx, false, f, i);
      (k === K_MODEL ? models : k === K_APP ? apps : datasets).push(r);
      if (f >= 0) {
        people.push(facts.reasons(f, 0, 0), facts.entries(f));
        const domain = facts.domain(f);
        if (domain >= 0 && dn.met(domain)) domains.push(dn.names[domain]!);
      }
    }
    const label = g.labelOf(start);
    const startKind = g.kind[start]!;
    const sf = startKind === K_UNMANAGED || startKind === K_JOB ? -1 : this.factOf(start);
    return {
      subject: {
        node: label,
        kind: KIND_NAMES[startKind]!,
        ...(field ? { field } : {}),
        asset: sf >= 0 ? this.facts.asset[sf]! : null,
      },
      at: at ?? new Date().toISOString(),
      depth,
      datasets,
      models,
      apps,
      jobs: t.jobs,
      cycles: t.cycles,
      notify: this.accountable(people),
      domains: domains.sort(),
    };
  }

  /**
   * Impact of one field: the fields derived from it along column lineage (found by the caller), the
   * datasets holding them, and the models and applications that read those datasets.
   */
  fieldImpact(
    start: number,
    field: string,
    hits: readonly { idx: number; field: string; depth: number; from: number }[],
    depth: number,
    at?: string,
  ): ImpactReport {
    const g = this.graph;
    const w = this.walk;
    w.begin(g.n);
    const order: number[] = [];
    const mark = (v: number, d: number, from: number, through: number) => {
      if (w.seen[v] === w.stamp) return;
      w.seen[v] = w.stamp;
      w.mark(v, d, from, through, 0, -1);
      order.push(v);
    };
    w.seen[start] = w.stamp;
    for (const h of [...hits].sort((a, b) => a.depth - b.depth))
      if (h.idx !== start) mark(h.idx, h.depth, h.from, -1);
    const systems = (k: number) => k === K_MODEL || k === K_APP;
    for (const u of [start, ...order]) {
      if (systems(g.kind[u]!)) continue;
      const d = u === start ? 0 : w.state[u << 2]! >> 8;
      g.eachOut(u, (v) => {
        if (systems(g.kind[v]!)) mark(v, d + 1, u, -1);
        else if (g.kind[v] === K_JOB) g.eachOut(v, (x) => systems(g.kind[x]!) && mark(x, d + 1, u, v));
      });
    }
    const report = this.impactReport(start, { order, jobs: 0, cycles: [] }, depth, at, field);
    report.fields = hits.map((h) => ({
      node: g.labelOf(h.idx),
      field: h.field,
      depth: h.depth,
      from: g.labelOf(h.from),
    }));
    return report;
  }
}

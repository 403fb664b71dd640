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
  type GraphIndex,
  K_APP,
  K_DATASET,
  K_JOB,
  K_MODEL,
  K_UNMANAGED,
  KIND_NAMES,
  ROLE_NAMES,
} from './graph-index.js';

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
    for (const o of asset.owners) this.add(o, `owner of ${asset.ref}${suffix}`);
    for (const s of asset.stewards) this.add(s, `steward of ${asset.ref}${suffix}`);
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

/** Scratch space reused by traversals; a stamp marks what the current walk has visited. */
class Walk {
  stamp = 0;
  seen = new Uint32Array(0);
  queue = new Int32Array(0);
  depth = new Int32Array(0);
  role = new Uint8Array(0);
  via = new Int32Array(0);
  job = new Int32Array(0);
  ver = new Int32Array(0);

  begin(n: number) {
    if (this.seen.length < n) {
      const size = Math.max(n, this.seen.length * 2, 1024);
      this.seen = new Uint32Array(size);
      this.queue = new Int32Array(size);
      this.depth = new Int32Array(size);
      this.role = new Uint8Array(size);
      this.via = new Int32Array(size);
      this.job = new Int32Array(size);
      this.ver = new Int32Array(size);
      this.stamp = 0;
    }
    this.stamp += 1;
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
  }
}

const ROLE_TRAINING = ROLE_NAMES.indexOf('training');
const ROLE_INFERENCE = ROLE_NAMES.indexOf('inference_input');

interface Traversal {
  order: number[];
  jobs: number;
  cycles: CycleView[];
}

export class Tracer {
  private readonly walk = new Walk();
  private readonly first = new Adjacency();
  private readonly second = new Adjacency();

  constructor(private readonly graph: GraphIndex) {}

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
    const { seen, queue, depth, role, via, job, ver, stamp } = w;
    const kind = g.kind;
    const scc = g.scc;
    const order: number[] = [];
    const cycles: CycleView[] = [];
    const cut = new Set<number>();
    const first = this.first;
    const second = this.second;
    let jobs = 0;
    let tail = 0;
    seen[start] = stamp;
    queue[tail++] = start;
    depth[start] = 0;
    role[start] = 0;
    via[start] = -1;
    job[start] = -1;
    ver[start] = -1;
    /** An edge back into what this walk has seen closes a cycle when both ends share a component. */
    const cycle = (u: number, v: number) => {
      const c = scc[v] ?? -1;
      if (c >= 0 && c === (scc[u] ?? -1) && !cut.has(c) && cycles.length < 50) {
        cut.add(c);
        cycles.push({ from: g.label[u]!, to: g.label[v]! });
      }
    };
    for (let head = 0; head < tail; head++) {
      const u = queue[head]!;
      const d = depth[u]!;
      if (d >= maxDepth) continue;
      const uKind = kind[u]!;
      const system = upstream && (uKind === K_MODEL || uKind === K_APP);
      const fallback = uKind === K_APP ? ROLE_INFERENCE : ROLE_TRAINING;
      const inherited = role[u]!;
      const n1 = g.adjacent(u, upstream, first);
      for (let i = 0; i < n1; i++) {
        const v = first.node[i]!;
        let through = -1;
        let count = 1;
        // A job is crossed in the same step: its other side is what this node is linked to.
        if (kind[v] === K_JOB) {
          if (seen[v] === stamp) {
            cycle(u, v);
            continue;
          }
          seen[v] = stamp;
          jobs += 1;
          through = v;
          count = g.adjacent(v, upstream, second);
        }
        for (let k = 0; k < count; k++) {
          const x = through < 0 ? v : second.node[k]!;
          if (through >= 0 && kind[x] === K_JOB) continue;
          if (seen[x] === stamp) {
            cycle(u, x);
            continue;
          }
          // Upstream, the role of a dataset → job link is on that input edge; downstream there is none.
          const edgeRole = through >= 0 && upstream ? second.role[k]! : first.role[i]!;
          seen[x] = stamp;
          queue[tail++] = x;
          depth[x] = d + 1;
          role[x] = upstream ? (system ? edgeRole || fallback : inherited || edgeRole) : 0;
          via[x] = u;
          job[x] = through;
          ver[x] = through >= 0 && upstream ? second.ver[k]! : first.ver[i]!;
          order.push(x);
        }
      }
    }
    return { order, jobs, cycles };
  }

  private row(idx: number, upstream: boolean): LineageRow {
    const g = this.graph;
    const w = this.walk;
    const k = g.kind[idx]!;
    const label = g.label[idx]!;
    const managed = k !== K_UNMANAGED;
    const info = managed ? this.directory.get(label) : undefined;
    const viaIdx = w.via[idx]!;
    const jobIdx = w.job[idx]!;
    const row: LineageRow = {
      node: label,
      kind: KIND_NAMES[k] as LineageRow['kind'],
      managed: managed && info !== undefined,
      depth: w.depth[idx]!,
      role: upstream ? (ROLE_NAMES[w.role[idx]!] ?? null) : null,
      via: viaIdx >= 0 ? g.label[viaIdx]! : null,
      job: jobIdx >= 0 ? g.label[jobIdx]! : null,
      asset: info ? view(info) : null,
    };
    const ol = g.olName[idx];
    if (ol) {
      row.namespace = ol[0];
      row.name = ol[1];
    }
    if (upstream && (k === K_DATASET || k === K_UNMANAGED)) {
      const v = w.ver[idx]!;
      const used = v >= 0 ? g.versions[v]! : null;
      row.version = {
        used: used === 'latest' ? null : used,
        pinned: used !== null && used !== 'latest' && w.job[idx]! < 0,
        current: info?.version ?? null,
      };
    }
    return row;
  }

  private startOf(ref: string): number {
    const idx = this.graph.find(ref);
    if (idx === undefined) {
      throw new NotFoundError(
        /^(dataset|model|app):/.test(ref)
          ? `'${ref}' is not in the catalog or the lineage graph`
          : `'${ref}' is neither a catalog asset nor a dataset reported to lineage (give a ref, or namespace/name as reported)`,
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
    const subject = view(info);
    const people = new People((r) => this.directory.title(r));
    people.addAsset(subject);
    const models: LineageRow[] = [];
    const datasets: LineageRow[] = [];
    const domains = new Set<string>(subject.domain ? [subject.domain] : []);
    for (const idx of t.order) {
      const r = this.row(idx, true);
      if (r.kind === 'model' || r.kind === 'app') models.push(r);
      else datasets.push(r);
    }
    // The version used decides the classification at the time, when it is not the current one.
    for (const r of datasets) {
      if (!r.asset || !r.version?.pinned || r.version.used === null) continue;
      const used = Number(r.version.used);
      if (Number.isInteger(used) && used !== r.asset.version)
        r.classificationUsed = await this.directory.classificationAtVersion(r.asset.ref, used);
    }
    for (const r of models) if (r.asset) people.addAsset(r.asset, r.role ? ` (${r.role})` : '');
    for (const r of datasets) {
      if (!r.asset) continue;
      if (r.asset.domain) domains.add(r.asset.domain);
      people.addAsset(r.asset, suffixFor(r.role, r.depth));
    }
    for (const r of models) if (r.asset?.domain) domains.add(r.asset.domain);
    return {
      subject,
      at: options.at ?? new Date().toISOString(),
      models,
      datasets,
      jobs: t.jobs,
      cycles: t.cycles,
      accountable: people.list(),
      domains: [...domains].sort(),
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
    const people = new People((r) => this.directory.title(r));
    const datasets: LineageRow[] = [];
    const models: LineageRow[] = [];
    const apps: LineageRow[] = [];
    const domains = new Set<string>();
    for (const idx of t.order) {
      const r = this.row(idx, false);
      (r.kind === 'model' ? models : r.kind === 'app' ? apps : datasets).push(r);
      if (r.asset) {
        people.addAsset(r.asset);
        if (r.asset.domain) domains.add(r.asset.domain);
      }
    }
    const label = g.label[start]!;
    const info = this.directory.get(label);
    return {
      subject: {
        node: label,
        kind: KIND_NAMES[g.kind[start]!]!,
        ...(field ? { field } : {}),
        asset: info ? view(info) : null,
      },
      at: at ?? new Date().toISOString(),
      depth,
      datasets,
      models,
      apps,
      jobs: t.jobs,
      cycles: t.cycles,
      notify: people.list(),
      domains: [...domains].sort(),
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
      w.depth[v] = d;
      w.via[v] = from;
      w.job[v] = through;
      w.ver[v] = -1;
      w.role[v] = 0;
      order.push(v);
    };
    w.seen[start] = w.stamp;
    for (const h of [...hits].sort((a, b) => a.depth - b.depth))
      if (h.idx !== start) mark(h.idx, h.depth, h.from, -1);
    const systems = (k: number) => k === K_MODEL || k === K_APP;
    for (const u of [start, ...order]) {
      if (systems(g.kind[u]!)) continue;
      const d = u === start ? 0 : w.depth[u]!;
      g.eachOut(u, (v) => {
        if (systems(g.kind[v]!)) mark(v, d + 1, u, -1);
        else if (g.kind[v] === K_JOB) g.eachOut(v, (x) => systems(g.kind[x]!) && mark(x, d + 1, u, v));
      });
    }
    const report = this.impactReport(start, { order, jobs: 0, cycles: [] }, depth, at, field);
    report.fields = hits.map((h) => ({
      node: g.label[h.idx]!,
      field: h.field,
      depth: h.depth,
      from: g.label[h.from]!,
    }));
    return report;
  }
}

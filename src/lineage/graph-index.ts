/**
 * The lineage graph in memory, for trace and impact at interactive speed: nodes are catalog assets
 * (contracts, models, applications — every OpenLineage name a contract answers to folds into it),
 * unmanaged datasets and jobs; edges are compressed adjacency arrays in both directions, plus the
 * edges reported since the last rebuild and the links models and applications declare. The index
 * follows the store: edges by batch sequence number, assets through the Directory; writes made
 * through this process are visible at once, other servers' after `maxStalenessMs`.
 */
import { LINK_ROLES } from '../model/kinds/model-kind.js';
import type { EdgeRow, LineageStore, NodeRow } from '../store/lineage-store.js';
import type { Directory } from './directory.js';
import { Interner } from './interner.js';
import { CHARTER_NAMESPACE } from './naming.js';

export const K_UNMANAGED = 0;
export const K_DATASET = 1;
export const K_JOB = 2;
export const K_MODEL = 3;
export const K_APP = 4;

const X_DELTA_OUT = 1;
const X_DELTA_IN = 2;
const X_DECLARED_OUT = 4;
const X_DECLARED_IN = 8;
/** The node is on a cycle (its component in `scc`): a walk looks at components only from such nodes. */
export const IN_CYCLE = 16;
/**
 * Some of the node's incoming edges in the compressed arrays carry a role or a version: a walk
 * upstream reads `bRole` and `bVer` only for such nodes (most reported edges carry neither).
 */
export const ANNOTATED_IN = 32;
const annotated = (role: number, version: number) => role !== 0 || version !== -1;

/** Bits of `extra` that send a walk through `adjacent` (edges beyond the compressed arrays). */
export const EXTRA_IN = X_DELTA_IN | X_DECLARED_IN;
export const EXTRA_OUT = X_DELTA_OUT | X_DECLARED_OUT;

export const KIND_NAMES = ['dataset', 'dataset', 'job', 'model', 'app'] as const;

/** Edge roles: 0 none, 1.. LINK_ROLES, then `model` (a model an application runs). */
export const ROLE_NAMES: readonly (string | null)[] = [null, ...LINK_ROLES, 'model'];
const roleCode = (role: string | null | undefined) => {
  return role ? Math.max(0, ROLE_NAMES.indexOf(role)) : 0;
};

class Grow {
  a: Int32Array;
  n = 0;
  constructor(capacity = 1024) {
    this.a = new Int32Array(Math.max(16, capacity));
  }
  push(v: number) {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/**
 * One node's neighbours as `adjacent` finds them: entries `from` to `to` (exclusive) of `node`,
 * and upstream of `role` and `ver` (the role and version of each link; downstream, where no walk
 * needs them, they are left as they were). These are the index's own arrays when every neighbour
 * is in them (nothing copied), else buffers this object reuses (no allocation per node).
 */
export class Adjacency {
  node = new Int32Array(0);
  role = new Uint8Array(0);
  ver = new Int32Array(0);
  from = 0;
  to = 0;
  private buffer = { node: new Int32Array(256), role: new Uint8Array(256), ver: new Int32Array(256) };

  /** Points at the buffers, grown to hold n entries. */
  buffered(n: number) {
    if (n > this.buffer.node.length) {
      const size = Math.max(n, this.buffer.node.length * 2);
      this.buffer = { node: new Int32Array(size), role: new Uint8Array(size), ver: new Int32Array(size) };
    }
    this.node = this.buffer.node;
    this.role = this.buffer.role;
    this.ver = this.buffer.ver;
    this.from = 0;
  }
}

export interface NodeView {
  idx: number;
  kind: (typeof KIND_NAMES)[number];
  managed: boolean;
  /** The asset ref, or `namespace/name` as OpenLineage reported it. */
  label: string;
  namespace?: string;
  name?: string;
}

export interface IndexOptions {
  /** How old the index may be before a query refreshes it from the store (default 1000 ms; 0 = always). */
  maxStalenessMs?: number;
  now?: () => number;
}

export class GraphIndex {
  // Nodes.
  n = 0;
  kind = new Uint8Array(1024);
  /**
   * Per node, which of the delta and declared maps hold its edges (the X_* bits), so a walk
   * looks into those maps only for the few nodes that have entries there.
   */
  extra = new Uint8Array(1024);
  /**
   * What a report's row names, side by side so one memory access reads it all: node i's label at
   * 3i, then the namespace and name of an OpenLineage node that is not an asset (unmanaged dataset,
   * job) at 3i + 1 and 3i + 2 (undefined for an asset).
   */
  text: (string | undefined)[] = [];
  private byLabel = new Map<string, number>();
  private dbToIdx = new Int32Array(1024).fill(-1);

  // Base adjacency (compressed), rebuilt from all edges.
  fOff = new Int32Array(1);
  fDst = new Int32Array(0);
  fEdge = new Int32Array(0);
  bOff = new Int32Array(1);
  bSrc = new Int32Array(0);
  bEdge = new Int32Array(0);
  /**
   * Role and version of each backward entry, in `bSrc` order (copies of `eRole`/`eVer`): a trace
   * reads them with the predecessors, not from wherever the edge's number points.
   */
  bRole = new Uint8Array(0);
  bVer = new Int32Array(0);
  /** Per edge: role code and version (index into `versions`, -1 none). */
  eRole = new Uint8Array(0);
  eVer = new Int32Array(0);
  eCount = 0;
  private versionNumbers = new Interner();

  // Edges reported since the base was built.
  dOut = new Map<number, number[]>();
  dIn = new Map<number, number[]>();
  private deltaCount = 0;

  // Links declared by models and applications: [node, role, version] triples per node.
  cOut = new Map<number, number[]>();
  cIn = new Map<number, number[]>();

  /** Strongly connected component of each node (cycles), -1 when alone. */
  scc = new Int32Array(0);
  private seq = 0;
  /** Bumped by every rebuild: node numbers are valid within one build (appended to, never reused). */
  builds = 0;
  private generation = -1;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private built = false;

  constructor(
    private readonly store: LineageStore,
    readonly directory: Directory,
    private readonly options: IndexOptions = {},
  ) {}

  get edges(): number {
    return this.eCount;
  }

  get isBuilt(): boolean {
    return this.built;
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  /** Makes the next query refresh first (this process changed the catalog). */
  invalidate(): void {
    this.lastRefresh = Number.NEGATIVE_INFINITY;
  }

  /** Brings the index up to date when it is older than the staleness bound (or `force`). */
  async fresh(force = false): Promise<void> {
    if (!force && this.built && this.now() - this.lastRefresh < (this.options.maxStalenessMs ?? 1000)) return;
    if (this.refreshing) return this.refreshing;
    this.refreshing = this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const started = this.now();
    await this.directory.refresh();
    if (!this.built || this.directory.generation !== this.generation) await this.build();
    else await this.follow();
    this.lastRefresh = started;
  }

  node(idx: number): NodeView {
    const k = this.kind[idx]!;
    const ol = this.olName(idx);
    return {
      idx,
      kind: KIND_NAMES[k]!,
      managed: k !== K_UNMANAGED && k !== K_JOB,
      label: this.labelOf(idx),
      ...(ol ? { namespace: ol[0], name: ol[1] } : {}),
    };
  }

  /** What trace and impact call a node: its asset ref, or `namespace/name` as reported. */
  labelOf(idx: number): string {
    return this.text[3 * idx]!;
  }

  /** Namespace and name of a node that is not an asset (unmanaged dataset, job). */
  olName(idx: number): [string, string] | undefined {
    const namespace = this.text[3 * idx + 1];
    return namespace === undefined ? undefined : [namespace, this.text[3 * idx + 2]!];
  }

  find(label: string): number | undefined {
    return this.byLabel.get(label);
  }

  private addNode(label: string, kind: number, ol?: [string, string]): number {
    const existing = this.byLabel.get(label);
    if (existing !== undefined) return existing;
    const idx = this.n++;
    if (idx >= this.kind.length) {
      const k = new Uint8Array(this.kind.length * 2);
      k.set(this.kind);
      this.kind = k;
      const x = new Uint8Array(this.kind.length);
      x.set(this.extra);
      this.extra = x;
    }
    this.kind[idx] = kind;
    this.text[3 * idx] = label;
    this.text[3 * idx + 1] = ol?.[0];
    this.text[3 * idx + 2] = ol?.[1];
    this.byLabel.set(label, idx);
    return idx;
  }

  private mapDb(id: number, idx: number) {
    if (id >= this.dbToIdx.length) {
      const m = new Int32Array(Math.max(id + 1, this.dbToIdx.length * 2)).fill(-1);
      m.set(this.dbToIdx);
      this.dbToIdx = m;
    }
    this.dbToIdx[id] = idx;
  }

  private assetKind(ref: string): number {
    if (ref.startsWith('model:')) return K_MODEL;
    if (ref.startsWith('app:')) return K_APP;
    return K_DATASET;
  }

  /** The index node of a stored lineage node: the asset it names, else its own. */
  private placeNode(row: NodeRow): number {
    // Labels are joined, not concatenated: a flat string, where `a + b` would be a rope of three
    // objects for every lookup and row to walk through.
    if (row.kind === 'job') {
      return this.addNode([row.namespace, row.name].join('/'), K_JOB, [row.namespace, row.name]);
    }
    const match = this.directory.names.match(row.namespace, row.name);
    if (match && (this.directory.get(match.ref) || row.namespace === CHARTER_NAMESPACE)) {
      const known = this.directory.get(match.ref);
      if (known || match.ref.startsWith('dataset:'))
        return this.addNode(match.ref, this.assetKind(match.ref));
    }
    const label = [row.namespace, row.name].join(row.name.startsWith('/') ? ':' : '/');
    return this.addNode(label, K_UNMANAGED, [row.namespace, row.name]);
  }

  /** The versions edges and links name, by the number `eVer`, `bVer` and the links hold. */
  get versions(): readonly string[] {
    return this.versionNumbers.names;
  }

  private versionOf(v: string | null): number {
    return this.versionNumbers.of(v);
  }

  /** Rebuilds everything: nodes from the directory and the store, edges, declared links, cycles. */
  async build(): Promise<void> {
    this.n = 0;
    this.kind = new Uint8Array(1024);
    this.extra = new Uint8Array(1024);
    this.text = [];
    this.byLabel = new Map();
    this.dbToIdx = new Int32Array(1024).fill(-1);
    this.versionNumbers = new Interner();
    this.generation = this.directory.generation;
    for (const info of this.directory.all()) {
      if (info.kind !== 'DataProduct') this.addNode(info.ref, this.assetKind(info.ref));
    }
    const seq = await this.store.headSeq();
    for (let after = 0; ; ) {
      const page = await this.store.nodesAfter(after, 50_000);
      for (const row of page) this.mapDb(row.id, this.placeNode(row));
      if (page.length < 50_000) break;
      after = page[page.length - 1]!.id;
    }
    const src = new Grow(1 << 16);
    const dst = new Grow(1 << 16);
    const role = new Grow(1 << 16);
    const ver = new Grow(1 << 16);
    for (let after = 0; ; ) {
      const page = await this.store.edgesAfter(after, 100_000);
      for (const e of page) {
        if (e.seq > seq) continue; // a batch committed meanwhile: the follow-up refresh reads it
        const s = this.dbToIdx[e.src] ?? -1;
        const d = this.dbToIdx[e.dst] ?? -1;
        if (s < 0 || d < 0) continue;
        src.push(s);
        dst.push(d);
        role.push(roleCode(e.role));
        ver.push(this.versionOf(e.version));
      }
      if (page.length < 100_000) break;
      after = page[page.length - 1]!.id;
    }
    this.compress(
      src.a.subarray(0, src.n),
      dst.a.subarray(0, dst.n),
      Uint8Array.from(role.a.subarray(0, role.n)),
      ver.a.slice(0, ver.n),
    );
    this.seq = seq;
    this.declare();
    this.cycles();
    this.builds += 1;
    this.built = true;
  }

  private compress(src: Int32Array, dst: Int32Array, role: Uint8Array, ver: Int32Array) {
    const n = this.n;
    const m = src.length;
    const fOff = new Int32Array(n + 1);
    const bOff = new Int32Array(n + 1);
    for (let i = 0; i < m; i++) {
      fOff[src[i]! + 1]! += 1;
      bOff[dst[i]! + 1]! += 1;
    }
    for (let i = 0; i < n; i++) {
      fOff[i + 1]! += fOff[i]!;
      bOff[i + 1]! += bOff[i]!;
    }
    const fDst = new Int32Array(m);
    const fEdge = new Int32Array(m);
    const bSrc = new Int32Array(m);
    const bEdge = new Int32Array(m);
    const bRole = new Uint8Array(m);
    const bVer = new Int32Array(m);
    const fPos = fOff.slice(0, n);
    const bPos = bOff.slice(0, n);
    for (let i = 0; i < m; i++) {
      const s = src[i]!;
      const d = dst[i]!;
      const fp = fPos[s]!++;
      fDst[fp] = d;
      fEdge[fp] = i;
      const bp = bPos[d]!++;
      bSrc[bp] = s;
      bEdge[bp] = i;
      bRole[bp] = role[i]!;
      bVer[bp] = ver[i]!;
      if (annotated(role[i]!, ver[i]!)) this.extra[d]! |= ANNOTATED_IN;
    }
    Object.assign(this, {
      fOff,
      fDst,
      fEdge,
      bOff,
      bSrc,
      bEdge,
      bRole,
      bVer,
      eRole: role,
      eVer: ver,
      eCount: m,
    });
    this.dOut = new Map();
    this.dIn = new Map();
    this.deltaCount = 0;
  }

  /** Reads the edges of batches after the last one seen; new pairs go to the delta lists. */
  private async follow(): Promise<void> {
    const head = await this.store.headSeq();
    if (head === this.seq) return;
    const rows = await this.store.edgesSince(this.seq);
    const unknown = new Set<number>();
    for (const e of rows) {
      if ((this.dbToIdx[e.src] ?? -1) < 0) unknown.add(e.src);
      if ((this.dbToIdx[e.dst] ?? -1) < 0) unknown.add(e.dst);
    }
    if (unknown.size)
      for (const row of await this.store.nodesById([...unknown])) this.mapDb(row.id, this.placeNode(row));
    for (const e of rows) this.addEdge(e);
    this.seq = Math.max(head, ...rows.map((r) => r.seq));
    if (this.deltaCount > Math.max(10_000, this.eCount / 4)) await this.build();
  }

  private addEdge(e: EdgeRow) {
    const s = this.dbToIdx[e.src] ?? -1;
    const d = this.dbToIdx[e.dst] ?? -1;
    if (s < 0 || d < 0) return;
    const existing = this.edgeBetween(s, d);
    if (existing >= 0) {
      if (e.role) this.eRole[existing] = roleCode(e.role);
      if (e.version !== null) this.eVer[existing] = this.versionOf(e.version);
      if (existing < this.eCount)
        for (let i = this.bOff[d] ?? 0, end = this.bOff[d + 1] ?? 0; i < end; i++)
          if (this.bEdge[i] === existing) {
            this.bRole[i] = this.eRole[existing]!;
            this.bVer[i] = this.eVer[existing]!;
            if (annotated(this.bRole[i]!, this.bVer[i]!)) this.extra[d]! |= ANNOTATED_IN;
          }
      return;
    }
    const id = this.eCount + this.deltaCount;
    if (id >= this.eRole.length) {
      const r = new Uint8Array(Math.max(1024, this.eRole.length * 2));
      r.set(this.eRole);
      this.eRole = r;
      const v = new Int32Array(Math.max(1024, this.eVer.length * 2));
      v.set(this.eVer);
      this.eVer = v;
    }
    this.eRole[id] = roleCode(e.role);
    this.eVer[id] = this.versionOf(e.version);
    this.deltaCount += 1;
    const out = this.dOut.get(s) ?? [];
    out.push(d, id);
    this.dOut.set(s, out);
    const inn = this.dIn.get(d) ?? [];
    inn.push(s, id);
    this.dIn.set(d, inn);
    this.extra[s]! |= X_DELTA_OUT;
    this.extra[d]! |= X_DELTA_IN;
    if (this.scc.length < this.n) {
      const grown = new Int32Array(Math.max(this.n, this.scc.length * 2)).fill(-1);
      grown.set(this.scc);
      this.scc = grown;
    }
    this.markCycle(s, d);
  }

  /** The edge s → d already indexed (reported edges only), or -1. */
  private edgeBetween(s: number, d: number): number {
    for (let i = this.fOff[s] ?? 0, end = this.fOff[s + 1] ?? 0; i < end; i++)
      if (this.fDst[i] === d) return this.fEdge[i]!;
    const delta = this.dOut.get(s);
    if (delta) for (let i = 0; i < delta.length; i += 2) if (delta[i] === d) return delta[i + 1]!;
    return -1;
  }

  /** A new edge s → d closes a cycle when s is reachable from d: mark the nodes on that path. */
  private markCycle(s: number, d: number) {
    if (s === d) {
      this.scc[s] = this.scc[s]! >= 0 ? this.scc[s]! : this.n + s;
      this.extra[s]! |= IN_CYCLE;
      return;
    }
    const parent = new Map<number, number>([[d, -1]]);
    const queue = [d];
    for (let head = 0; head < queue.length && parent.size < 50_000; head++) {
      const u = queue[head]!;
      let found = false;
      this.eachOut(u, (v) => {
        if (found || parent.has(v)) return;
        parent.set(v, u);
        if (v === s) found = true;
        else queue.push(v);
      });
      if (found) {
        const id = this.scc[s]! >= 0 ? this.scc[s]! : this.scc[d]! >= 0 ? this.scc[d]! : this.n + s;
        for (let v = s; v !== -1; v = parent.get(v)!) {
          this.scc[v] = id;
          this.extra[v]! |= IN_CYCLE;
        }
        return;
      }
    }
  }

  /**
   * Successors (or, upstream, predecessors) of u, upstream with the role and version of each link,
   * into `into` (see Adjacency); returns how many. The hot path of trace and impact: typed arrays
   * read in order, no callbacks, no copy for a node whose links all sit in the compressed arrays.
   */
  adjacent(u: number, upstream: boolean, into: Adjacency): number {
    const off = upstream ? this.bOff : this.fOff;
    const other = upstream ? this.bSrc : this.fDst;
    const start = off[u] ?? 0;
    const end = off[u + 1] ?? start;
    const x = this.extra[u]!;
    const delta =
      x & (upstream ? X_DELTA_IN : X_DELTA_OUT) ? (upstream ? this.dIn : this.dOut).get(u) : undefined;
    const declared =
      x & (upstream ? X_DECLARED_IN : X_DECLARED_OUT) ? (upstream ? this.cIn : this.cOut).get(u) : undefined;
    if (!delta && !declared) {
      into.node = other;
      if (upstream) {
        into.role = this.bRole;
        into.ver = this.bVer;
      }
      into.from = start;
      into.to = end;
      return end - start;
    }
    into.buffered(end - start + (delta ? delta.length >> 1 : 0) + (declared ? declared.length / 3 : 0));
    const { node, role, ver } = into;
    let k = 0;
    if (upstream) {
      const bRole = this.bRole;
      const bVer = this.bVer;
      for (let i = start; i < end; i++, k++) {
        node[k] = other[i]!;
        role[k] = bRole[i]!;
        ver[k] = bVer[i]!;
      }
    } else for (let i = start; i < end; i++, k++) node[k] = other[i]!;
    if (delta)
      for (let i = 0; i < delta.length; i += 2, k++) {
        const e = delta[i + 1]!;
        node[k] = delta[i]!;
        role[k] = this.eRole[e]!;
        ver[k] = this.eVer[e]!;
      }
    if (declared)
      for (let i = 0; i < declared.length; i += 3, k++) {
        node[k] = declared[i]!;
        role[k] = declared[i + 1]!;
        ver[k] = declared[i + 2]!;
      }
    into.to = k;
    return k;
  }

  /** Calls `fn(node, role, version)` for each successor of u (base, delta, declared). */
  eachOut(u: number, fn: (v: number, role: number, version: number) => void) {
    for (let i = this.fOff[u] ?? 0, end = this.fOff[u + 1] ?? 0; i < end; i++) {
      const e = this.fEdge[i]!;
      fn(this.fDst[i]!, this.eRole[e]!, this.eVer[e]!);
    }
    const delta = this.dOut.get(u);
    if (delta)
      for (let i = 0; i < delta.length; i += 2)
        fn(delta[i]!, this.eRole[delta[i + 1]!]!, this.eVer[delta[i + 1]!]!);
    const declared = this.cOut.get(u);
    if (declared)
      for (let i = 0; i < declared.length; i += 3) fn(declared[i]!, declared[i + 1]!, declared[i + 2]!);
  }

  /** Calls `fn(node, role, version)` for each predecessor of u (base, delta, declared). */
  eachIn(u: number, fn: (v: number, role: number, version: number) => void) {
    for (let i = this.bOff[u] ?? 0, end = this.bOff[u + 1] ?? 0; i < end; i++) {
      const e = this.bEdge[i]!;
      fn(this.bSrc[i]!, this.eRole[e]!, this.eVer[e]!);
    }
    const delta = this.dIn.get(u);
    if (delta)
      for (let i = 0; i < delta.length; i += 2)
        fn(delta[i]!, this.eRole[delta[i + 1]!]!, this.eVer[delta[i + 1]!]!);
    const declared = this.cIn.get(u);
    if (declared)
      for (let i = 0; i < declared.length; i += 3) fn(declared[i]!, declared[i + 1]!, declared[i + 2]!);
  }

  /** The links models and applications declare: dataset → system (inputs), system → dataset (outputs), model → application. */
  private declare() {
    this.cOut = new Map();
    this.cIn = new Map();
    const link = (from: number, to: number, role: number, version: number) => {
      const out = this.cOut.get(from) ?? [];
      out.push(to, role, version);
      this.cOut.set(from, out);
      const inn = this.cIn.get(to) ?? [];
      inn.push(from, role, version);
      this.cIn.set(to, inn);
      this.extra[from]! |= X_DECLARED_OUT;
      this.extra[to]! |= X_DECLARED_IN;
    };
    for (const info of this.directory.all()) {
      if (info.kind !== 'Model' && info.kind !== 'AiApplication') continue;
      const system = this.byLabel.get(info.ref);
      if (system === undefined) continue;
      for (const l of info.links ?? []) {
        const dataset = this.addNode(l.dataset, K_DATASET);
        const version = this.versionOf(l.version === 'latest' ? 'latest' : String(l.version));
        if (l.role === 'output') link(system, dataset, roleCode('output'), version);
        else link(dataset, system, roleCode(l.role), version);
      }
      for (const m of info.models ?? []) {
        const model = this.addNode(m.model, K_MODEL);
        link(model, system, roleCode('model'), this.versionOf(m.version ?? null));
      }
    }
  }

  /** Strongly connected components (iterative Tarjan); nodes outside any cycle get -1. */
  private cycles() {
    const n = this.n;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack = new Int32Array(n);
    const scc = new Int32Array(Math.max(n, 16)).fill(-1);
    let sp = 0;
    let counter = 0;
    const work: { v: number; next: number[]; i: number }[] = [];
    const successors = (v: number) => {
      const out: number[] = [];
      this.eachOut(v, (w) => out.push(w));
      return out;
    };
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1) continue;
      // Only nodes with successors can be on a cycle; skip the rest cheaply.
      if ((this.fOff[root + 1] ?? 0) === (this.fOff[root] ?? 0) && !this.cOut.has(root)) {
        index[root] = counter++;
        continue;
      }
      work.push({ v: root, next: successors(root), i: 0 });
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = 1;
      while (work.length) {
        const frame = work[work.length - 1]!;
        if (frame.i < frame.next.length) {
          const w = frame.next[frame.i++]!;
          if (index[w] === -1) {
            index[w] = low[w] = counter++;
            stack[sp++] = w;
            onStack[w] = 1;
            work.push({ v: w, next: successors(w), i: 0 });
          } else if (onStack[w]) low[frame.v] = Math.min(low[frame.v]!, index[w]!);
          continue;
        }
        work.pop();
        const v = frame.v;
        if (work.length) {
          const parent = work[work.length - 1]!.v;
          low[parent] = Math.min(low[parent]!, low[v]!);
        }
        if (low[v] === index[v]) {
          let size = 0;
          let selfLoop = false;
          const members: number[] = [];
          for (;;) {
            const w = stack[--sp]!;
            onStack[w] = 0;
            members.push(w);
            size++;
            if (w === v) break;
          }
          if (size === 1) this.eachOut(v, (w) => (selfLoop ||= w === v));
          if (size > 1 || selfLoop)
            for (const w of members) {
              scc[w] = v;
              this.extra[w]! |= IN_CYCLE;
            }
        }
      }
    }
    this.scc = scc;
  }
}

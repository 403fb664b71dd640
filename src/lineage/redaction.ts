/**
 * What a caller may see of a trace or an impact report. A node in a domain where the caller may not
 * read keeps its place in the report — its kind, depth, the role of its link and the node it was
 * reached from — so accountability paths stay connected and counts stay honest; but it shows only
 * an id valid within that one report (`restricted:N`), its domain and the domain's owners (whom to
 * ask for access), never its ref, names, fields, version, classification, quality or its own owners
 * and stewards. Jobs next to it on the far side are not named either. The accountable list is built
 * again from what is shown, with the domain's owners standing in for a restricted node's people.
 * Works on stored reports too: an outcome keeps the full trace it was recorded with, and each reader
 * sees it through their own roles.
 */
import type { GuardTarget } from '../catalog/access-guard.js';
import { kindOfRef } from '../model/kinds/index.js';
import { tryParseRef } from '../model/ref.js';
import {
  type Accountable,
  type CycleView,
  type ImpactReport,
  type LineageRow,
  People,
  suffixFor,
  type TraceReport,
} from './trace.js';

export interface RedactionContext {
  /** May the caller read this asset (a viewer or more in its domain, or the data office)? */
  canRead(target: GuardTarget): boolean;
  /** A domain's owners, declared on it or inherited from an ancestor. */
  domainOwners(domain: string): string[];
  /** A user's or team's display name. */
  title(ref: string): string;
}

/** The asset behind a row, as access control sees it; undefined for what lives in no domain. */
function targetOf(row: LineageRow): GuardTarget | undefined {
  if (row.asset) return { ref: row.asset.ref, kind: row.asset.kind, domain: row.asset.domain };
  // A model or dataset the graph names by its ref but the catalog no longer holds.
  const ref = tryParseRef(row.node);
  if (!ref?.domain) return undefined;
  return { ref: row.node, kind: kindOfRef(ref.kind)?.kind ?? ref.kind, domain: ref.domain };
}

/** The ids one report hands out: the same label gets the same id everywhere in it. */
class Ids {
  private readonly nodes = new Map<string, string>();
  private readonly jobs = new Map<string, string>();
  /** Labels of the nodes shown restricted, and their domains. */
  readonly hidden = new Map<string, string | null>();

  node(label: string): string {
    let id = this.nodes.get(label);
    if (!id) {
      id = `restricted:${this.nodes.size + 1}`;
      this.nodes.set(label, id);
    }
    return id;
  }

  job(label: string): string {
    let id = this.jobs.get(label);
    if (!id) {
      id = `restricted-job:${this.jobs.size + 1}`;
      this.jobs.set(label, id);
    }
    return id;
  }

  /** A node label as shown: its id when restricted. */
  label(label: string): string {
    return this.hidden.has(label) ? this.node(label) : label;
  }

  get count(): number {
    return this.hidden.size;
  }
}

class Redaction {
  readonly ids = new Ids();

  constructor(private readonly ctx: RedactionContext) {}

  /** Marks the rows the caller may not read (before any is rewritten, so `via` can be mapped). */
  mark(rows: readonly LineageRow[]): void {
    for (const r of rows) {
      const t = targetOf(r);
      if (t && !this.ctx.canRead(t)) this.ids.hidden.set(r.node, t.domain);
    }
  }

  row(r: LineageRow): LineageRow {
    const viaHidden = r.via !== null && this.ids.hidden.has(r.via);
    const via = r.via === null ? null : this.ids.label(r.via);
    // A job between a restricted node and the way back to the start could name that node.
    const job = r.job === null ? null : viaHidden ? this.ids.job(r.job) : r.job;
    if (!this.ids.hidden.has(r.node)) {
      return r.via === via && r.job === job ? r : { ...r, via, job };
    }
    const domain = this.ids.hidden.get(r.node) ?? null;
    return {
      node: this.ids.node(r.node),
      kind: r.kind,
      managed: true,
      depth: r.depth,
      role: r.role,
      via,
      job,
      asset: null,
      restricted: true,
      domain,
      requestAccessFrom: domain ? this.ctx.domainOwners(domain) : [],
    };
  }

  cycle(c: CycleView, known: ReadonlySet<string>): CycleView {
    const fromHidden = this.ids.hidden.has(c.from);
    // `to` is a node of the report, the start, or a job crossed next to `from`.
    const to = this.ids.hidden.has(c.to)
      ? this.ids.node(c.to)
      : fromHidden && !known.has(c.to)
        ? this.ids.job(c.to)
        : c.to;
    return { from: this.ids.label(c.from), to };
  }

  /** Everyone accountable for the shown rows; a restricted row's domain owners, saying why. */
  people(
    first: readonly Accountable[],
    rows: readonly { row: LineageRow; suffix: string }[],
    seed: (people: People) => void,
  ): Accountable[] {
    const titles = new Map(first.map((a) => [a.ref, a.title]));
    const people = new People((ref) => titles.get(ref) ?? this.ctx.title(ref));
    seed(people);
    for (const { row, suffix } of rows) {
      if (row.restricted) {
        for (const owner of row.requestAccessFrom ?? [])
          people.add(owner, `owner of domain:${row.domain}, which holds ${row.node}${suffix}`);
      } else if (row.asset) people.addAsset(row.asset, suffix);
    }
    return people.list();
  }
}

/** The trace as this caller may see it (the same object when every node is readable). */
export function redactTrace<T extends TraceReport>(report: T, ctx: RedactionContext): T {
  const r = new Redaction(ctx);
  r.mark(report.models);
  r.mark(report.datasets);
  if (!r.ids.count) return report;
  const known = new Set([
    report.subject.ref,
    ...report.models.map((m) => m.node),
    ...report.datasets.map((d) => d.node),
  ]);
  const models = report.models.map((m) => r.row(m));
  const datasets = report.datasets.map((d) => r.row(d));
  const accountable = r.people(
    report.accountable,
    [
      ...models.map((row) => ({ row, suffix: row.role ? ` (${row.role})` : '' })),
      ...datasets.map((row) => ({ row, suffix: suffixFor(row.role, row.depth) })),
    ],
    (people) => people.addAsset(report.subject),
  );
  return {
    ...report,
    models,
    datasets,
    cycles: report.cycles.map((c) => r.cycle(c, known)),
    accountable,
    restricted: r.ids.count,
  };
}

/** The impact report as this caller may see it (the same object when every node is readable). */
export function redactImpact(report: ImpactReport, ctx: RedactionContext): ImpactReport {
  const r = new Redaction(ctx);
  const all = [...report.datasets, ...report.models, ...report.apps];
  r.mark(all);
  if (!r.ids.count) return report;
  const known = new Set([report.subject.node, ...all.map((x) => x.node)]);
  const datasets = report.datasets.map((x) => r.row(x));
  const models = report.models.map((x) => r.row(x));
  const apps = report.apps.map((x) => r.row(x));
  const out: ImpactReport = {
    ...report,
    datasets,
    models,
    apps,
    cycles: report.cycles.map((c) => r.cycle(c, known)),
    notify: r.people(
      report.notify,
      [...datasets, ...models, ...apps].map((row) => ({ row, suffix: '' })),
      () => {},
    ),
    restricted: r.ids.count,
  };
  if (report.fields)
    out.fields = report.fields.map((f) =>
      r.ids.hidden.has(f.node)
        ? {
            node: r.ids.node(f.node),
            field: null,
            depth: f.depth,
            from: r.ids.label(f.from),
            restricted: true,
          }
        : { ...f, from: r.ids.label(f.from) },
    );
  return out;
}

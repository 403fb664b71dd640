/**
 * Data quality as a service over the catalog: runs a dataset's contract checks where its data lives,
 * stores the run, opens, updates or resolves the dataset's incident (assigned to its owners and
 * stewards), and appends both to the audit log in the same transaction. Also answers the reads:
 * runs, trends, scores rolled up per product, domain and owner, and incidents.
 */
import { randomUUID } from 'node:crypto';
import { type AuditEntry, appendEntries } from '../audit/audit-chain.js';
import { digestOf } from '../audit/digest.js';
import type { Catalog } from '../catalog/catalog.js';
import { domainName } from '../catalog/list-filters.js';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../model/errors.js';
import { parseRef } from '../model/ref.js';
import type { AssetRow } from '../store/catalog-store.js';
import type { QualityStore } from '../store/quality-store.js';
import { severityWeight } from './contract-checks.js';
import type { CheckEngine } from './engines/check-engine.js';
import type {
  CheckResult,
  CheckStatus,
  FailingCheck,
  Incident,
  QualityRun,
  RunStatus,
  RunSummary,
} from './quality-types.js';
import {
  type CheckSelector,
  DEFAULT_TIMEOUT_MS,
  defaultMasked,
  describeSelector,
  runContractChecks,
} from './run-checks.js';

export interface QualityOptions {
  /** Recorded on runs and incident changes. */
  actor: string;
  /** Folder that relative local paths resolve against (`--data-root`, `CHARTER_DATA_ROOT`, else cwd). */
  dataRoot?: string;
  timeoutMs?: number;
  engines?: readonly CheckEngine[];
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Refuse local data paths outside `dataRoot` (the server). */
  confined?: boolean;
}

export interface CheckSelection {
  ref?: string;
  product?: string;
  domain?: string;
  all?: boolean;
}

export interface CheckOptions {
  samples?: number;
  /** The contract's `server` to check (default: the first supported one). */
  server?: string;
  trigger?: QualityRun['trigger'];
  /** Run only these checks (by id or name, dimension, tag); datasets with none of them are left out. */
  select?: CheckSelector;
  /** A row filter (SQL condition) for a one-table contract; only with a single dataset ref. */
  filter?: string;
  /** Row filters per table of the contract; only with a single dataset ref. */
  filters?: Record<string, string>;
  /** Datasets done of total. */
  onProgress?: (done: number, total: number) => void;
}

/** What `charter check` prints with -o json and POST /api/v1/quality/runs returns. */
export interface CheckReport {
  status: RunStatus;
  datasets: number;
  counts: Record<CheckStatus, number>;
  runs: QualityRun[];
}

export interface DatasetScore {
  ref: string;
  /** A user's or team's roll-up: whether they own the dataset, steward it, or both. */
  as?: ('owner' | 'steward')[];
  score: number | null;
  status: RunStatus | null;
  checkedAt: string | null;
  runId: string | null;
}

/** What `charter quality REF` prints with -o json (GET /api/v1/quality/scores/REF). */
export interface QualityReport {
  ref: string;
  /** `owner`: a user or team, over the datasets they own or steward (declared, or through a domain). */
  kind: 'dataset' | 'product' | 'domain' | 'owner';
  /** Mean of the datasets' latest scores (a dataset: its latest score). */
  score: number | null;
  datasets: DatasetScore[];
  /** A dataset's runs, newest first (the trend). */
  trend?: RunSummary[];
  /** The latest run's checks that did not pass (a dataset only). */
  failing?: FailingCheck[];
}

const emptyCounts = (): Record<CheckStatus, number> => ({ passed: 0, failed: 0, error: 0, skipped: 0 });

/** Severity-weighted share of passing checks among those executed (0..100), or null. */
export function scoreOf(checks: readonly Pick<CheckResult, 'status' | 'severity'>[]): number | null {
  let total = 0;
  let passed = 0;
  for (const c of checks) {
    if (c.status === 'skipped') continue;
    const w = severityWeight(c.severity);
    total += w;
    if (c.status === 'passed') passed += w;
  }
  return total ? Math.round((passed / total) * 10_000) / 100 : null;
}

const mean = (values: (number | null)[]): number | null => {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null;
};

function failingOf(checks: readonly CheckResult[]): FailingCheck[] {
  return checks
    .filter((c) => c.status === 'failed' || c.status === 'error')
    .map((c) => ({
      id: c.id,
      status: c.status,
      name: c.name,
      measured: c.measured,
      expected: c.expected,
      ...(c.message ? { message: c.message } : {}),
    }));
}

export class QualityService {
  constructor(
    readonly catalog: Catalog,
    readonly store: QualityStore,
    private readonly options: QualityOptions,
  ) {}

  /** The same service acting for another actor (the server makes one per request). */
  as(actor: string): QualityService {
    return new QualityService(this.catalog, this.store, { ...this.options, actor });
  }

  /** Datasets named by a selection, in ref order. */
  async datasetsOf(selection: CheckSelection): Promise<string[]> {
    const chosen = [selection.ref, selection.product, selection.domain, selection.all].filter(
      (v) => v !== undefined && v !== false,
    );
    if (chosen.length !== 1)
      throw new InputError('Name exactly one of a dataset ref, --product, --domain or --all');
    if (selection.ref) {
      const ref = parseRef(selection.ref);
      if (ref.kind !== 'dataset')
        throw new InputError(
          `'${selection.ref}' is not a dataset; use --product or --domain for a product or a domain`,
        );
      return [selection.ref];
    }
    const datasets = await this.catalog.store.listAssets({ kind: 'DataContract', limit: 100_000 });
    if (selection.all) return datasets.map((d) => d.ref).sort();
    if (selection.domain) {
      const domain = selection.domain.replace(/^domain:/, '');
      await this.catalog.get(`domain:${domain}`);
      const domains = new Set(await this.domainTree(domain));
      return datasets
        .filter((d) => d.domain && domains.has(d.domain))
        .map((d) => d.ref)
        .sort();
    }
    const product = selection.product!.startsWith('product:')
      ? selection.product!
      : `product:${selection.product}`;
    await this.catalog.get(product);
    return this.productDatasets(product, datasets);
  }

  private async productDatasets(product: string, datasets?: AssetRow[]): Promise<string[]> {
    const all = datasets ?? (await this.catalog.store.listAssets({ kind: 'DataContract', limit: 100_000 }));
    const byUid = new Map(all.filter((d) => d.uid).map((d) => [d.uid!, d.ref]));
    const live = new Set(all.map((d) => d.ref));
    const out = new Set<string>();
    for (const r of await this.catalog.store.relationsFrom(product)) {
      if (r.type !== 'exposes') continue;
      const ref = r.target.startsWith('id:') ? byUid.get(r.target.slice(3)) : r.target;
      if (ref && live.has(ref)) out.add(ref);
    }
    return [...out].sort();
  }

  /** A domain and all its sub-domains, by name. */
  async domainTree(domain: string): Promise<string[]> {
    const out = [domain];
    for (let i = 0; i < out.length && out.length < 10_000; i++) {
      for (const r of await this.catalog.store.relationsTo(`domain:${out[i]}`)) {
        if (r.type !== 'childOf') continue;
        const child = r.source.replace(/^domain:/, '');
        if (!out.includes(child)) out.push(child);
      }
    }
    return out;
  }

  /** Which classifications are masked in samples: the charter's levels from `confidential` up. */
  private async maskRule(): Promise<(c: string | undefined) => boolean> {
    const [charter] = await this.catalog.store.listAssets({ kind: 'Charter', limit: 1 });
    const doc = charter ? (await this.catalog.store.getAsset(charter.ref))?.doc : undefined;
    const levels = (
      (doc?.spec as { classificationLevels?: unknown[] } | undefined)?.classificationLevels ?? []
    ).map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown })?.name ?? '')).toLowerCase());
    const threshold = levels.indexOf('confidential');
    return (c) => {
      if (!c) return false;
      const at = levels.indexOf(c.toLowerCase());
      if (threshold >= 0 && at >= 0) return at >= threshold;
      return defaultMasked(c);
    };
  }

  /** Checks every dataset of the selection, one after another, and stores each run. */
  async check(selection: CheckSelection, options: CheckOptions = {}): Promise<CheckReport> {
    const refs = await this.datasetsOf(selection);
    if (!refs.length) throw new NotFoundError('No datasets match; nothing was checked');
    if ((options.filter !== undefined || options.filters !== undefined) && !selection.ref)
      throw new InputError('A row filter applies to one dataset; name it by its ref');
    const masked = await this.maskRule();
    const runs: QualityRun[] = [];
    options.onProgress?.(0, refs.length);
    for (const [i, ref] of refs.entries()) {
      try {
        runs.push(await this.checkDataset(ref, options, masked));
      } catch (error) {
        // Checks chosen by id, dimension or tag: a dataset that has none of them is not checked.
        const noneChosen = error instanceof InputError && error.details?.noCheckSelected === true;
        if (!noneChosen || refs.length === 1) throw error;
      }
      options.onProgress?.(i + 1, refs.length);
    }
    if (!runs.length)
      throw new InputError(
        `No check of the ${refs.length} selected datasets matches ${describeSelector(options.select ?? {})}`,
      );
    const counts = emptyCounts();
    for (const run of runs) for (const k of Object.keys(counts) as CheckStatus[]) counts[k] += run.counts[k];
    const status: RunStatus = runs.some((r) => r.status === 'error')
      ? 'error'
      : runs.some((r) => r.status === 'failed')
        ? 'failed'
        : 'passed';
    return { status, datasets: runs.length, counts, runs };
  }

  async checkDataset(
    ref: string,
    options: CheckOptions = {},
    masked?: (c: string | undefined) => boolean,
  ): Promise<QualityRun> {
    const d = await this.catalog.describe(ref);
    if (d.asset.kind !== 'DataContract')
      throw new InputError(`'${ref}' is a ${d.asset.kind}, not a dataset; quality checks run on datasets`);
    const result = await runContractChecks(d.doc, {
      dataRoot: this.options.dataRoot ?? process.cwd(),
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.samples ? { samples: options.samples } : {}),
      ...(options.server ? { server: options.server } : {}),
      ...(this.options.engines ? { engines: this.options.engines } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
      ...(this.options.now ? { now: this.options.now } : {}),
      ...(this.options.confined ? { confined: true } : {}),
      ...(options.select ? { select: options.select } : {}),
      ...(options.filter !== undefined ? { filter: options.filter } : {}),
      ...(options.filters !== undefined ? { filters: options.filters } : {}),
      masked: masked ?? (await this.maskRule()),
    });
    const counts = emptyCounts();
    for (const c of result.checks) counts[c.status] += 1;
    const run: QualityRun = {
      ...result,
      id: randomUUID(),
      ref,
      domain: d.asset.domain,
      contractVersion: d.asset.version,
      actor: this.options.actor,
      trigger: options.trigger ?? 'manual',
      counts,
      score:
        result.status === 'error' &&
        !result.checks.some((c) => c.status !== 'skipped' && c.status !== 'error')
          ? null
          : scoreOf(result.checks),
      owners: d.owners.map((p) => p.ref),
      stewards: d.stewards.map((p) => p.ref),
    };
    await this.record(run);
    return this.withholdValues(run);
  }

  /** Stores the run, updates the incident and appends the audit records, all in one transaction. */
  private async record(run: QualityRun): Promise<void> {
    const time = run.finishedAt;
    // The dataset's quality before this run, read only for the capabilities that follow it (the AI-use gate).
    const followers = (this.catalog.options.plugins ?? []).filter((p) => p.afterQuality);
    const [latest] = followers.length ? await this.store.latestRuns([run.ref]) : [];
    let incident: Incident | undefined;
    await this.store.write(async (writer) => {
      const entries: AuditEntry[] = [
        {
          actor: run.actor,
          action: 'quality.run',
          ref: run.ref,
          version: run.contractVersion,
          afterDigest: digestOf(run.checks.map((c) => [c.id, c.status, c.measured])),
          details: {
            runId: run.id,
            status: run.status,
            score: run.score,
            counts: run.counts,
            trigger: run.trigger,
            ...(run.scope ? { scope: run.scope } : {}),
          },
        },
      ];
      await writer.insertRun(run);
      const open = await writer.openIncident(run.ref);
      incident = open;
      const failing = incidentFailing(run, open);
      const event = (action: 'opened' | 'updated' | 'resolved') => ({
        time,
        action,
        runId: run.id,
        actor: run.actor,
        failing: failing.map((f) => f.id),
      });
      let change: { incident: Incident; action: string } | undefined;
      if (failing.length && open) {
        const before = open.failing.map((f) => f.id).join('\n');
        const changed = before !== failing.map((f) => f.id).join('\n');
        const incident: Incident = {
          ...open,
          title: titleOf(run.ref, failing.length),
          failing,
          updatedAt: time,
          lastRunId: run.id,
          runs: open.runs + 1,
          timeline: changed ? [...open.timeline, event('updated')] : open.timeline,
        };
        await writer.saveIncident(incident);
        if (changed) change = { incident, action: 'incident.update' };
      } else if (failing.length) {
        const incident: Incident = {
          id: randomUUID(),
          ref: run.ref,
          domain: run.domain,
          state: 'open',
          title: titleOf(run.ref, failing.length),
          assignees: [...new Set([...run.owners, ...run.stewards])],
          failing,
          openedAt: time,
          updatedAt: time,
          resolvedAt: null,
          lastRunId: run.id,
          runs: 1,
          timeline: [event('opened')],
        };
        await writer.saveIncident(incident);
        change = { incident, action: 'incident.open' };
      } else if (open && run.status === 'passed' && !run.scope?.filters) {
        const incident: Incident = {
          ...open,
          state: 'resolved',
          failing: [],
          updatedAt: time,
          resolvedAt: time,
          lastRunId: run.id,
          runs: open.runs + 1,
          timeline: [...open.timeline, event('resolved')],
        };
        await writer.saveIncident(incident);
        change = { incident, action: 'incident.resolve' };
      }
      if (change) {
        entries.push({
          actor: run.actor,
          action: change.action,
          ref: run.ref,
          version: run.contractVersion,
          details: {
            incidentId: change.incident.id,
            runId: run.id,
            assignees: change.incident.assignees,
            failing: change.incident.failing.map((f) => f.id),
          },
        });
      }
      await appendEntries(writer, time, entries);
    });
    const before = { ...(latest ? { latest } : {}), ...(incident ? { incident } : {}) };
    for (const plugin of followers)
      await plugin.afterQuality?.({ ref: run.ref, runId: run.id, before }, { actor: run.actor });
  }

  async runs(options: { ref?: string; limit?: number }) {
    await this.catalog.checkFilters([{ name: 'ref', value: options.ref, names: ['dataset'] }]);
    return this.store.runs({ ...options, limit: Math.min(options.limit ?? 50, 1000) });
  }

  async run(id: string): Promise<QualityRun> {
    const run = await this.store.run(id);
    if (!run) throw new NotFoundError(`Quality run '${id}' not found`);
    return this.withholdValues(run);
  }

  /**
   * The run as the caller may see it: a dataset classified above the caller's clearance keeps its
   * results but loses its failing-row samples (access control decides, through the catalog's guard).
   */
  private async withholdValues(run: QualityRun): Promise<QualityRun> {
    if (!run.checks.some((c) => c.samples)) return run;
    const reason = await this.catalog.valuesWithheld(run.ref, [run.contractVersion]);
    if (!reason) return run;
    return {
      ...run,
      checks: run.checks.map(({ samples: _samples, ...check }) => check),
      samplesWithheld: reason,
    };
  }

  /** The trend of a dataset, or the roll-up of a product, a domain or an owner (user or team). */
  async quality(ref: string, options: { limit?: number } = {}): Promise<QualityReport> {
    const parsed = parseRef(ref);
    // A roll-up counts only the datasets the caller may read.
    const scores = (runs: RunSummary[], refs: string[]): DatasetScore[] => {
      const byRef = new Map(runs.map((r) => [r.ref, r]));
      return refs
        .filter((r) => this.catalog.mayRead(r))
        .map((r) => {
          const run = byRef.get(r);
          return {
            ref: r,
            score: run?.score ?? null,
            status: run?.status ?? null,
            checkedAt: run?.finishedAt ?? null,
            runId: run?.id ?? null,
          };
        });
    };
    if (parsed.kind === 'dataset') {
      await this.catalog.get(ref);
      const trend = await this.store.runs({ ref, limit: Math.min(options.limit ?? 20, 1000) });
      // The score is the latest complete run's; partial runs (some checks, filtered rows) show in the trend.
      const [complete] = await this.store.latestRuns([ref]);
      const latest = complete ? await this.store.run(complete.id) : undefined;
      return {
        ref,
        kind: 'dataset',
        score: latest?.score ?? null,
        datasets: scores(complete ? [complete] : [], [ref]),
        trend,
        failing: latest ? failingOf(latest.checks) : [],
      };
    }
    if (parsed.kind === 'product' || parsed.kind === 'domain') {
      if (parsed.kind === 'product') await this.catalog.get(ref);
      const refs =
        parsed.kind === 'product'
          ? await this.productDatasets(ref)
          : await this.datasetsOf({ domain: parsed.name });
      const datasets = scores(await this.store.latestRuns(refs), refs);
      // Not a score of nothing: that would read as a domain with no data.
      if (parsed.kind === 'domain' && refs.length && !datasets.length)
        throw new NotAllowedError(
          `${this.options.actor} may not read the datasets of ${ref}: it needs viewer on ${ref}`,
          { ref, domain: parsed.name, needs: 'viewer' },
        );
      return { ref, kind: parsed.kind, score: mean(datasets.map((d) => d.score)), datasets };
    }
    if (parsed.kind === 'user' || parsed.kind === 'team') {
      await this.catalog.get(ref);
      // What they answer for now, as `charter get datasets --owner` lists it (and as incidents are
      // assigned): the datasets they own or steward, named on them or through a domain.
      const mine = await this.catalog.list('datasets', { owner: ref, limit: 100_000 });
      const refs = mine.map((d) => d.ref);
      const roles = new Map(
        mine.map((d) => [
          d.ref,
          [
            ...(d.owners.includes(ref) ? (['owner'] as const) : []),
            ...(d.stewards.includes(ref) ? (['steward'] as const) : []),
          ],
        ]),
      );
      // `as` right after the ref, where the API's schema (and so its JSON) puts it.
      const datasets = scores(await this.store.latestRuns(refs), refs).map(({ ref: dataset, ...d }) => ({
        ref: dataset,
        as: roles.get(dataset)!,
        ...d,
      }));
      return { ref, kind: 'owner', score: mean(datasets.map((d) => d.score)), datasets };
    }
    throw new InputError(`'${ref}' has no quality score; give a dataset, product, domain, user or team ref`);
  }

  async incidents(options: {
    domain?: string;
    assignee?: string;
    state?: 'open' | 'resolved' | 'all';
    limit?: number;
  }) {
    await this.catalog.checkFilters([
      { name: 'domain', value: options.domain, names: 'domain' },
      { name: 'assignee', value: options.assignee, names: 'principal' },
    ]);
    const state = options.state ?? 'open';
    return this.store.incidents({
      ...(state !== 'all' ? { state } : {}),
      ...(options.domain ? { domains: await this.domainTree(domainName(options.domain)) } : {}),
      ...(options.assignee ? { assignee: options.assignee } : {}),
      limit: Math.min(options.limit ?? 500, 5000),
    });
  }

  /**
   * One incident, by its id or the start of it that lists show (`afca5f68`), when that names one.
   * A start matches only incidents the caller may read: a guess does not learn what it names.
   */
  async incident(id: string): Promise<Incident> {
    const incident = await this.store.incident(id);
    if (incident) return incident;
    const matches = /^[0-9a-f-]{4,35}$/.test(id)
      ? (await this.store.incidents({ idPrefix: id, limit: 1000 })).filter((i) => this.catalog.mayRead(i.ref))
      : [];
    if (matches.length > 1)
      throw new InputError(`'${id}' starts the ids of several incidents; give more of it, or the whole id`);
    if (!matches[0]) throw new NotFoundError(`Incident '${id}' not found`);
    return matches[0];
  }

  /**
   * A person's answer to an open incident: a note on what they found or did, or (`acknowledge`)
   * that they are on it. Kept in its timeline and in the audit log, with the caller as actor.
   * Its assignees may answer it, and whoever may write the dataset (contributor or more in its
   * domain, the data office).
   */
  async answerIncident(id: string, input: { note?: unknown; acknowledge?: boolean }): Promise<Incident> {
    const note = typeof input.note === 'string' ? input.note.trim() : '';
    if (!note) throw new InputError('note is required: say what you found or are doing about it');
    if (note.length > 2000) throw new InputError('note is longer than 2,000 characters');
    const found = await this.incident(id);
    const actor = this.options.actor;
    const { ref, domain } = found;
    this.catalog.requireRead(ref);
    if (!found.assignees.includes(actor) && !this.catalog.mayWrite(ref))
      throw new NotAllowedError(
        `${actor} may not answer incident ${found.id}: it is assigned to ${found.assignees.join(', ') || 'no one'}, and anyone else needs contributor on domain:${domain}`,
        { ref, domain, needs: 'contributor' },
      );
    const time = (this.options.now ?? (() => new Date()))().toISOString();
    const action = input.acknowledge ? 'acknowledged' : 'note';
    return this.store.write(async (writer) => {
      const open = await writer.openIncident(ref);
      if (open?.id !== found.id)
        throw new ConflictError(
          `Incident '${found.id}' is resolved: a passing run closed it${open ? ` (${ref} has a newer one: ${open.id})` : ''}`,
        );
      const answered: Incident = {
        ...open,
        updatedAt: time,
        timeline: [
          ...open.timeline,
          { time, action, runId: open.lastRunId, actor, failing: open.failing.map((f) => f.id), note },
        ],
      };
      await writer.saveIncident(answered);
      await appendEntries(writer, time, [
        {
          actor,
          action: input.acknowledge ? 'incident.acknowledge' : 'incident.note',
          ref,
          details: { incidentId: found.id, note },
        },
      ]);
      return answered;
    });
  }
}

/**
 * The failing checks an incident lists after this run. A complete run says what fails now. A run of
 * some checks replaces what it checked and keeps the rest. A run on filtered rows only adds: a
 * check that passes on some rows says nothing of the others.
 */
function incidentFailing(run: QualityRun, open: Incident | undefined): FailingCheck[] {
  const now = failingOf(run.checks);
  if (!run.scope || !open) return now;
  const found = new Set(now.map((f) => f.id));
  const ran = new Set(run.checks.map((c) => c.id));
  const kept = open.failing.filter((f) => !found.has(f.id) && (run.scope?.filters || !ran.has(f.id)));
  return [...kept, ...now];
}

function titleOf(ref: string, failing: number): string {
  return `${failing} failing check${failing === 1 ? '' : 's'} on ${ref}`;
}

/**
 * Governance operations around the policy engine: approvals and waivers (with separation of
 * duties), compliance sweeps per domain, owner and policy, `explain` of an effective policy set,
 * and running the tests policies carry.
 */
import { availableParallelism } from 'node:os';
import { appendEntries } from '../audit/audit-chain.js';
import type { Catalog } from '../catalog/catalog.js';
import { domainName } from '../catalog/list-filters.js';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../model/errors.js';
import { type CharterDoc, charterKind } from '../model/kinds/charter-kind.js';
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import type { WaiverDoc } from '../model/kinds/waiver-kind.js';
import { parseRef, tryParseRef } from '../model/ref.js';
import type { Violation } from '../model/violation.js';
import type { ApprovalRow, ApprovalState } from '../store/catalog-store.js';
import {
  type AssetStanding,
  type ComplianceCounts,
  type ComplianceCountsBy,
  ComplianceTally,
  countStandings,
  type FailingAsset,
  inDomainTree,
  NO_DOMAIN,
  type SweepFilter,
  type SweepItem,
  sweepItem,
} from './compliance-tally.js';
import {
  bindings,
  type CompiledPolicy,
  compilePolicy,
  effectivePrincipals,
  evaluatePolicy,
  fieldBindings,
  inScope,
  matches,
  type Subject,
} from './evaluate.js';
import type { GovernanceApi } from './governance-api.js';
import { domainChain, type GovernanceView, isAmong, loadView } from './governance-view.js';
import { PolicyEngine, subjectOf } from './policy-engine.js';
import {
  evaluateSubjects,
  planPages,
  readPages,
  type SubjectResult,
  type SweepOptions,
  type SweepPage,
  SweepPool,
  tallyPage,
} from './sweep.js';

export type { ComplianceCounts };

export interface ComplianceReport {
  evaluatedAt: string;
  policies: number;
  totals: ComplianceCounts;
  byDomain: ({ domain: string } & ComplianceCounts)[];
  byOwner: ({ owner: string } & ComplianceCounts)[];
  byPolicy: {
    policy: string;
    enforcement: string;
    source: string;
    matched: number;
    failing: number;
    waived: number;
    errors: number;
  }[];
  /**
   * The failing (and waived) assets, in the order they were swept: those from `page.offset`, at most
   * `page.limit` of them (all when the limit is null).
   */
  failing: FailingAsset[];
  /** Which part of the list of failing assets `failing` holds; `total` is the list's whole length. */
  page: { offset: number; limit: number | null; total: number };
  /**
   * Set when the audit log moved on during the sweep (`fromSeq` its head before, `toSeq` after): a
   * write landed while the assets were read, and the pages read before it and after it saw
   * different states. The report is not retried (on a busy catalog a retry could go on for ever);
   * the records in between say what changed.
   */
  changedDuring?: { fromSeq: number; toSeq: number };
}

/** Which assets a compliance run counts, and which of the failing ones its report lists. */
export interface ComplianceQuery {
  domain?: string;
  owner?: string;
  policy?: string;
  /** Failing assets to skip before the first listed (default 0). */
  offset?: number;
  /** Failing assets to list (default: all). The counts always cover every asset. */
  limit?: number;
}

/** The background run's report, the audit head it reflects, and where every asset stands. */
interface Standing {
  seq: number;
  report: ComplianceReport;
  assets: Map<string, AssetStanding>;
}

export interface ExplainEntry {
  policy: string;
  source: string;
  enforcement: string;
  scope: string;
  description: string;
  /** For an asset: whether the policy applies to it and what it finds now. */
  applies?: boolean;
  result?: 'pass' | 'fail' | 'waived';
  violations?: Violation[];
}

export interface PolicyTestResult {
  policy: string;
  test: string;
  expected: 'pass' | 'fail';
  actual: 'pass' | 'fail';
  ok: boolean;
  violations: Violation[];
}

export interface WaiverView {
  ref: string;
  policy: string;
  asset: string;
  field?: string;
  reason: string;
  expires: string;
  requestedBy: string;
  state: WaiverState;
  decidedBy: string | null;
}

export const WAIVER_STATES = ['requested', 'active', 'expired', 'rejected'] as const;
export type WaiverState = (typeof WAIVER_STATES)[number];

/** Classification levels used by `policy test` when no charter is known. */
export const DEFAULT_LEVELS = ['public', 'internal', 'confidential', 'restricted'] as const;

const SWEEP_KINDS = ['DataContract', 'DataProduct', 'Domain', 'Team', 'GlossaryTerm'];

export interface GovernanceOptions {
  /** Worker threads for compliance sweeps of large catalogs (default: the CPUs available). */
  workers?: number;
  /**
   * Catalogs of more assets than this are swept on worker threads (default 20,000). Starting workers
   * and warming their code costs about a second; measured on 2 CPUs (`bench:policy`), two workers
   * were slower than one thread at 10,000 assets, 7% faster at 20,000, 1.24x at 40,000.
   */
  parallelFrom?: number;
  /** Assets per page of a sweep, and so per piece of work a worker is handed (default 2,000). */
  pageSize?: number;
  /**
   * The thread that asks for a large sweep takes pages too, beside `workers - 1` worker threads
   * (default true: a one-shot process such as the CLI has nothing else to do, and starts evaluating
   * at once while the workers load). A server sets it false: its thread answers requests, and the
   * sweep runs on `workers` worker threads.
   */
  callerSweeps?: boolean;
}

/**
 * Whether a policy can apply to any asset of a kind in a domain (`inScope` over the domain's chain).
 * A Domain asset is scoped by its own name, which the counts do not give, so Domains are always read.
 */
function mayApply(
  policy: CompiledPolicy,
  group: { kind: string; domain: string | null },
  view: GovernanceView,
): boolean {
  if (group.kind === 'Domain') return policy.kinds.has('Domain');
  const chain = group.domain ? domainChain(view, group.domain).map((d) => d.name) : [];
  return inScope(policy, group.kind, chain);
}

/**
 * An asset's standing without one policy, or with what a sweep of that policy alone found on it
 * (`found`, whose lists name that policy only).
 */
function withPolicy(a: AssetStanding, policy: string, found?: AssetStanding): AssetStanding {
  const swap = (mine: readonly string[], theirs: readonly string[] | undefined) => {
    const kept = mine.includes(policy) ? mine.filter((p) => p !== policy) : mine;
    return theirs?.includes(policy) ? [...kept, policy] : kept;
  };
  return {
    ...a,
    matched: swap(a.matched, found?.matched),
    failing: swap(a.failing, found?.failing),
    waived: swap(a.waived, found?.waived),
    errors: swap(a.errors, found?.errors),
  };
}

/** Where an asset stands on one policy alone (as a one-policy sweep counts it). */
function onlyPolicy(a: AssetStanding, policy: string): AssetStanding {
  const only = (list: readonly string[]) => (list.includes(policy) ? [policy] : []);
  return {
    ...a,
    matched: [policy],
    failing: only(a.failing),
    waived: only(a.waived),
    errors: only(a.errors),
  };
}

/** A report from its counts, with the policies' enforcement and source as compiled now. */
function reportOf(
  counts: ComplianceCountsBy,
  compiled: Map<string, CompiledPolicy>,
  page: { at: Date; policies: number; failing: FailingAsset[]; offset: number; limit: number | null },
): ComplianceReport {
  return {
    evaluatedAt: page.at.toISOString(),
    policies: page.policies,
    totals: counts.totals,
    byDomain: [...counts.byDomain]
      .map(([domain, c]) => ({ domain, ...c }))
      .sort((a, b) => a.domain.localeCompare(b.domain)),
    byOwner: [...counts.byOwner]
      .map(([owner, c]) => ({ owner, ...c }))
      .sort((a, b) => a.owner.localeCompare(b.owner)),
    byPolicy: [...counts.byPolicy]
      .map(([policy, s]) => ({
        policy,
        enforcement: compiled.get(policy)?.doc.spec.enforcement ?? '',
        source: compiled.get(policy)?.domain ? `domain:${compiled.get(policy)!.domain}` : 'charter',
        ...s,
      }))
      .sort((a, b) => a.policy.localeCompare(b.policy)),
    failing: page.failing,
    page: {
      offset: page.offset,
      limit: page.limit,
      total: counts.totals.failing + counts.totals.waived,
    },
  };
}

/** Refs whose change the background run follows by evaluating that asset again (see `reevaluate`). */
const ASSET_REF = /^(dataset|product|glossary|model|app):/;
/**
 * Audit actions that change nothing a sweep reads: tokens, webhooks, lineage ingests, outcomes,
 * quality runs and incidents, AI-use decisions, scan suggestions, classification conflicts, denials.
 */
const UNSWEPT_ACTION =
  /^(token-|webhook\.|lineage\.|outcome\.|quality\.|incident\.|ai\.|scan\.|classification\.conflict$|deny$)/;
/** Audit records since the background run beyond which it sweeps in full (and counts are swept). */
const FOLLOWED_RECORDS = 10_000;

export class Governance implements GovernanceApi {
  engine = new PolicyEngine();
  /** Set by the server: decisions that change compliance schedule the background run with these. */
  background: { done?: (report: ComplianceReport) => void; error?: (error: unknown) => void } | undefined;
  /** The server's governance, which keeps the background run, when this one serves one caller (`for`). */
  private root: Governance | undefined;
  private latest: ComplianceReport | undefined;
  private running: Promise<void> | undefined;
  private stale = false;
  /** What changed since the background run started last ('all': anything may have). */
  private changed: Set<string> | 'all' = 'all';
  /** Where the last background run left every asset (see `reevaluate`). */
  private standing: Standing | undefined;
  /** The background run planned for the next waiver to lapse (`planLapse`), and when it lapses. */
  private lapse: NodeJS.Timeout | undefined;
  private lapseAt = Number.POSITIVE_INFINITY;
  private readonly options: Required<GovernanceOptions>;

  constructor(
    private readonly catalog: Catalog,
    private readonly now: () => Date = () => new Date(),
    options: GovernanceOptions = {},
  ) {
    this.options = {
      workers: options.workers ?? availableParallelism(),
      parallelFrom: options.parallelFrom ?? 20_000,
      callerSweeps: options.callerSweeps ?? true,
      pageSize: options.pageSize ?? 2_000,
    };
  }

  private get store() {
    return this.catalog.store;
  }

  /** The same governance for a per-request catalog (its actor and access guard), sharing compiled policies. */
  for(catalog: Catalog): Governance {
    const scoped = new Governance(catalog, this.now, this.options);
    scoped.engine = this.engine;
    scoped.root = this.root ?? this;
    return scoped;
  }

  /** Whether the caller may see an asset, by ref (approvals, waivers, compliance rows). */
  private visible(ref: string, kind?: string, domain?: string | null): boolean {
    const guard = this.catalog.guard;
    if (!guard || guard.isAdmin) return true;
    const parsed = tryParseRef(ref);
    return guard.canRead({ ref, kind: kind ?? parsed?.kind ?? '', domain: domain ?? parsed?.domain ?? null });
  }

  view(): Promise<GovernanceView> {
    return loadView(this.store, undefined, this.now());
  }

  // --- approvals -----------------------------------------------------------------------------

  async approvals(filter: {
    state?: ApprovalState;
    ref?: string;
    type?: 'change' | 'waiver';
  }): Promise<ApprovalRow[]> {
    await this.catalog.checkFilters([{ name: 'ref', value: filter.ref, names: [] }]);
    const rows = await this.store.approvals({ ...filter, limit: 1000 });
    return rows.filter((r) => this.visible(r.ref, undefined, r.domain));
  }

  private async findOpen(idOrRef: string, type?: 'change' | 'waiver'): Promise<ApprovalRow> {
    const byId = await this.store.approvals({ id: idOrRef, limit: 1 });
    const rows = byId.length
      ? byId
      : await this.store.approvals({ ref: idOrRef, state: 'open', limit: 10, ...(type ? { type } : {}) });
    const row = rows.find((r) => r.state === 'open') ?? rows[0];
    if (!row) throw new NotFoundError(`No open approval for '${idOrRef}'`);
    if (row.state !== 'open')
      throw new ConflictError(`The approval for '${row.ref}' v${row.version} is already ${row.state}`);
    return row;
  }

  /** A policy's author may not waive it for an asset they own or steward. */
  private async refuseSelfWaiver(row: ApprovalRow, actor: string): Promise<void> {
    const waiver = await this.store.getAsset(row.ref);
    const spec = (waiver?.doc as unknown as WaiverDoc | undefined)?.spec;
    if (!spec) return;
    const policyVersions = await this.store.versions(spec.policy);
    const authors = new Set(policyVersions.map((v) => v.actor));
    if (!authors.has(actor)) return;
    const asset = await this.store.getAsset(spec.asset);
    if (!asset) return;
    const view = await this.view();
    const principals = effectivePrincipals(view, subjectOf(view, asset));
    if (isAmong(view, actor, [...principals.owners, ...principals.stewards])) {
      throw new NotAllowedError(
        `${actor} may not grant '${row.ref}': they wrote ${spec.policy} and own or steward ${spec.asset} (separation of duties)`,
      );
    }
  }

  /** Checks that `actor` may decide the approval: not its requester, and holding the role it needs. */
  private authorise(view: GovernanceView, row: ApprovalRow, actor: string): void {
    if (row.requestedBy === actor) {
      throw new NotAllowedError(
        `${actor} requested '${row.ref}' v${row.version} and cannot decide it; separation of duties needs someone else`,
      );
    }
    if (row.approverRole === 'data-office') {
      const office = view.charter?.spec.dataOffice ?? [];
      if (!office.length)
        throw new NotAllowedError(
          'The charter names no data office (spec.dataOffice), so nobody may approve yet',
        );
      if (!isAmong(view, actor, office)) {
        throw new NotAllowedError(
          `${actor} may not decide '${row.ref}': it needs the data office (${office.join(', ')})`,
        );
      }
      return;
    }
    const key = row.approverRole === 'steward' ? 'stewards' : 'owners';
    const allowed = domainChain(view, row.domain).flatMap((d) => d[key]);
    const office = view.charter?.spec.dataOffice ?? [];
    if (!isAmong(view, actor, allowed) && !isAmong(view, actor, office)) {
      throw new NotAllowedError(
        `${actor} may not decide '${row.ref}': it needs ${row.approverRole} on domain:${row.domain} or the data office`,
      );
    }
  }

  async decideApproval(
    idOrRef: string,
    decision: 'approved' | 'rejected',
    actor: string,
    reason: string | null,
    type?: 'change' | 'waiver',
  ) {
    const row = await this.findOpen(idOrRef, type);
    const view = await this.view();
    this.authorise(view, row, actor);
    if (row.type === 'waiver' && decision === 'approved') await this.refuseSelfWaiver(row, actor);
    if (decision === 'rejected' && !reason) throw new InputError('A rejection needs a reason (--reason)');
    const time = this.now().toISOString();
    const live = await this.store.getAsset(row.ref);
    // Read before the write transaction: the embedded store has one connection, held by the writer.
    const pendingVersion = row.type === 'change' ? await this.store.version(row.ref, row.version) : undefined;
    await this.store.write(async (writer) => {
      const [fresh] = await writer.approvals({ id: row.id, limit: 1 });
      if (fresh?.state !== 'open')
        throw new ConflictError(`The approval for '${row.ref}' was decided meanwhile`);
      const current = (await writer.current([row.ref])).get(row.ref);
      if (row.type === 'change' && decision === 'approved') {
        if (
          current &&
          current.state === 'live' &&
          live &&
          live.state === 'live' &&
          current.version > row.version
        ) {
          await writer.decideApproval(
            row.id,
            'superseded',
            actor,
            time,
            `version ${current.version} is live`,
          );
          throw new ConflictError(
            `'${row.ref}' v${row.version} was superseded by live v${current.version}; re-apply the change`,
          );
        }
        await writer.promote({ ...row.write!, state: 'live', doc: pendingVersion?.doc ?? null }, time, actor);
      }
      await writer.decideApproval(row.id, decision, actor, time, reason);
      const action =
        row.type === 'waiver'
          ? decision === 'approved'
            ? 'grant-waiver'
            : 'refuse-waiver'
          : decision === 'approved'
            ? 'approve'
            : 'reject';
      await appendEntries(writer, time, [
        {
          actor,
          action,
          ref: row.ref,
          version: row.version,
          beforeDigest: current?.state === 'live' ? current.digest : null,
          afterDigest: decision === 'approved' ? (row.write?.digest ?? null) : null,
          details: { approval: row.id, requestedBy: row.requestedBy, ...(reason ? { reason } : {}) },
        },
      ]);
    });
    // An approval makes its version live (a contract, a policy, the charter), which the catalog's
    // capabilities follow as they follow an apply (compliance, lineage, the AI-use gate), or grants
    // a waiver, which compliance follows.
    if (decision === 'approved' && row.type === 'change' && row.write)
      for (const plugin of this.catalog.options.plugins ?? [])
        await plugin.afterApply?.([{ ref: row.ref, kind: row.write.kind }], { actor });
    else if (decision === 'approved') this.complianceChanged([row.ref]);
    return { ...row, state: decision, decidedBy: actor, decidedAt: time, reason };
  }

  // --- waivers -------------------------------------------------------------------------------

  /** Waivers with their state; `ref`: only those of this asset. */
  async waivers(filter: { ref?: string; state?: WaiverState } = {}): Promise<WaiverView[]> {
    await this.catalog.checkFilters([{ name: 'ref', value: filter.ref, names: [] }]);
    if (filter.state && !WAIVER_STATES.includes(filter.state))
      throw new InputError(`state must be one of ${WAIVER_STATES.join(', ')} (got '${filter.state}')`);
    const rows = await this.store.scanAssets({ kind: 'Waiver', limit: 10_000 });
    const approvals = await this.store.approvals({ type: 'waiver', limit: 100_000 });
    const now = this.now().getTime();
    return rows
      .filter(
        (a) =>
          this.visible(a.ref, a.kind, a.domain) &&
          (!filter.ref || (a.doc as unknown as WaiverDoc).spec.asset === filter.ref),
      )
      .map((a) => {
        const doc = a.doc as unknown as WaiverDoc;
        const decision = approvals.filter((x) => x.ref === a.ref && x.version === a.version).pop();
        let state: WaiverView['state'] = 'requested';
        if (decision?.state === 'rejected') state = 'rejected';
        else if (decision?.state === 'approved')
          state = Date.parse(doc.spec.expires) <= now ? 'expired' : 'active';
        else if (Date.parse(doc.spec.expires) <= now) state = 'expired';
        const w: WaiverView = {
          ref: a.ref,
          policy: doc.spec.policy,
          asset: doc.spec.asset,
          reason: doc.spec.reason,
          expires: doc.spec.expires,
          requestedBy: decision?.requestedBy ?? a.updatedBy,
          state,
          decidedBy: decision?.decidedBy ?? null,
        };
        if (doc.spec.field) w.field = doc.spec.field;
        return w;
      })
      .filter((w) => !filter.state || w.state === filter.state);
  }

  // --- compliance ----------------------------------------------------------------------------

  async compliance(
    filter: ComplianceQuery = {},
    onProgress?: (done: number, total: number) => void,
  ): Promise<ComplianceReport> {
    await this.catalog.checkFilters([
      { name: 'domain', value: filter.domain, names: 'domain' },
      { name: 'owner', value: filter.owner, names: 'principal' },
    ]);
    const query = filter.domain ? { ...filter, domain: domainName(filter.domain) } : filter;
    return (await this.kept(query)) ?? (await this.sweep(query, onProgress)).report;
  }

  /**
   * In the server, the counts (`limit` 0: no failing assets listed) of the whole catalog, a domain's
   * tree or one policy are added up from where the background run left every asset, when that is
   * what a sweep would find now: that run has taken up every audit record that changes anything a
   * sweep reads (a run in progress is awaited), no waiver has lapsed since, and no policy reads
   * `now` (a verdict kept for a rule on time would age). The report's `evaluatedAt` is that run's.
   * An owner filter finds the assets the principal owns or stewards, as a sweep's does. Failing
   * assets to list, or a caller with restricted access, are swept.
   */
  private async kept(filter: ComplianceQuery): Promise<ComplianceReport | undefined> {
    const root = this.root ?? this;
    if (!root.background || filter.limit !== 0 || filter.offset) return undefined;
    const guard = this.catalog.guard;
    if (guard && !guard.isAdmin) return undefined;
    await root.running;
    const standing = root.standing;
    if (!standing || this.now().getTime() >= root.lapseAt) return undefined;
    const since = await this.sweptSince(standing.seq);
    if (!since || since.refs.length) return undefined;
    const view = await this.view();
    const compiled = this.engine.compiled(view);
    for (const policy of compiled.values()) if (policy.rule.readsNow) return undefined;
    const { domain, policy, owner } = filter;
    if (!domain && !policy && !owner) return standing.report;
    // A policy not (or no longer) there: the sweep says so.
    if (policy && !compiled.has(policy)) return undefined;
    let assets: Iterable<AssetStanding> = standing.assets.values();
    if (domain) {
      // As a sweep filters (`sweepItem`), once per scope domain.
      const inTree = new Map<string, boolean>();
      const within = (key: string) => {
        let found = inTree.get(key);
        if (found === undefined) {
          found = inDomainTree(view, key === NO_DOMAIN ? null : key, domain);
          inTree.set(key, found);
        }
        return found;
      };
      assets = [...assets].filter((a) => within(a.domain));
    }
    if (owner) assets = [...assets].filter((a) => a.owners.includes(owner) || a.stewards.includes(owner));
    if (policy)
      assets = [...assets].filter((a) => a.matched.includes(policy)).map((a) => onlyPolicy(a, policy));
    return reportOf(countStandings(assets), compiled, {
      at: new Date(standing.report.evaluatedAt),
      policies: policy ? 1 : compiled.size,
      failing: [],
      offset: 0,
      limit: 0,
    });
  }

  /**
   * The audit head, and the refs of the records after `seq` that change something a sweep reads
   * (records of tokens, lineage, quality runs and the like are passed over: `UNSWEPT_ACTION`);
   * undefined when more than `FOLLOWED_RECORDS` came since.
   */
  private async sweptSince(seq: number): Promise<{ head: number; refs: string[] } | undefined> {
    const head = (await this.store.auditHead()).seq;
    if (head - seq > FOLLOWED_RECORDS) return undefined;
    const since = head > seq ? await this.store.auditRefs({ afterSeq: seq, limit: head - seq }) : [];
    return { head, refs: since.filter((r) => !UNSWEPT_ACTION.test(r.action)).map((r) => r.ref) };
  }

  /**
   * A compliance run: the report, the tally it was made from (with where every asset stands, when
   * `standing`), and the audit head it started from.
   */
  private async sweep(
    filter: ComplianceQuery,
    onProgress?: (done: number, total: number) => void,
    standing = false,
  ): Promise<{ report: ComplianceReport; tally: ComplianceTally; seq: number }> {
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? null;
    for (const [name, value] of [
      ['offset', offset],
      ['limit', limit ?? 0],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0)
        throw new InputError(`${name} must be a whole number, 0 or more; got ${value}`);
    }
    // The audit head before the view is read and after the last page: a write between them may have
    // been seen by some pages and not others (see ComplianceReport.changedDuring).
    const before = await this.store.auditHead();
    const view = await this.view();
    const at = this.now();
    const compiled = this.engine.compiled(view);
    if (filter.policy && !compiled.has(filter.policy))
      throw new NotFoundError(`Policy '${filter.policy}' not found`);
    const one = filter.policy ? compiled.get(filter.policy) : undefined;
    // A one-policy sweep reads only the kinds and domains that policy can apply to.
    const counts = (await this.store.countAssets()).filter(
      (c) => SWEEP_KINDS.includes(c.kind) && (!one || mayApply(one, c, view)),
    );
    const total = counts.reduce((a, c) => a + c.count, 0);
    const pages = planPages(counts, SWEEP_KINDS, this.options.pageSize, one !== undefined);
    const sweepOptions: SweepOptions = filter.policy ? { now: at, policy: filter.policy } : { now: at };
    const sweepFilter: SweepFilter = {
      ...(filter.domain ? { domain: filter.domain } : {}),
      ...(filter.owner ? { owner: filter.owner } : {}),
    };
    // Large catalogs are swept on worker threads; small ones here.
    const workers = total > this.options.parallelFrom ? this.options.workers : 1;
    const connection = this.store.readConnection;
    const guard = this.catalog.guard;
    // How many failing assets to list, from the first swept.
    const keep = limit === null ? undefined : offset + limit;
    const tally = new ComplianceTally(filter.policy, keep, standing);
    if (workers > 1 && connection && (!guard || guard.isAdmin)) {
      // Each worker reads the pages it is handed from its own connection and sends back only their
      // tallies; this thread hands out pages (and sweeps some itself, unless it serves requests) and
      // adds the tallies up in page order.
      const here = this.options.callerSweeps;
      const read = { filter: sweepFilter, pageSize: this.options.pageSize };
      const pool = new SweepPool(view, {
        ...sweepOptions,
        workers: here ? workers - 1 : workers,
        read: { connection, ...read },
      });
      try {
        const tallies = await pool.tally(
          pages,
          (t) => {
            tally.scanned += t.scanned;
            onProgress?.(tally.scanned, total);
          },
          keep,
          standing,
          here
            ? (request) => tallyPage(this.store, this.engine, view, request, read, sweepOptions, true)
            : undefined,
        );
        tally.scanned = 0;
        for (const t of tallies) tally.add(t);
      } finally {
        await pool.close();
      }
    } else {
      // This thread reads, and the workers (if any) are sent the subjects: an in-memory SQLite store
      // cannot be opened by another thread, and a restricted caller's visibility is decided by its
      // guard, which lives on this thread.
      await this.sweepHere(view, pages, workers, sweepOptions, sweepFilter, tally, (done) =>
        onProgress?.(done, total),
      );
    }
    const after = await this.store.auditHead();
    const report = reportOf(tally, compiled, {
      at,
      policies: filter.policy ? 1 : compiled.size,
      failing: offset ? tally.failing.slice(offset) : tally.failing,
      offset,
      limit,
    });
    if (after.seq !== before.seq) report.changedDuring = { fromSeq: before.seq, toSeq: after.seq };
    return { report, tally, seq: before.seq };
  }

  /** The sweep read on this thread: pages evaluated here, or on the pool's workers while the next is read. */
  private async sweepHere(
    view: GovernanceView,
    pages: readonly SweepPage[],
    workers: number,
    sweepOptions: SweepOptions,
    filter: SweepFilter,
    tally: ComplianceTally,
    onProgress: (done: number) => void,
  ): Promise<void> {
    const pool = workers > 1 ? new SweepPool(view, { ...sweepOptions, workers }) : undefined;
    let done = 0;
    let inFlight: { items: SweepItem[]; results: Promise<SubjectResult[]>; done: number } | undefined;
    const finish = async (page: NonNullable<typeof inFlight>) => {
      const results = await page.results;
      for (const [i, item] of page.items.entries()) tally.record(item, results[i]!);
      onProgress(page.done);
    };
    try {
      for await (const page of readPages(this.store, pages, this.options.pageSize)) {
        const items: SweepItem[] = [];
        for (const asset of page) {
          done += 1;
          if (!this.visible(asset.ref, asset.kind, asset.domain)) continue;
          const item = sweepItem(view, asset, filter);
          if (item) items.push(item);
        }
        const subjects = items.map((i) => i.subject);
        const results = pool
          ? pool.evaluate(subjects)
          : Promise.resolve(evaluateSubjects(this.engine, view, subjects, sweepOptions));
        // Marked handled now: it is awaited only after the previous page is recorded.
        results.catch(() => undefined);
        if (inFlight) await finish(inFlight);
        inFlight = { items, results, done };
      }
      if (inFlight) await finish(inFlight);
    } finally {
      await pool?.close();
    }
  }

  private applyWaiversFor(view: GovernanceView, violations: Violation[]): Violation[] {
    return violations.map((v) => {
      const w = view.waivers.find(
        (w) => w.policy === v.policy && w.asset === v.asset && (!w.field || w.field === v.field),
      );
      return w ? { ...v, waivedBy: w.ref } : v;
    });
  }

  /** The report of the last background re-evaluation, if one has run. */
  latestCompliance(): ComplianceReport | undefined {
    return this.latest;
  }

  /**
   * Something compliance depends on changed (`refs` names it: an asset, a policy, a waiver, …):
   * schedules the server's background run, with its callbacks (`background`); nothing without one.
   */
  complianceChanged(refs?: readonly string[]): void {
    const root = this.root ?? this;
    if (root.background) void root.scheduleCompliance(root.background.done, root.background.error, refs);
  }

  /**
   * Re-evaluates compliance in the background (after every write, in the server). Runs never
   * overlap: a change during a run schedules one more run after it. `changed` names what changed
   * (absent: anything may have); what the audit log holds since the last run is added to it, and
   * only the policies and assets among them are evaluated again when nothing else changed
   * (`reevaluate`).
   */
  scheduleCompliance(
    onDone?: (report: ComplianceReport) => void,
    onError?: (error: unknown) => void,
    changed?: readonly string[],
  ): Promise<void> {
    if (changed && this.changed !== 'all') for (const ref of changed) this.changed.add(ref);
    else this.changed = 'all';
    if (this.running) {
      this.stale = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.stale = false;
        const refs = this.changed;
        this.changed = new Set();
        try {
          this.latest = await this.reevaluate(refs);
          await this.planLapse();
          onDone?.(this.latest);
        } catch (error) {
          this.standing = undefined;
          onError?.(error);
        }
      } while (this.stale);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * A waiver lapses at its expiry with no action by anyone: the background run is scheduled for the
   * first expiry to come (a timer that does not keep the process alive), so the counts kept for
   * the metrics count its violation again then.
   */
  private async planLapse(): Promise<void> {
    clearTimeout(this.lapse);
    this.lapse = undefined;
    this.lapseAt = Number.POSITIVE_INFINITY;
    if (!this.background) return;
    const now = this.now().getTime();
    const next = Math.min(
      ...(await this.view()).waivers.map((w) => Date.parse(w.expires)).filter((t) => t > now),
    );
    if (!Number.isFinite(next)) return;
    this.lapseAt = next;
    // setTimeout holds at most 2^31-1 ms (about 24.8 days); a later expiry is planned again then.
    const delay = Math.min(next - now + 10, 2 ** 31 - 1);
    this.lapse = setTimeout(() => this.complianceChanged(['waiver:lapsed']), delay);
    this.lapse.unref();
  }

  /**
   * The background run: the counts of every asset (the failing ones are not listed, the report is
   * kept for the metrics). A full sweep keeps where every asset stands. After it, when every audit
   * record since names a policy or an asset (a contract, product, glossary term, model or
   * application; records of tokens, lineage, outcomes, quality runs and the like are passed over),
   * only those are evaluated again: a changed policy over the assets it can apply to, a changed
   * asset against every policy (a deleted one leaves the counts). The counts are then added up anew
   * from where every asset stands: the report a full sweep would give (tests compare them). A
   * change to the charter, a domain, a team, a user or a waiver sweeps in full.
   */
  private async reevaluate(changed: Set<string> | 'all'): Promise<ComplianceReport> {
    const standing = this.standing;
    if (standing && changed !== 'all') {
      // Every record after this head is followed by the next run (each write schedules one).
      const since = await this.sweptSince(standing.seq);
      if (since) {
        const refs = new Set([...changed, ...since.refs]);
        const policies = [...refs].filter((ref) => ref.startsWith('policy:'));
        const assets = [...refs].filter((ref) => ASSET_REF.test(ref));
        if (policies.length + assets.length === refs.size)
          return this.move(standing, since.head, policies, assets);
      }
    }
    this.standing = undefined;
    const run = await this.sweep({ limit: 0 }, undefined, true);
    // Kept even when a write landed during the sweep: its record comes after `run.seq`, so the next
    // run evaluates what it changed (on a busy server, sweeping in full until a quiet moment would
    // never end).
    this.standing = {
      seq: run.seq,
      report: run.report,
      assets: new Map((run.tally.standing ?? []).map((a) => [a.ref, a])),
    };
    return run.report;
  }

  /**
   * Evaluates these policies again over the assets each can apply to, and these assets against
   * every policy, then counts anew from where every asset stands.
   */
  private async move(
    standing: Standing,
    head: number,
    policies: string[],
    assets: string[],
  ): Promise<ComplianceReport> {
    const { assets: all } = standing;
    const view = await this.view();
    const compiled = this.engine.compiled(view);
    const at = this.now();
    for (const policy of policies) {
      // Every asset first loses what it had from this policy, then gets what it finds now.
      for (const [ref, a] of all) if (a.matched.includes(policy)) all.set(ref, withPolicy(a, policy));
      if (!compiled.has(policy)) continue;
      const run = await this.sweep({ policy, limit: 0 }, undefined, true);
      for (const found of run.tally.standing ?? []) {
        const a = all.get(found.ref);
        // An asset the last run did not count is in `assets` (or in a record the next run follows).
        if (a) all.set(found.ref, withPolicy(a, policy, found));
      }
    }
    if (assets.length) {
      const tally = new ComplianceTally(undefined, 0, true);
      const items: SweepItem[] = [];
      for (const asset of await this.store.getAssets(assets)) {
        if (asset.state !== 'live' || !SWEEP_KINDS.includes(asset.kind)) continue;
        if (!this.visible(asset.ref, asset.kind, asset.domain)) continue;
        const item = sweepItem(view, asset, {});
        if (item) items.push(item);
      }
      const results = evaluateSubjects(
        this.engine,
        view,
        items.map((i) => i.subject),
        { now: at },
      );
      for (const [i, item] of items.entries()) tally.record(item, results[i]!);
      for (const ref of assets) all.delete(ref);
      for (const a of tally.standing ?? []) all.set(a.ref, a);
    }
    const report = reportOf(countStandings(all.values()), compiled, {
      at,
      policies: compiled.size,
      failing: [],
      offset: 0,
      limit: 0,
    });
    standing.seq = head;
    standing.report = report;
    return report;
  }

  // --- explain -------------------------------------------------------------------------------

  async explain(ref: string): Promise<{ subject: string; domain: string | null; policies: ExplainEntry[] }> {
    const parsed = parseRef(ref);
    const view = await this.view();
    if (parsed.kind === 'domain') {
      if (!view.domains.has(parsed.name)) throw new NotFoundError(`Domain '${ref}' not found`);
      const entries = this.engine
        .effectiveFor(view, parsed.name)
        .map(({ policy, source }) => entry(policy.doc, policy.ref, source));
      return { subject: ref, domain: parsed.name, policies: entries };
    }
    const { asset, doc } = await this.catalog.get(ref);
    const subject: Subject = subjectOf(view, { ...asset, doc });
    const scopeDomain = asset.kind === 'Domain' ? asset.name : asset.domain;
    const fields = fieldBindings(doc);
    const base = bindings(subject, { view, now: this.now() });
    const entries = this.engine.effectiveFor(view, scopeDomain).map(({ policy, source }) => {
      const e = entry(policy.doc, policy.ref, source);
      e.applies = matches(policy, subject, view, fields);
      if (e.applies) {
        const violations = this.applyWaiversFor(
          view,
          evaluatePolicy(policy, subject, { view, now: this.now() }, fields, base),
        );
        e.violations = violations;
        e.result = violations.some((v) => !v.waivedBy) ? 'fail' : violations.length ? 'waived' : 'pass';
      }
      return e;
    });
    return { subject: ref, domain: asset.domain, policies: entries };
  }

  // --- tests ---------------------------------------------------------------------------------

  /** Runs the tests of the given policy documents (or of every policy in the catalog). */
  async testPolicies(
    docs?: { ref: string; doc: PolicyDoc }[],
    charter?: CharterDoc,
  ): Promise<PolicyTestResult[]> {
    const view = await this.view();
    if (charter) {
      const c = charterKind.normalize(charter);
      view.charter = c;
      view.levels = c.spec.classificationLevels.map((l) => l.name);
      view.ownershipTypes = c.spec.ownershipTypes?.map((t) => t.name) ?? view.ownershipTypes;
    }
    // Tests must not depend on an organisation being loaded: without a charter, the usual four levels.
    if (!view.levels.length) view.levels = [...DEFAULT_LEVELS];
    const list = docs ?? [...view.policies].map(([ref, doc]) => ({ ref, doc }));
    const out: PolicyTestResult[] = [];
    for (const { ref, doc } of list) {
      const policy = compilePolicy(ref, doc);
      if ('error' in policy) {
        out.push({
          policy: ref,
          test: '(compile)',
          expected: 'pass',
          actual: 'fail',
          ok: false,
          violations: [
            {
              policy: ref,
              enforcement: doc.spec.enforcement,
              asset: '',
              path: 'spec.rule',
              message: policy.error,
              error: policy.error,
            },
          ],
        });
        continue;
      }
      for (const test of doc.spec.tests ?? []) {
        const ctx = (test.context ?? {}) as Record<string, unknown>;
        const input = test.input;
        const kind = typeof input.kind === 'string' ? input.kind : [...policy.kinds][0]!;
        const domainName =
          (ctx.domain as { name?: string } | undefined)?.name ??
          (typeof input.domain === 'string' ? input.domain : undefined) ??
          (input.metadata as { domain?: string } | undefined)?.domain ??
          doc.metadata.domain ??
          'test';
        const testView: GovernanceView = { ...view, domains: new Map(view.domains), waivers: [] };
        if (!testView.domains.has(domainName) || ctx.domain) {
          const d = (ctx.domain ?? {}) as {
            owners?: string[];
            stewards?: string[];
            labels?: Record<string, string>;
            parent?: string;
            title?: string;
          };
          testView.domains.set(domainName, {
            name: domainName,
            ref: `domain:${domainName}`,
            parent: d.parent ?? testView.domains.get(domainName)?.parent ?? null,
            title: d.title ?? domainName,
            labels: d.labels ?? {},
            owners: d.owners ?? [],
            stewards: d.stewards ?? [],
          });
        }
        const subject: Subject = {
          ref: `test:${test.name}`,
          kind,
          domain: kind === 'Domain' ? null : domainName,
          doc: input,
          owners: (ctx.owners as string[] | undefined) ?? [],
          stewards: (ctx.stewards as string[] | undefined) ?? [],
          ...(ctx.lineage ? { lineage: ctx.lineage as Record<string, unknown> } : {}),
        };
        const now = typeof ctx.now === 'string' ? new Date(ctx.now) : this.now();
        const violations = evaluatePolicy(policy, subject, { view: testView, now });
        const actual = violations.length ? 'fail' : 'pass';
        out.push({
          policy: ref,
          test: test.name,
          expected: test.expect,
          actual,
          ok: actual === test.expect,
          violations,
        });
      }
    }
    return out;
  }
}

function entry(doc: PolicyDoc, ref: string, source: string): ExplainEntry {
  return {
    policy: ref,
    source,
    enforcement: doc.spec.enforcement,
    scope: doc.spec.scope ?? 'asset',
    description: doc.spec.description ?? doc.spec.message,
  };
}

export function isPolicyRef(text: string): boolean {
  return tryParseRef(text)?.kind === 'policy';
}

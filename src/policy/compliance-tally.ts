/**
 * What a compliance sweep adds up, asset by asset: totals, counts by domain, owner and policy, and
 * the failing assets in the order they were swept. The calling thread and each sweep worker (for
 * the pages it reads itself) keep the same tally, so a report merged from the workers' tallies in
 * page order is the report one thread builds.
 */
import type { Violation } from '../model/violation.js';
import type { AssetWithDoc } from '../store/catalog-store.js';
import { effectivePrincipals, type Subject } from './evaluate.js';
import { domainChain, type GovernanceView } from './governance-view.js';
import { subjectOf } from './policy-engine.js';
import type { SubjectResult } from './sweep.js';

export interface ComplianceCounts {
  assets: number;
  passing: number;
  failing: number;
  waived: number;
}

export interface PolicyCounts {
  matched: number;
  failing: number;
  waived: number;
  errors: number;
}

export interface FailingAsset {
  asset: string;
  domain: string | null;
  owners: string[];
  stewards: string[];
  violations: Violation[];
}

/** Which assets a sweep reports on: those in a domain's tree, those a principal owns or stewards. */
export interface SweepFilter {
  domain?: string;
  owner?: string;
}

/** One asset as the sweep evaluates and counts it. */
export interface SweepItem {
  ref: string;
  domain: string | null;
  /** The domain whose policies apply: the asset's own, or for a Domain the domain itself. */
  scopeDomain: string | null;
  subject: Subject;
  principals: { owners: string[]; stewards: string[] };
}

/** The asset as the sweep sees it, or undefined when the filter leaves it out. */
export function sweepItem(
  view: GovernanceView,
  asset: AssetWithDoc,
  filter: SweepFilter,
): SweepItem | undefined {
  const subject = subjectOf(view, asset);
  const scopeDomain = asset.kind === 'Domain' ? asset.name : asset.domain;
  if (filter.domain && !domainChain(view, scopeDomain).some((d) => d.name === filter.domain))
    return undefined;
  const principals = effectivePrincipals(view, subject);
  if (
    filter.owner &&
    !principals.owners.includes(filter.owner) &&
    !principals.stewards.includes(filter.owner)
  )
    return undefined;
  return { ref: asset.ref, domain: asset.domain, scopeDomain, subject, principals };
}

export function emptyCounts(): ComplianceCounts {
  return { assets: 0, passing: 0, failing: 0, waived: 0 };
}

/** A tally as plain data (what a worker sends back, as JSON). */
export interface TallyData {
  /** Assets read, counted or not (progress). */
  scanned: number;
  totals: ComplianceCounts;
  byDomain: [string, ComplianceCounts][];
  byOwner: [string, ComplianceCounts][];
  byPolicy: [string, PolicyCounts][];
  failing: FailingAsset[];
}

export class ComplianceTally {
  /** `policy`: a one-policy sweep, which counts only the assets that policy applies to. */
  constructor(private readonly policy?: string) {}

  scanned = 0;
  readonly totals = emptyCounts();
  readonly byDomain = new Map<string, ComplianceCounts>();
  readonly byOwner = new Map<string, ComplianceCounts>();
  readonly byPolicy = new Map<string, PolicyCounts>();
  readonly failing: FailingAsset[] = [];

  record({ ref, domain, scopeDomain, principals }: SweepItem, result: SubjectResult): void {
    if (this.policy && !result.matched.includes(this.policy)) return;
    for (const policy of result.matched) {
      const stats = this.policyCounts(policy);
      stats.matched += 1;
    }
    const violations = result.violations;
    const open = violations.filter((v) => !v.waivedBy);
    const status: keyof ComplianceCounts = open.length ? 'failing' : violations.length ? 'waived' : 'passing';
    for (const policy of new Set(violations.map((v) => v.policy))) {
      const stats = this.policyCounts(policy);
      const mine = violations.filter((v) => v.policy === policy);
      if (mine.some((v) => !v.waivedBy)) stats.failing += 1;
      else stats.waived += 1;
      if (mine.some((v) => v.error)) stats.errors += 1;
    }
    const bump = (map: Map<string, ComplianceCounts>, key: string) => {
      const c = map.get(key) ?? emptyCounts();
      c.assets += 1;
      c[status] += 1;
      map.set(key, c);
    };
    this.totals.assets += 1;
    this.totals[status] += 1;
    bump(this.byDomain, scopeDomain ?? '(none)');
    for (const owner of new Set(principals.owners)) bump(this.byOwner, owner);
    if (status === 'failing' || status === 'waived') {
      this.failing.push({
        asset: ref,
        domain,
        owners: principals.owners,
        stewards: principals.stewards,
        violations,
      });
    }
  }

  /** Adds the tally of assets swept after this one's (their failing assets follow this one's). */
  add(other: TallyData): void {
    this.scanned += other.scanned;
    addCounts(this.totals, other.totals);
    for (const [key, counts] of other.byDomain) addCounts(this.counts(this.byDomain, key), counts);
    for (const [key, counts] of other.byOwner) addCounts(this.counts(this.byOwner, key), counts);
    for (const [policy, counts] of other.byPolicy) {
      const stats = this.policyCounts(policy);
      stats.matched += counts.matched;
      stats.failing += counts.failing;
      stats.waived += counts.waived;
      stats.errors += counts.errors;
    }
    for (const f of other.failing) this.failing.push(f);
  }

  toJSON(): TallyData {
    return {
      scanned: this.scanned,
      totals: this.totals,
      byDomain: [...this.byDomain],
      byOwner: [...this.byOwner],
      byPolicy: [...this.byPolicy],
      failing: this.failing,
    };
  }

  private counts(map: Map<string, ComplianceCounts>, key: string): ComplianceCounts {
    let c = map.get(key);
    if (!c) {
      c = emptyCounts();
      map.set(key, c);
    }
    return c;
  }

  private policyCounts(policy: string): PolicyCounts {
    let stats = this.byPolicy.get(policy);
    if (!stats) {
      stats = { matched: 0, failing: 0, waived: 0, errors: 0 };
      this.byPolicy.set(policy, stats);
    }
    return stats;
  }
}

function addCounts(into: ComplianceCounts, from: ComplianceCounts): void {
  into.assets += from.assets;
  into.passing += from.passing;
  into.failing += from.failing;
  into.waived += from.waived;
}

/**
 * Scorecards per domain, per owner and per steward: the assets each is accountable for (datasets,
 * products, models, applications, declared on the asset or inherited from its domain), how many
 * have an owner and a steward, are described, classified and passing quality, the open incidents,
 * and the AI outcomes traced to them.
 */
import type { AssetInfo, Directory } from './directory.js';
import type { ScorecardRow, Scorecards } from './lineage-api.js';

function empty(key: string, title: string): ScorecardRow {
  return {
    key,
    title,
    assets: 0,
    datasets: 0,
    products: 0,
    models: 0,
    apps: 0,
    withOwnerAndSteward: 0,
    described: 0,
    classified: 0,
    qualityChecked: 0,
    passingQuality: 0,
    openIncidents: 0,
    outcomes: 0,
    score: null,
  };
}

/** Whether an asset meets every standard the scorecard counts. */
function meets(a: AssetInfo): boolean {
  if (!a.owners.length || !a.stewards.length || !a.description.trim()) return false;
  if (a.kind !== 'DataContract') return true;
  if (a.fields > a.classifiedFields) return false;
  return a.quality.status === null || a.quality.status === 'passed';
}

function count(row: ScorecardRow, a: AssetInfo, good: { n: number }) {
  row.assets += 1;
  if (a.kind === 'DataContract') row.datasets += 1;
  else if (a.kind === 'DataProduct') row.products += 1;
  else if (a.kind === 'Model') row.models += 1;
  else if (a.kind === 'AiApplication') row.apps += 1;
  if (a.owners.length && a.stewards.length) row.withOwnerAndSteward += 1;
  if (a.description.trim()) row.described += 1;
  if (a.kind === 'DataContract') {
    if (a.fields > 0 && a.classifiedFields === a.fields) row.classified += 1;
    if (a.quality.status !== null) row.qualityChecked += 1;
    if (a.quality.status === 'passed') row.passingQuality += 1;
    row.openIncidents += a.openIncidents;
  }
  if (meets(a)) good.n += 1;
}

export function scorecards(
  directory: Directory,
  outcomes: { byPrincipal: Map<string, number>; byDomain: Map<string, number> },
  options: {
    domains?: readonly string[];
    /** Only this user's or team's rows (as owner and as steward); no domain rows. */
    owner?: string;
    at?: string;
    /** Whether the reader may read this asset (undefined: all); assets it may not read are not counted. */
    canRead?: (asset: AssetInfo) => boolean;
  },
): Scorecards {
  const domains = new Map<string, { row: ScorecardRow; good: { n: number } }>();
  type Tally = Map<string, { row: ScorecardRow; good: { n: number } }>;
  const owners: Tally = new Map();
  const stewards: Tally = new Map();
  const tally = (rows: Tally, principal: string, a: AssetInfo) => {
    if (options.owner && principal !== options.owner) return;
    let t = rows.get(principal);
    if (!t) {
      t = { row: empty(principal, directory.title(principal)), good: { n: 0 } };
      rows.set(principal, t);
    }
    count(t.row, a, t.good);
  };
  const only = options.domains ? new Set(options.domains) : undefined;
  for (const name of directory.domainNames()) {
    if (only && !only.has(name)) continue;
    domains.set(name, { row: empty(name, name), good: { n: 0 } });
  }
  for (const a of directory.all()) {
    if (options.canRead && !options.canRead(a)) continue;
    if (a.domain && domains.has(a.domain)) {
      const d = domains.get(a.domain)!;
      count(d.row, a, d.good);
    }
    if (only && !(a.domain && only.has(a.domain))) continue;
    for (const owner of new Set(a.owners)) tally(owners, owner, a);
    for (const steward of new Set(a.stewards)) tally(stewards, steward, a);
  }
  const finish = (entries: Tally, counts: Map<string, number>) =>
    [...entries.values()]
      .map(({ row, good }) => ({
        ...row,
        outcomes: counts.get(row.key) ?? 0,
        score: row.assets ? Math.round((good.n / row.assets) * 1000) / 10 : null,
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  return {
    at: options.at ?? new Date().toISOString(),
    domains: options.owner ? [] : finish(domains, outcomes.byDomain),
    owners: finish(owners, outcomes.byPrincipal),
    stewards: finish(stewards, outcomes.byPrincipal),
  };
}

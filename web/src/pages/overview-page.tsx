/**
 * The data office's overview: every domain at a glance — assets, ownership, description and
 * classification coverage, quality, incidents, approvals and policy failures — as a table and small
 * charts, each figure linking to the assets behind it. The cheap figures come first; coverage and
 * compliance follow, and on a large catalog compliance runs only when asked (it evaluates every asset).
 */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, apiPath, cachedGet } from '../api/client';
import { fill, useFeatures } from '../api/features';
import type {
  Approval,
  ComplianceReport,
  Incident,
  Json,
  RunSummary,
  Scorecards,
  StatRow,
} from '../api/types';
import { useApi } from '../api/use-api';
import { Bars, Meter, StackedBars } from '../components/charts';
import { AskForAccess } from '../components/no-access';
import { Empty, ErrorNote, Loading, Note, PageHeader, Section, useTitle } from '../components/ui';
import { useAccess } from '../lib/access';
import { type CoverageRow, coverageByDomain, gapsOf } from '../lib/coverage';
import { fmt, pct, plural, when } from '../lib/format';
import { useOrg } from '../lib/org';
import { markReady } from '../lib/perf';

/** Above this many datasets and products, the browser does not read every manifest. */
export const SMALL_CATALOG = 2000;

interface Coverage {
  source: 'scorecards' | 'manifests';
  rows: Map<string, CoverageRow>;
  at?: string;
}

interface CoverageState {
  coverage?: Coverage;
  error?: ApiError;
  /** No way to compute it at this size. */
  skipped?: boolean;
  /** The server can compute it, but at this size only when asked. */
  onDemand?: boolean;
}

function useCoverage(total: number | undefined): CoverageState & { request: () => void } {
  const features = useFeatures();
  const { org } = useOrg();
  const [state, setState] = useState<CoverageState>({});
  const [requested, setRequested] = useState(false);
  useEffect(() => {
    if (!features.loaded || total === undefined || !org) return;
    let live = true;
    const small = total <= SMALL_CATALOG;
    if (features.scorecards && !small && !requested) {
      // Scorecards read every asset; on a large catalog the first computation takes a long time.
      setState({ onDemand: true });
    } else if (features.scorecards) {
      cachedGet<Scorecards>(fill(features.scorecards, {})).then(
        (s) =>
          live &&
          setState({
            coverage: {
              source: 'scorecards',
              at: s.at,
              rows: new Map(
                s.domains.map((d) => [
                  d.key,
                  {
                    domain: d.key,
                    assets: d.assets,
                    datasets: d.datasets,
                    withOwnerAndSteward: d.withOwnerAndSteward,
                    described: d.described,
                    classified: d.classified,
                  },
                ]),
              ),
            },
          }),
        (error: ApiError) => live && setState({ error }),
      );
    } else if (small) {
      Promise.all(
        ['datasets', 'products'].map((kind) =>
          cachedGet<{ documents: Json[] }>(apiPath('/export', { kind, format: 'json' })),
        ),
      ).then(
        ([datasets, products]) =>
          live &&
          setState({
            coverage: {
              source: 'manifests',
              rows: coverageByDomain(
                [...datasets!.documents, ...products!.documents].map((d) => gapsOf(org, d)),
              ),
            },
          }),
        (error: ApiError) => live && setState({ error }),
      );
    } else {
      setState({ skipped: true });
    }
    return () => {
      live = false;
    };
  }, [features.loaded, features.scorecards, total, org, requested]);
  return { ...state, request: () => setRequested(true) };
}

function useCompliance(total: number | undefined) {
  const [requested, setRequested] = useState(false);
  const auto = total !== undefined && total <= SMALL_CATALOG;
  // The overview shows counts only: the failing assets themselves are not listed (limit 0).
  const path = auto || requested ? apiPath('/compliance', { limit: 0 }) : null;
  const result = useApi<ComplianceReport>(path, { ttlMs: 5 * 60_000 });
  return { ...result, auto, requested, request: () => setRequested(true) };
}

/** Latest run per dataset, from the newest runs. */
function latestByDataset(runs: RunSummary[]): RunSummary[] {
  const seen = new Map<string, RunSummary>();
  for (const r of runs) if (!seen.has(r.ref)) seen.set(r.ref, r);
  return [...seen.values()];
}

const RUNS_READ = 1000;

export function OverviewPage() {
  useTitle('Overview');
  const features = useFeatures();
  const { org, error: orgError } = useOrg();
  const access = useAccess();
  const stats = useApi<{ counts: StatRow[] }>(apiPath('/stats'));
  const approvals = useApi<{ approvals: Approval[] }>(apiPath('/approvals', { state: 'open' }));
  const incidents = useApi<Incident[]>(
    features.incidents ? apiPath('/incidents', { state: 'open', limit: 5000 }) : null,
  );
  const runs = useApi<RunSummary[]>(features.quality ? apiPath('/quality/runs', { limit: RUNS_READ }) : null);

  const counts = useMemo(() => {
    const byDomain = new Map<string, { datasets: number; products: number; other: number }>();
    let datasets = 0;
    let products = 0;
    for (const row of stats.data?.counts ?? []) {
      const key = row.domain ?? '';
      const c = byDomain.get(key) ?? { datasets: 0, products: 0, other: 0 };
      if (row.kind === 'DataContract') {
        c.datasets += row.count;
        datasets += row.count;
      } else if (row.kind === 'DataProduct') {
        c.products += row.count;
        products += row.count;
      } else c.other += row.count;
      byDomain.set(key, c);
    }
    return { byDomain, datasets, products };
  }, [stats.data]);
  const total = stats.data ? counts.datasets + counts.products : undefined;
  const coverage = useCoverage(total);
  const compliance = useCompliance(total);

  const perDomain = useMemo(() => {
    const approvalsBy = new Map<string, number>();
    for (const a of approvals.data?.approvals ?? [])
      approvalsBy.set(a.domain ?? '', (approvalsBy.get(a.domain ?? '') ?? 0) + 1);
    const incidentsBy = new Map<string, number>();
    for (const i of incidents.data ?? [])
      incidentsBy.set(i.domain ?? '', (incidentsBy.get(i.domain ?? '') ?? 0) + 1);
    const qualityBy = new Map<string, { checked: number; passed: number }>();
    for (const r of latestByDataset(runs.data ?? [])) {
      const q = qualityBy.get(r.domain ?? '') ?? { checked: 0, passed: 0 };
      q.checked += 1;
      if (r.status === 'passed') q.passed += 1;
      qualityBy.set(r.domain ?? '', q);
    }
    const failingBy = new Map<string, number>();
    for (const d of compliance.data?.byDomain ?? []) failingBy.set(d.domain, d.failing);
    return { approvalsBy, incidentsBy, qualityBy, failingBy };
  }, [approvals.data, incidents.data, runs.data, compliance.data]);

  const ready = Boolean(org && stats.data);
  useEffect(() => {
    if (ready) markReady('overview');
  }, [ready]);
  const settled = (x: { loading: boolean }) => !x.loading;
  const complete =
    ready &&
    Boolean(coverage.coverage || coverage.skipped || coverage.onDemand || coverage.error) &&
    settled(approvals) &&
    settled(incidents) &&
    settled(runs) &&
    (!compliance.auto || settled(compliance));
  useEffect(() => {
    if (complete) markReady('overview-complete');
  }, [complete]);

  const error = orgError ?? stats.error;
  if (error) {
    return (
      <>
        <PageHeader title="Governance overview" />
        <ErrorNote error={error} title="The overview could not be loaded" />
      </>
    );
  }
  if (!org || !stats.data) {
    return (
      <>
        <PageHeader title="Governance overview" />
        <Loading label="Loading the organisation" />
      </>
    );
  }

  const qualityTotals = [...perDomain.qualityBy.values()].reduce(
    (a, q) => ({ checked: a.checked + q.checked, passed: a.passed + q.passed }),
    { checked: 0, passed: 0 },
  );
  const openApprovals = approvals.data?.approvals.length;
  const openIncidents = incidents.data?.length;
  const cov = coverage.coverage;
  const covTotals = cov
    ? [...cov.rows.values()].reduce(
        (a, r) => ({
          assets: a.assets + r.assets,
          datasets: a.datasets + r.datasets,
          withOwnerAndSteward: a.withOwnerAndSteward + r.withOwnerAndSteward,
          described: a.described + r.described,
          classified: a.classified + r.classified,
        }),
        { assets: 0, datasets: 0, withOwnerAndSteward: 0, described: 0, classified: 0 },
      )
    : undefined;

  if (!org.tree.length) {
    return (
      <>
        <PageHeader title="Governance overview" />
        <Empty title="No domains yet">
          <p>
            The catalog is empty. Apply a charter, domains and contracts — for example{' '}
            <code>charter apply -f examples/org</code>, or <code>charter demo</code> for the demo
            organisation.
          </p>
        </Empty>
      </>
    );
  }

  // A domain the user may not read answers with nothing: "no access", not a row of zeros.
  const open = org.tree.filter((d) => access.mayRead(d.name));
  const figureColumns = 7 + (features.quality ? 1 : 0) + (features.incidents ? 1 : 0);
  const byCount = open
    .map((d) => ({ d, n: counts.byDomain.get(d.name)?.datasets ?? 0 }))
    .sort((a, b) => b.n - a.n)
    .slice(0, 12);

  return (
    <>
      <PageHeader
        title="Governance overview"
        subtitle={
          <>
            {org.charter ? (
              <>
                Charter{' '}
                <Link to={`/charter/${String((org.charter.metadata as Json).name)}`}>
                  {String((org.charter.metadata as Json).name)}
                </Link>{' '}
                ·{' '}
              </>
            ) : (
              <>No charter yet · </>
            )}
            {plural(org.tree.length, 'domain')} · {plural(counts.datasets, 'dataset')} ·{' '}
            {plural(counts.products, 'data product')}
          </>
        }
      />
      <ul className="kpis" aria-label="Key figures">
        <li>
          <Link to="/catalog/datasets" className="kpi">
            <span className="kpi-value">{fmt(counts.datasets)}</span>
            <span className="kpi-label">datasets</span>
          </Link>
        </li>
        <li>
          <Link to="/work?tab=approvals" className="kpi">
            <span className="kpi-value">{openApprovals === undefined ? '…' : fmt(openApprovals)}</span>
            <span className="kpi-label">pending approvals</span>
          </Link>
        </li>
        <li>
          <Link to="/policies#failing" className="kpi">
            <span className="kpi-value">
              {compliance.data ? fmt(compliance.data.totals.failing) : compliance.loading ? '…' : '–'}
            </span>
            <span className="kpi-label">assets failing policies</span>
          </Link>
        </li>
        {features.incidents ? (
          <li>
            <Link to="/work?tab=incidents" className="kpi">
              <span className="kpi-value">{openIncidents === undefined ? '…' : fmt(openIncidents)}</span>
              <span className="kpi-label">open incidents</span>
            </Link>
          </li>
        ) : null}
        {features.quality ? (
          <li>
            <Link to="/catalog/datasets" className="kpi">
              <span className="kpi-value">
                {qualityTotals.checked ? pct(qualityTotals.passed, qualityTotals.checked) : '–'}
              </span>
              <span className="kpi-label">
                {qualityTotals.checked
                  ? `of ${fmt(qualityTotals.checked)} checked datasets pass`
                  : 'no quality runs yet'}
              </span>
            </Link>
          </li>
        ) : null}
        {covTotals ? (
          <li>
            <span className="kpi">
              <span className="kpi-value">{pct(covTotals.withOwnerAndSteward, covTotals.assets)}</span>
              <span className="kpi-label">have an owner and a steward</span>
            </span>
          </li>
        ) : null}
      </ul>

      <Section title="Domains" id="domains">
        <OverviewNotes coverage={coverage} total={total ?? 0} runs={runs.data?.length} />
        {open.length < org.tree.length ? (
          <p className="muted small">
            You may read what {fmt(open.length)} of the {plural(org.tree.length, 'domain')} hold; for the
            others, the table says whom to ask for access.
          </p>
        ) : null}
        <div className="table-wrap">
          <table className="data overview-table">
            <caption className="sr-only">
              Governance figures per domain; each figure links to the assets behind it
            </caption>
            <thead>
              <tr>
                <th scope="col">Domain</th>
                <th scope="col" className="num">
                  Datasets
                </th>
                <th scope="col" className="num">
                  Products
                </th>
                <th scope="col">Owner &amp; steward</th>
                <th scope="col">Described</th>
                <th scope="col">Classified</th>
                {features.quality ? <th scope="col">Quality</th> : null}
                {features.incidents ? (
                  <th scope="col" className="num">
                    Incidents
                  </th>
                ) : null}
                <th scope="col" className="num">
                  Approvals
                </th>
                <th scope="col" className="num">
                  Policy failures
                </th>
              </tr>
            </thead>
            <tbody>
              {org.tree.map((d) => {
                const c = counts.byDomain.get(d.name) ?? { datasets: 0, products: 0, other: 0 };
                const row = cov?.rows.get(d.name);
                const q = perDomain.qualityBy.get(d.name);
                const gaps = (gap: string) => `/domain/${d.name}?tab=gaps&gap=${gap}`;
                const name = (
                  <th scope="row" style={{ paddingLeft: `${0.6 + d.depth * 1.2}rem` }}>
                    {d.depth ? (
                      <span className="tree-mark" aria-hidden="true">
                        └{' '}
                      </span>
                    ) : null}
                    <Link to={`/domain/${d.name}`}>{d.title}</Link>
                  </th>
                );
                if (!access.mayRead(d.name))
                  return (
                    <tr key={d.name} className="no-access-row">
                      {name}
                      <td colSpan={figureColumns}>
                        <strong>No access</strong>{' '}
                        <span className="muted">
                          <AskForAccess domain={d.name} />
                        </span>
                      </td>
                    </tr>
                  );
                return (
                  <tr key={d.name}>
                    {name}
                    <td className="num">
                      <Link
                        to={`/domain/${d.name}?tab=datasets`}
                        aria-label={`${c.datasets} datasets in ${d.title}`}
                      >
                        {fmt(c.datasets)}
                      </Link>
                    </td>
                    <td className="num">
                      <Link
                        to={`/domain/${d.name}?tab=products`}
                        aria-label={`${c.products} products in ${d.title}`}
                      >
                        {fmt(c.products)}
                      </Link>
                    </td>
                    <CoverageCell
                      row={row}
                      part={row?.withOwnerAndSteward}
                      whole={row?.assets}
                      href={gaps('ownership')}
                      label="owner and steward"
                      pending={!cov && !coverage.skipped && !coverage.onDemand && !coverage.error}
                    />
                    <CoverageCell
                      row={row}
                      part={row?.described}
                      whole={row?.assets}
                      href={gaps('description')}
                      label="described"
                      pending={!cov && !coverage.skipped && !coverage.onDemand && !coverage.error}
                    />
                    <CoverageCell
                      row={row}
                      part={row?.classified}
                      whole={row?.datasets}
                      href={gaps('classification')}
                      label="every field classified"
                      pending={!cov && !coverage.skipped && !coverage.onDemand && !coverage.error}
                    />
                    {features.quality ? (
                      <td>
                        {q ? (
                          <Link to={`/domain/${d.name}?tab=quality`} className="cell-link">
                            <Meter
                              part={q.passed}
                              whole={q.checked}
                              label="datasets passing their latest quality run"
                            />
                          </Link>
                        ) : (
                          <span className="muted" title="No quality runs for this domain's datasets">
                            not run
                          </span>
                        )}
                      </td>
                    ) : null}
                    {features.incidents ? (
                      <td className="num">
                        <CountLink
                          n={perDomain.incidentsBy.get(d.name)}
                          loading={incidents.loading}
                          href={`/work?tab=incidents&domain=${d.name}`}
                          what="open incidents"
                          tone="bad"
                        />
                      </td>
                    ) : null}
                    <td className="num">
                      <CountLink
                        n={perDomain.approvalsBy.get(d.name)}
                        loading={approvals.loading}
                        href={`/work?tab=approvals&domain=${d.name}`}
                        what="pending approvals"
                        tone="warn"
                      />
                    </td>
                    <td className="num">
                      {compliance.data ? (
                        <CountLink
                          n={perDomain.failingBy.get(d.name)}
                          loading={false}
                          href={`/policies?domain=${d.name}#failing`}
                          what="assets failing policies"
                          tone="bad"
                        />
                      ) : compliance.loading ? (
                        <span className="muted">…</span>
                      ) : (
                        <span className="muted">–</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Section>

      <div className="charts-row">
        <Section title="Datasets per domain" id="chart-datasets">
          <Bars
            label="Datasets per domain"
            rows={byCount.map(({ d, n }) => ({ label: d.title, value: n, href: `/domain/${d.name}` }))}
            width={460}
          />
          {open.length > byCount.length ? (
            <p className="muted small">
              The {byCount.length} largest of the {open.length} domains you may read.
            </p>
          ) : open.length < org.tree.length ? (
            <p className="muted small">The {plural(open.length, 'domain')} you may read.</p>
          ) : null}
        </Section>
        <Section title="Compliance by domain" id="chart-compliance">
          {compliance.data ? (
            compliance.data.byDomain.length ? (
              <>
                <StackedBars
                  label="Assets passing, failing and waived per domain"
                  width={460}
                  rows={compliance.data.byDomain
                    .filter((d) => d.domain !== '(none)' && access.mayRead(d.domain))
                    .sort((a, b) => b.failing - a.failing || b.assets - a.assets)
                    .slice(0, 12)
                    .map((d) => ({
                      label: org.domains.get(d.domain)?.title ?? d.domain,
                      href: `/policies?domain=${d.domain}`,
                      segments: [
                        { value: d.passing, tone: 'good', label: 'passing' },
                        { value: d.failing, tone: 'bad', label: 'failing' },
                        { value: d.waived, tone: 'info', label: 'waived' },
                      ],
                    }))}
                />
                <p className="muted small">
                  {fmt(compliance.data.totals.assets)} assets against{' '}
                  {plural(compliance.data.policies, 'policy', 'policies')}, evaluated{' '}
                  {when(compliance.data.evaluatedAt)}. <Link to="/policies">Policies and findings →</Link>
                </p>
              </>
            ) : (
              <Empty title="Nothing to evaluate">No policies or no assets yet.</Empty>
            )
          ) : compliance.error ? (
            <ErrorNote error={compliance.error} title="Compliance could not be evaluated" />
          ) : compliance.loading ? (
            <Loading label="Evaluating every asset against the policies" />
          ) : (
            <ComplianceButton total={total ?? 0} onClick={compliance.request} />
          )}
        </Section>
      </div>
    </>
  );
}

function CoverageCell({
  row,
  part,
  whole,
  href,
  label,
  pending,
}: {
  row: CoverageRow | undefined;
  part: number | undefined;
  whole: number | undefined;
  href: string;
  label: string;
  pending: boolean;
}) {
  if (pending) return <td className="muted">…</td>;
  if (!row || !whole) return <td className="muted">–</td>;
  return (
    <td>
      <Link
        to={href}
        className="cell-link"
        aria-label={`${pct(part ?? 0, whole)} ${label}: ${part} of ${whole}; show the gaps`}
      >
        <Meter part={part ?? 0} whole={whole} label={label} />
      </Link>
    </td>
  );
}

function CountLink({
  n,
  loading,
  href,
  what,
  tone,
}: {
  n: number | undefined;
  loading: boolean;
  href: string;
  what: string;
  tone: 'bad' | 'warn';
}) {
  if (loading) return <span className="muted">…</span>;
  if (!n) return <span className="muted zero">0</span>;
  return (
    <Link to={href} className={`count count-${tone}`} aria-label={`${n} ${what}`}>
      {fmt(n)}
    </Link>
  );
}

function ComplianceButton({ total, onClick }: { total: number; onClick: () => void }) {
  return (
    <div className="empty">
      <p className="empty-title">Not evaluated yet</p>
      <p className="muted">
        Compliance re-evaluates all {fmt(total)} datasets and products against every policy; on a catalog this
        size that can take a while and keep the server busy (it answers at once when its background run has
        counted every change since).
      </p>
      <button type="button" onClick={onClick}>
        Evaluate compliance now
      </button>
    </div>
  );
}

function OverviewNotes({
  coverage,
  total,
  runs,
}: {
  coverage: CoverageState & { request: () => void };
  total: number;
  runs: number | undefined;
}) {
  return (
    <>
      {coverage.error ? <ErrorNote error={coverage.error} title="Coverage could not be computed" /> : null}
      {coverage.skipped ? (
        <Note>
          Coverage is computed from the manifests for catalogs up to {fmt(SMALL_CATALOG)} datasets and
          products; this one has {fmt(total)}. This server has no scorecards endpoint yet, so the coverage
          columns stay empty — open a domain's gaps to see its own.
        </Note>
      ) : null}
      {coverage.onDemand ? (
        <div className="note note-info">
          <p>
            Coverage comes from the server's scorecards, which read all {fmt(total)} datasets and products: on
            a catalog this size it is computed when asked.{' '}
            <button type="button" onClick={coverage.request}>
              Compute coverage
            </button>
          </p>
        </div>
      ) : null}
      {coverage.coverage?.source === 'scorecards' ? (
        <p className="muted small">
          Coverage from the server's scorecards, computed {when(coverage.coverage.at)}.
        </p>
      ) : null}
      {runs === RUNS_READ ? (
        <p className="muted small">Quality figures come from the latest {fmt(RUNS_READ)} runs.</p>
      ) : null}
    </>
  );
}

/**
 * A domain: what it is, who owns and stewards it, its teams and members, sub-domains, datasets and
 * products (paginated), its effective policies, its scorecard, quality, and the governance gaps of
 * its assets.
 */
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type ApiError, apiPath, cachedGet, enc } from '../api/client';
import { useFeatures } from '../api/features';
import type {
  Approval,
  Asset,
  AssetListItem,
  ComplianceReport,
  Description,
  Explain,
  Incident,
  Json,
  QualityReport,
  StatRow,
} from '../api/types';
import { useApi } from '../api/use-api';
import { Meter } from '../components/charts';
import { Field } from '../components/field';
import { NoAccess } from '../components/no-access';
import {
  Empty,
  Enforcement,
  ErrorNote,
  Loading,
  Note,
  PageHeader,
  Pager,
  RefLink,
  Section,
  Status,
  TabLinks,
  useTitle,
} from '../components/ui';
import { useAccess } from '../lib/access';
import { type Gaps, gapsOf } from '../lib/coverage';
import { day, fmt, pct, plural, when } from '../lib/format';
import { type Org, subtreeOf, useOrg } from '../lib/org';
import { shortName } from '../lib/refs';
import { type AiSystem, AiSystems } from './ai-systems';
import { SMALL_CATALOG } from './overview-page';

const PAGE = 50;

export function DomainPage({ name }: { name: string }) {
  const ref = `domain:${name}`;
  const [params] = useSearchParams();
  const features = useFeatures();
  const { org } = useOrg();
  const access = useAccess();
  // The domain itself is visible to everyone signed in; what it holds needs a role there.
  const withheld = access.known && !access.mayRead(name);
  const described = useApi<Description>(apiPath(`/assets/${enc(ref)}/describe`));
  const stats = useApi<{ counts: StatRow[] }>(apiPath('/stats'));
  const d = described.data;
  useTitle(d?.asset.title ?? name);

  // Compliance evaluates the whole catalog even for one domain: what matters is the catalog's size.
  const catalogSize = stats.data
    ? stats.data.counts
        .filter((c) => ['DataContract', 'DataProduct'].includes(c.kind))
        .reduce((a, c) => a + c.count, 0)
    : undefined;
  const count = (kind: string) =>
    stats.data?.counts.find((c) => c.kind === kind && c.domain === name)?.count ?? 0;
  const tabs = [
    { id: 'about', label: 'About' },
    // Without access the server counts none of them: no count rather than a false zero.
    { id: 'datasets', label: withheld ? 'Datasets' : `Datasets (${fmt(count('DataContract'))})` },
    { id: 'products', label: withheld ? 'Products' : `Products (${fmt(count('DataProduct'))})` },
    { id: 'gaps', label: 'Gaps' },
    { id: 'policies', label: 'Policies' },
    ...(features.quality ? [{ id: 'quality', label: 'Quality' }] : []),
  ];
  const requested = params.get('tab') ?? 'about';
  const tab = tabs.some((t) => t.id === requested) ? requested : 'about';

  if (described.error)
    return (
      <>
        <PageHeader kind="domain" title={name} />
        <ErrorNote error={described.error} />
      </>
    );
  if (!d || !org || !access.known)
    return (
      <>
        <PageHeader kind="domain" title={name} />
        <Loading />
      </>
    );
  const info = org.domains.get(name);
  const parents = d.domainPath.slice(1).reverse();
  const title = d.asset.title || name;
  const noAccess = withheld ? (
    <NoAccess domain={name} what={`the datasets, products, teams, quality and open work of ${title}`}>
      <ReadableSubdomains org={org} domain={name} readable={access.readable} />
    </NoAccess>
  ) : null;

  return (
    <>
      <PageHeader
        kind="Domain"
        title={d.asset.title || name}
        subtitle={
          <>
            <span className="ref">{ref}</span>
            {parents.length ? (
              <>
                {' '}
                · inside{' '}
                {parents.map((p, i) => (
                  <span key={p}>
                    {i ? ' › ' : ''}
                    <Link to={`/domain/${shortName(p)}`}>{shortName(p)}</Link>
                  </span>
                ))}
              </>
            ) : null}
          </>
        }
      />
      <TabLinks
        tabs={tabs}
        current={tab}
        hrefOf={(id) => `/domain/${name}${id === 'about' ? '' : `?tab=${id}`}`}
        label="Domain sections"
      />
      <div className="tab-body">
        {tab === 'about' ? (
          <About
            d={d}
            org={org}
            name={name}
            datasets={count('DataContract')}
            products={count('DataProduct')}
            catalogSize={catalogSize}
            noAccess={noAccess}
          />
        ) : null}
        {tab === 'policies' ? <DomainPolicies domain={name} /> : null}
        {tab === 'about' || tab === 'policies'
          ? null
          : (noAccess ?? (
              <>
                {tab === 'datasets' ? (
                  <AssetList kind="datasets" domain={name} total={count('DataContract')} />
                ) : null}
                {tab === 'products' ? (
                  <AssetList kind="products" domain={name} total={count('DataProduct')} />
                ) : null}
                {tab === 'gaps' ? (
                  <GapsTab domain={name} org={org} total={count('DataContract') + count('DataProduct')} />
                ) : null}
                {tab === 'quality' ? <DomainQuality domain={name} /> : null}
              </>
            ))}
      </div>
      {info ? null : (
        <Note tone="warn">This domain is not in the organisation tree the UI loaded; reload the page.</Note>
      )}
    </>
  );
}

function About({
  d,
  org,
  name,
  datasets,
  products,
  catalogSize,
  noAccess,
}: {
  d: Description;
  org: Org;
  name: string;
  datasets: number;
  products: number;
  catalogSize: number | undefined;
  /** Set when the user may not read what the domain holds: shown instead of its teams, scorecard and work. */
  noAccess: ReactNode;
}) {
  const spec = (d.doc.spec ?? {}) as Json;
  const subdomains = [...org.domains.values()].filter((x) => x.parent === name);
  const teams = useApi<{ items: Asset[] }>(
    noAccess ? null : apiPath('/assets', { kind: 'teams', domain: name, limit: 200 }),
  );
  const features = useFeatures();
  const systems = useApi<{ systems: AiSystem[] }>(
    noAccess || !features.paths.has('/api/v1/ai/systems') ? null : apiPath('/ai/systems', { domain: name }),
  );
  const small = catalogSize !== undefined && catalogSize <= SMALL_CATALOG;
  const compliance = useApi<ComplianceReport>(
    small && !noAccess ? apiPath('/compliance', { domain: name, limit: 0 }) : null,
    {
      ttlMs: 5 * 60_000,
    },
  );
  const own = compliance.data?.byDomain.find((x) => x.domain === name);
  return (
    <div className="two-col">
      <div>
        <Section title="About" id="about">
          {typeof spec.description === 'string' ? (
            <p className="lead">{spec.description}</p>
          ) : (
            <p className="muted">No description.</p>
          )}
          <dl className="people">
            {(
              [
                ['Owners', d.owners],
                ['Stewards', d.stewards],
              ] as const
            ).map(([label, people]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>
                  {people.length ? (
                    <ul className="plain">
                      {people.map((p) => (
                        <li key={p.ref}>
                          <RefLink refText={p.ref} title={p.title} />{' '}
                          {p.source === 'declared' ? null : (
                            <span className="muted small">
                              inherited from <Link to={`/domain/${shortName(p.source)}`}>{p.source}</Link>
                            </span>
                          )}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="text-bad">none declared here or above</span>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </Section>
        {noAccess ? null : (
          <Section title="Teams and members" id="teams">
            {teams.error ? (
              <ErrorNote error={teams.error} />
            ) : !teams.data ? (
              <Loading />
            ) : teams.data.items.length ? (
              <ul className="plain teams">
                {teams.data.items.map((t) => (
                  <li key={t.ref}>
                    <RefLink refText={t.ref} title={t.title} />:{' '}
                    {(org.teams.get(t.ref) ?? []).map((m, i) => (
                      <span key={m}>
                        {i ? ', ' : ''}
                        <RefLink refText={m} />
                      </span>
                    ))}
                  </li>
                ))}
              </ul>
            ) : (
              <Empty title="No teams">This domain has no teams yet.</Empty>
            )}
          </Section>
        )}
        <Section title="Sub-domains" id="subdomains">
          {subdomains.length ? (
            <ul className="plain">
              {subdomains.map((s) => (
                <li key={s.name}>
                  <Link to={`/domain/${s.name}`}>{s.title}</Link>{' '}
                  <span className="muted small">{s.description}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None.</p>
          )}
        </Section>
      </div>
      <div>
        {noAccess ?? (
          <>
            <Section title="Scorecard" id="scorecard">
              <dl className="facts">
                <dt>Datasets</dt>
                <dd>
                  <Link to={`/domain/${name}?tab=datasets`}>{fmt(datasets)}</Link>
                </dd>
                <dt>Data products</dt>
                <dd>
                  <Link to={`/domain/${name}?tab=products`}>{fmt(products)}</Link>
                </dd>
                <dt>Compliance</dt>
                <dd>
                  {!small ? (
                    <Link to={`/policies?domain=${name}`}>evaluate on the policies page</Link>
                  ) : compliance.error ? (
                    <span className="text-bad">{compliance.error.message}</span>
                  ) : !compliance.data ? (
                    '…'
                  ) : own ? (
                    <>
                      <Meter part={own.passing + own.waived} whole={own.assets} label="passing or waived" />{' '}
                      {own.failing ? (
                        <Link to={`/policies?domain=${name}#failing`} className="text-bad">
                          {plural(own.failing, 'asset')} failing
                        </Link>
                      ) : (
                        'all passing'
                      )}
                    </>
                  ) : (
                    <span className="muted">nothing evaluated</span>
                  )}
                </dd>
              </dl>
              <p>
                <Link to={`/domain/${name}?tab=gaps`}>Ownership, description and classification gaps →</Link>
              </p>
            </Section>
            <Section title="Open work (with sub-domains)" id="open-work">
              <OpenWork domain={name} org={org} />
            </Section>
            {features.paths.has('/api/v1/ai/systems') ? (
              <AiSystems state={systems} title="AI systems (with sub-domains)" hideWhenEmpty compact />
            ) : null}
          </>
        )}
      </div>
    </div>
  );
}

function OpenWork({ domain, org }: { domain: string; org: Org }) {
  const features = useFeatures();
  const approvals = useApi<{ approvals: Approval[] }>(apiPath('/approvals', { state: 'open' }));
  const incidents = useApi<Incident[]>(
    features.incidents ? apiPath('/incidents', { state: 'open', domain, limit: 500 }) : null,
  );
  const tree = subtreeOf(org, domain);
  const waiting = (approvals.data?.approvals ?? []).filter((a) => tree.includes(a.domain ?? ''));
  if (approvals.error) return <ErrorNote error={approvals.error} />;
  if (!approvals.data) return <Loading />;
  return (
    <ul className="plain">
      <li>
        {waiting.length ? (
          <Link to={`/work?tab=approvals&domain=${domain}`}>
            {plural(waiting.length, 'change')} waiting for approval
          </Link>
        ) : (
          <span className="muted">No change waits for approval.</span>
        )}
      </li>
      {features.incidents ? (
        <li>
          {incidents.data?.length ? (
            <Link to={`/work?tab=incidents&scope=domain&domain=${domain}`} className="text-bad">
              {plural(incidents.data.length, 'open incident')}
            </Link>
          ) : incidents.data ? (
            <span className="muted">No open incidents.</span>
          ) : (
            '…'
          )}
        </li>
      ) : null}
    </ul>
  );
}

/** `owners: a, b` on a line of its own (nothing when there are none). */
function Accountable({ label, refs }: { label: string; refs: string[] }) {
  if (!refs.length) return null;
  return (
    <div className="small">
      <span className="muted">{refs.length > 1 ? `${label}s` : label}:</span>{' '}
      {refs.map((r, i) => (
        <span key={r}>
          {i ? ', ' : ''}
          <RefLink refText={r} />
        </span>
      ))}
    </div>
  );
}

export function AssetList({ kind, domain, total }: { kind: string; domain?: string; total?: number }) {
  const [offset, setOffset] = useState(0);
  const list = useApi<{ items: AssetListItem[] }>(apiPath('/assets', { kind, domain, limit: PAGE, offset }));
  if (list.error) return <ErrorNote error={list.error} />;
  if (!list.data) return <Loading />;
  if (!list.data.items.length && offset === 0)
    return <Empty title={`No ${kind} here`}>Nothing has been applied yet.</Empty>;
  // Users, policies … have no one accountable for them: no column of dashes.
  const accountable = list.data.items.some((a) => a.owners.length || a.stewards.length);
  return (
    <>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              {domain ? null : <th scope="col">Domain</th>}
              {accountable ? <th scope="col">Accountable</th> : null}
              <th scope="col" className="num">
                Version
              </th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((a) => (
              <tr key={a.ref}>
                <th scope="row">
                  <RefLink refText={a.ref} title={a.title || a.name} />
                  <div className="muted small ref">{a.ref}</div>
                </th>
                <td className="clamp">{a.description || <span className="muted">–</span>}</td>
                {domain ? null : (
                  <td>{a.domain ? <Link to={`/domain/${a.domain}`}>{a.domain}</Link> : '–'}</td>
                )}
                {accountable ? (
                  <td>
                    <Accountable label="owner" refs={a.owners} />
                    <Accountable label="steward" refs={a.stewards} />
                    {a.owners.length || a.stewards.length ? null : <span className="muted">–</span>}
                  </td>
                ) : null}
                <td className="num">{a.version}</td>
                <td>
                  {day(a.updatedAt)} <span className="muted small">by {a.updatedBy}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        offset={offset}
        limit={PAGE}
        count={list.data.items.length}
        total={total}
        onChange={setOffset}
        label={kind}
      />
    </>
  );
}

const GAP_KINDS = [
  ['', 'All gaps'],
  ['ownership', 'No owner or steward'],
  ['description', 'Not described'],
  ['classification', 'Fields not classified'],
] as const;

function GapsTab({ domain, org, total }: { domain: string; org: Org; total: number }) {
  const [params, setParams] = useSearchParams();
  const gap = params.get('gap') ?? '';
  const [state, setState] = useState<{ gaps?: Gaps[]; error?: ApiError }>({});
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    let live = true;
    Promise.all(
      ['datasets', 'products'].map((kind) =>
        cachedGet<{ documents: Json[] }>(apiPath('/export', { kind, domain, format: 'json' })),
      ),
    ).then(
      ([a, b]) =>
        live && setState({ gaps: [...a!.documents, ...b!.documents].map((doc) => gapsOf(org, doc)) }),
      (error: ApiError) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [domain, org]);
  const rows = useMemo(
    () =>
      (state.gaps ?? []).filter((g) => {
        const own = !(g.owner && g.steward);
        const desc = !g.described;
        const cls = g.unclassified !== null && (g.fields === 0 || g.unclassified.length > 0);
        if (gap === 'ownership') return own;
        if (gap === 'description') return desc;
        if (gap === 'classification') return cls;
        return own || desc || cls;
      }),
    [state.gaps, gap],
  );
  if (state.error) return <ErrorNote error={state.error} />;
  if (!state.gaps) return <Loading label={`Reading ${fmt(total)} manifests`} />;
  const page = rows.slice(offset, offset + PAGE);
  return (
    <Section title="Governance gaps" id="gaps">
      <div className="filters">
        <Field label="Show">
          {(id) => (
            <select
              id={id}
              value={gap}
              onChange={(e) => {
                const next = new URLSearchParams(params);
                if (e.target.value) next.set('gap', e.target.value);
                else next.delete('gap');
                setParams(next, { replace: true });
                setOffset(0);
              }}
            >
              {GAP_KINDS.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p className="muted" role="status">
        {rows.length
          ? `${plural(rows.length, 'asset')} of ${fmt(state.gaps.length)} (${pct(rows.length, state.gaps.length)}) in this domain`
          : `No gaps among the ${fmt(state.gaps.length)} datasets and products of this domain.`}
      </p>
      {rows.length ? (
        <>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Asset</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Steward</th>
                  <th scope="col">Described</th>
                  <th scope="col">Unclassified fields</th>
                </tr>
              </thead>
              <tbody>
                {page.map((g) => (
                  <tr key={g.ref}>
                    <th scope="row">
                      <RefLink refText={g.ref} title={g.title} />
                    </th>
                    <td>{g.owner ? 'yes' : <strong className="text-bad">missing</strong>}</td>
                    <td>{g.steward ? 'yes' : <strong className="text-bad">missing</strong>}</td>
                    <td>{g.described ? 'yes' : <strong className="text-bad">no</strong>}</td>
                    <td>
                      {g.unclassified === null ? (
                        <span className="muted">product</span>
                      ) : g.unclassified.length ? (
                        <span className="text-bad" title={g.unclassified.join(', ')}>
                          {g.unclassified.length} of {g.fields}: {g.unclassified.slice(0, 3).join(', ')}
                          {g.unclassified.length > 3 ? '…' : ''}
                        </span>
                      ) : g.fields ? (
                        'none'
                      ) : (
                        <span className="text-bad">no fields</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            offset={offset}
            limit={PAGE}
            count={page.length}
            total={rows.length}
            onChange={setOffset}
            label="Gaps"
          />
        </>
      ) : null}
    </Section>
  );
}

function DomainPolicies({ domain }: { domain: string }) {
  const explain = useApi<Explain>(apiPath('/policies/explain', { ref: `domain:${domain}` }));
  if (explain.error) return <ErrorNote error={explain.error} />;
  if (!explain.data) return <Loading />;
  const own = explain.data.policies.filter((p) => p.source === `domain:${domain}`);
  return (
    <Section title="Effective policies" id="policies">
      <p className="muted">
        {plural(explain.data.policies.length, 'policy', 'policies')} apply in this domain: the charter's,
        those of the domains above, and {own.length ? plural(own.length, 'policy', 'policies') : 'none'} of
        its own. A domain can add rules; only a waiver gets around an inherited one.
      </p>
      <PolicyTable entries={explain.data.policies} />
    </Section>
  );
}

export function PolicyTable({ entries }: { entries: Explain['policies'] }) {
  if (!entries.length)
    return <Empty title="No policies">The charter and the domains define no policies yet.</Empty>;
  return (
    <div className="table-wrap">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Policy</th>
            <th scope="col">From</th>
            <th scope="col">Enforcement</th>
            <th scope="col">Scope</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.policy}>
              <th scope="row">
                <RefLink refText={e.policy} title={shortName(e.policy)} />
                <div className="muted small">{e.description}</div>
              </th>
              <td>{e.source === 'charter' ? 'charter' : <RefLink refText={e.source} />}</td>
              <td>
                <Enforcement value={e.enforcement} />
              </td>
              <td>{e.scope}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DomainQuality({ domain }: { domain: string }) {
  const report = useApi<QualityReport>(apiPath(`/quality/scores/${enc(`domain:${domain}`)}`));
  const [offset, setOffset] = useState(0);
  if (report.error) return <ErrorNote error={report.error} />;
  if (!report.data) return <Loading />;
  const rows = [...report.data.datasets].sort((a, b) => (a.score ?? 101) - (b.score ?? 101));
  const checked = rows.filter((r) => r.status);
  const page = rows.slice(offset, offset + PAGE);
  return (
    <Section title="Quality" id="quality">
      <p>
        Mean score{' '}
        <strong>
          {report.data.score === null ? 'none (no dataset checked)' : Math.round(report.data.score)}
        </strong>{' '}
        over {plural(checked.length, 'checked dataset')} of {fmt(rows.length)} (this domain and its
        sub-domains).
      </p>
      {rows.length ? (
        <>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col">Latest run</th>
                  <th scope="col" className="num">
                    Score
                  </th>
                  <th scope="col">Checked</th>
                </tr>
              </thead>
              <tbody>
                {page.map((r) => (
                  <tr key={r.ref}>
                    <th scope="row">
                      <RefLink refText={r.ref} title={shortName(r.ref)} />
                    </th>
                    <td>
                      {r.status ? <Status value={r.status} /> : <span className="muted">never checked</span>}
                    </td>
                    <td className="num">{r.score === null ? '–' : Math.round(r.score)}</td>
                    <td>{when(r.checkedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            offset={offset}
            limit={PAGE}
            count={page.length}
            total={rows.length}
            onChange={setOffset}
            label="Datasets"
          />
        </>
      ) : (
        <Empty title="No datasets">This domain has no datasets to check.</Empty>
      )}
    </Section>
  );
}

/** The sub-domains of a domain the user may not read that they may read (a role given lower down). */
function ReadableSubdomains({
  org,
  domain,
  readable,
}: {
  org: Org;
  domain: string;
  readable: ReadonlySet<string> | undefined;
}) {
  const open = subtreeOf(org, domain).filter((x) => x !== domain && readable?.has(x));
  if (!open.length) return null;
  return (
    <p>
      You may read its sub-domain{open.length > 1 ? 's' : ''}{' '}
      {open.map((x, i) => (
        <span key={x}>
          {i ? ', ' : ''}
          <Link to={`/domain/${x}`}>{org.domains.get(x)?.title ?? x}</Link>
        </span>
      ))}
      .
    </p>
  );
}

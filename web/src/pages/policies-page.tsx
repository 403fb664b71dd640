/**
 * Policies and compliance: the charter's and the domains' policies, the effective set of a domain,
 * compliance by policy and by domain, and the failing assets with every finding (filter by domain
 * and policy). Compliance evaluates every asset, so on a large catalog it runs when asked.
 */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { apiPath } from '../api/client';
import type { ComplianceReport, Explain, Json, StatRow } from '../api/types';
import { useApi } from '../api/use-api';
import { StackedBars } from '../components/charts';
import { Field } from '../components/field';
import { DomainFilterAccess } from '../components/no-access';
import { PersonRef } from '../components/person-ref';
import {
  Empty,
  Enforcement,
  ErrorNote,
  Loading,
  PageHeader,
  Pager,
  RefLink,
  Section,
  Status,
  useTitle,
} from '../components/ui';
import { useAccess } from '../lib/access';
import { fmt, plural, when } from '../lib/format';
import { useOrg } from '../lib/org';
import { shortName } from '../lib/refs';
import { PolicyTable } from './domain-page';
import { SMALL_CATALOG } from './overview-page';

const PAGE = 25;

function policyRef(doc: Json): string {
  const meta = (doc.metadata ?? {}) as Json;
  return meta.domain ? `policy:${meta.domain}/${meta.name}` : `policy:${meta.name}`;
}

export function PoliciesPage() {
  useTitle('Policies and compliance');
  const [params, setParams] = useSearchParams();
  const domain = params.get('domain') ?? '';
  const policy = params.get('policy') ?? '';
  const { org } = useOrg();
  const policies = useApi<{ documents: Json[] }>(apiPath('/export', { kind: 'policies', format: 'json' }));
  const stats = useApi<{ counts: StatRow[] }>(apiPath('/stats'));
  const total = stats.data?.counts
    .filter((c) => ['DataContract', 'DataProduct'].includes(c.kind))
    .reduce((a, c) => a + c.count, 0);
  const [asked, setAsked] = useState(false);
  const run = total !== undefined && (total <= SMALL_CATALOG || asked);
  // The counts for the tables; the findings are fetched a page at a time (Findings).
  const compliance = useApi<ComplianceReport>(run ? apiPath('/compliance', { limit: 0 }) : null, {
    ttlMs: 5 * 60_000,
  });
  const effective = useApi<Explain>(
    domain ? apiPath('/policies/explain', { ref: `domain:${domain}` }) : null,
  );

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const docs = policies.data?.documents ?? [];
  const charterPolicies = docs.filter((d) => !((d.metadata ?? {}) as Json).domain);
  const domainPolicies = docs.filter((d) => ((d.metadata ?? {}) as Json).domain);

  return (
    <>
      <PageHeader
        title="Policies and compliance"
        subtitle="The charter's policies apply everywhere; a domain's policies add to them for the domain and its sub-domains."
      />
      <fieldset className="filters">
        <legend className="sr-only">Focus on a domain or a policy</legend>
        <Field label="Domain">
          {(id) => (
            <select id={id} value={domain} onChange={(e) => set('domain', e.target.value)}>
              <option value="">All domains</option>
              {org?.tree.map((d) => (
                <option key={d.name} value={d.name}>
                  {'  '.repeat(d.depth)}
                  {d.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Policy">
          {(id) => (
            <select id={id} value={policy} onChange={(e) => set('policy', e.target.value)}>
              <option value="">All policies</option>
              {docs.map((d) => (
                <option key={policyRef(d)} value={policyRef(d)}>
                  {shortName(policyRef(d))}
                </option>
              ))}
            </select>
          )}
        </Field>
      </fieldset>

      <Section title="Compliance" id="compliance">
        {!run ? (
          <div className="empty">
            <p className="empty-title">Not evaluated yet</p>
            <p className="muted">
              Compliance re-evaluates all {fmt(total ?? 0)} datasets and products against every policy; on a
              catalog this size that can take a while (the server answers at once when its background run has
              counted every change since).
            </p>
            <button type="button" onClick={() => setAsked(true)}>
              Evaluate compliance now
            </button>
          </div>
        ) : compliance.error ? (
          <ErrorNote error={compliance.error} title="Compliance could not be evaluated" />
        ) : !compliance.data ? (
          <Loading label="Evaluating every asset against the policies" />
        ) : (
          <ComplianceView
            key={`${domain}|${policy}`}
            report={compliance.data}
            domain={domain}
            policy={policy}
            orgTitles={org?.domains}
          />
        )}
      </Section>

      {domain ? (
        <Section title={`Effective policies in ${org?.domains.get(domain)?.title ?? domain}`} id="effective">
          {effective.error ? (
            <ErrorNote error={effective.error} />
          ) : !effective.data ? (
            <Loading />
          ) : (
            <PolicyTable entries={effective.data.policies} />
          )}
        </Section>
      ) : null}

      <Section title={`Charter policies (${charterPolicies.length})`} id="charter-policies">
        {policies.error ? (
          <ErrorNote error={policies.error} />
        ) : !policies.data ? (
          <Loading />
        ) : (
          <PolicyDocs docs={charterPolicies} empty="The charter has no policies yet." />
        )}
      </Section>
      <Section title={`Domain policies (${domainPolicies.length})`} id="domain-policies">
        {policies.data ? (
          <PolicyDocs docs={domainPolicies} empty="No domain adds policies of its own." showDomain />
        ) : null}
      </Section>
    </>
  );
}

function PolicyDocs({ docs, empty, showDomain }: { docs: Json[]; empty: string; showDomain?: boolean }) {
  if (!docs.length) return <Empty title="None">{empty}</Empty>;
  return (
    <div className="table-wrap">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Policy</th>
            {showDomain ? <th scope="col">Domain</th> : null}
            <th scope="col">Enforcement</th>
            <th scope="col">Applies to</th>
          </tr>
        </thead>
        <tbody>
          {docs.map((d) => {
            const spec = (d.spec ?? {}) as Json;
            const match = (spec.match ?? {}) as Json;
            const meta = (d.metadata ?? {}) as Json;
            return (
              <tr key={policyRef(d)}>
                <th scope="row">
                  <RefLink refText={policyRef(d)} title={String(meta.name)} />
                  <div className="muted small">{String(spec.description ?? spec.message ?? '')}</div>
                </th>
                {showDomain ? (
                  <td>
                    <Link to={`/domain/${String(meta.domain)}`}>{String(meta.domain)}</Link>
                  </td>
                ) : null}
                <td>
                  <Enforcement value={String(spec.enforcement ?? '')} />
                </td>
                <td className="small">
                  {Array.isArray(match.kinds) ? (match.kinds as string[]).join(', ') : 'every kind'}
                  {spec.scope === 'field' ? ', each field' : ''}
                  {Array.isArray(match.classifications)
                    ? ` · ${(match.classifications as string[]).join(', ')}`
                    : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ComplianceView({
  report,
  domain,
  policy,
  orgTitles,
}: {
  report: ComplianceReport;
  domain: string;
  policy: string;
  orgTitles?: Map<string, { title: string; parent?: string | null }>;
}) {
  const t = report.totals;
  return (
    <>
      <p>
        <strong>{fmt(t.assets)}</strong> assets evaluated against{' '}
        {plural(report.policies, 'policy', 'policies')}:{' '}
        <span className="text-good">{fmt(t.passing)} passing</span>,{' '}
        <span className="text-bad">{fmt(t.failing)} failing</span>, {fmt(t.waived)} waived{' '}
        <span className="muted small">· {when(report.evaluatedAt)}</span>
      </p>
      <div className="two-col">
        <div>
          <h3>By policy</h3>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Policy</th>
                  <th scope="col">Enforcement</th>
                  <th scope="col" className="num">
                    Matched
                  </th>
                  <th scope="col" className="num">
                    Failing
                  </th>
                  <th scope="col" className="num">
                    Waived
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...report.byPolicy]
                  .sort((a, b) => b.failing - a.failing || a.policy.localeCompare(b.policy))
                  .map((p) => (
                    <tr key={p.policy} className={policy === p.policy ? 'selected' : undefined}>
                      <th scope="row">
                        <RefLink refText={p.policy} title={shortName(p.policy)} />
                        <div className="muted small">{p.source}</div>
                      </th>
                      <td>
                        <Enforcement value={p.enforcement} />
                      </td>
                      <td className="num">{fmt(p.matched)}</td>
                      <td className="num">
                        {p.failing ? (
                          <Link
                            to={`/policies?policy=${encodeURIComponent(p.policy)}${domain ? `&domain=${domain}` : ''}#failing`}
                            className="count count-bad"
                            aria-label={`${p.failing} assets failing ${shortName(p.policy)}`}
                          >
                            {fmt(p.failing)}
                          </Link>
                        ) : (
                          <span className="muted zero">0</span>
                        )}
                        {p.errors ? <div className="small text-bad">{p.errors} errors</div> : null}
                      </td>
                      <td className="num">
                        {p.waived ? fmt(p.waived) : <span className="muted zero">0</span>}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </div>
        <div>
          <h3>By domain</h3>
          <StackedBars
            label="Assets passing, failing and waived per domain"
            width={440}
            rows={report.byDomain.map((d) => ({
              label:
                d.domain === '(none)' ? 'organisation-wide' : (orgTitles?.get(d.domain)?.title ?? d.domain),
              segments: [
                { value: d.passing, tone: 'good', label: 'passing' },
                { value: d.failing, tone: 'bad', label: 'failing' },
                { value: d.waived, tone: 'info', label: 'waived' },
              ],
            }))}
          />
          <ul className="plain small domain-links">
            {report.byDomain
              .filter((d) => d.failing)
              .map((d) => (
                <li key={d.domain}>
                  <Link
                    to={`/policies?domain=${d.domain}${policy ? `&policy=${encodeURIComponent(policy)}` : ''}#failing`}
                  >
                    {orgTitles?.get(d.domain)?.title ?? d.domain}: {plural(d.failing, 'failing asset')}
                  </Link>
                </li>
              ))}
          </ul>
        </div>
      </div>
      <Findings domain={domain} policy={policy} orgTitles={orgTitles} />
    </>
  );
}

/**
 * The failing (and waived) assets with every finding, a page at a time from the server, which
 * filters them: a domain with its sub-domains, one policy (only its findings).
 */
function Findings({
  domain,
  policy,
  orgTitles,
}: {
  domain: string;
  policy: string;
  orgTitles?: Map<string, { title: string; parent?: string | null }>;
}) {
  const [offset, setOffset] = useState(0);
  // A domain the user may not read has no findings to show them, which is not "every asset passes".
  const withheld = !useAccess().mayRead(domain);
  const found = useApi<ComplianceReport>(apiPath('/compliance', { domain, policy, offset, limit: PAGE }), {
    ttlMs: 5 * 60_000,
  });
  const subdomains = domain && [...(orgTitles?.values() ?? [])].some((d) => d.parent === domain);
  const total = found.data?.page.total;
  return (
    <section id="failing" aria-labelledby="failing-title" className="failing">
      <h3 id="failing-title">
        Findings
        {domain
          ? ` in ${orgTitles?.get(domain)?.title ?? domain}${subdomains ? ' and its sub-domains' : ''}`
          : ''}
        {policy ? ` for ${shortName(policy)}` : ''}
        {total === undefined || (withheld && !total) ? '' : `: ${plural(total, 'asset')}`}
      </h3>
      {found.error ? (
        <ErrorNote error={found.error} title="The findings could not be read" />
      ) : !found.data ? (
        <Loading label="Finding the assets that fall short" />
      ) : found.data.failing.length ? (
        <>
          <ul className="plain findings-list">
            {found.data.failing.map((f) => (
              <li key={f.asset} className="finding">
                <div className="finding-head">
                  <RefLink refText={f.asset} title={shortName(f.asset)} showRef />
                  <span className="muted small">
                    {' '}
                    owners {f.owners.join(', ') || 'none'} · stewards {f.stewards.join(', ') || 'none'}
                  </span>
                </div>
                <ul className="plain">
                  {f.violations.map((v) => (
                    <li key={`${v.policy}|${v.path}|${v.field ?? ''}|${v.message}`} className="violation">
                      <Enforcement value={v.enforcement} />{' '}
                      <RefLink refText={v.policy} title={shortName(v.policy)} />{' '}
                      {v.field ? <code>{v.field}</code> : null} {v.message}
                      {v.waivedBy ? (
                        <>
                          {' '}
                          <Status value="waived" /> <PersonRef refText={v.waivedBy} />
                        </>
                      ) : null}
                      {v.remediation ? <div className="muted small">Fix: {v.remediation}</div> : null}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          <Pager
            offset={offset}
            limit={PAGE}
            count={found.data.failing.length}
            total={found.data.page.total}
            onChange={setOffset}
            label="Findings"
          />
        </>
      ) : withheld ? (
        <DomainFilterAccess domain={domain} what="the findings" />
      ) : (
        <Empty title="No findings">
          Every asset {domain || policy ? 'in this selection ' : ''}passes its policies.
        </Empty>
      )}
    </section>
  );
}

/**
 * One dataset as pipelines report it (OpenLineage): the jobs that write and read it, its column
 * lineage and the facets reported, and the contract it is; for one no contract describes yet, how a
 * steward adopts it — a draft ODCS contract for the domain they pick, to complete and apply.
 */
import { lazy, Suspense, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { apiPath } from '../api/client';
import { useFeatures } from '../api/features';
import type { Json } from '../api/types';
import { useApi } from '../api/use-api';
import { Field } from '../components/field';
import { Empty, ErrorNote, Loading, PageHeader, RefLink, Section, useTitle } from '../components/ui';
import { plural } from '../lib/format';
import { useOrg } from '../lib/org';
import { reportedName } from '../lib/refs';

const YamlView = lazy(() => import('./yaml-view'));

const DETAIL = '/api/v1/lineage/datasets/detail';

interface DatasetDetail {
  namespace: string;
  name: string;
  ref: string | null;
  facets: Record<string, Json>;
  producers: string[];
  consumers: string[];
  /** Column lineage into this dataset. */
  fields: { field: string; from: string; fromField: string; protection: string | null }[];
  /** For an unmanaged dataset: an ODCS contract skeleton (its domain as asked, else CHANGE-ME). */
  draft?: Json;
}

/** The page's URL for a reported dataset. */
export function reportedHref(namespace: string, name: string): string {
  return `/lineage/dataset?${new URLSearchParams({ namespace, name })}`;
}

/** A shell argument, quoted when it needs to be. */
const arg = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function Jobs({ jobs, none }: { jobs: string[]; none: string }) {
  if (!jobs.length) return <p className="muted">{none}</p>;
  return (
    <ul className="plain">
      {jobs.map((j) => (
        <li key={j}>
          <code>{j}</code>
        </li>
      ))}
    </ul>
  );
}

/** How to adopt an unmanaged dataset: a domain to pick, the draft for it, and the commands. */
function Adopt({ namespace, name }: { namespace: string; name: string }) {
  const [domain, setDomain] = useState('');
  const { org, error: orgError } = useOrg();
  const detail = useApi<DatasetDetail>(
    apiPath('/lineage/datasets/detail', { namespace, name, ...(domain ? { domain } : {}) }),
  );
  const file = `${domain || 'DOMAIN'}-${name.split('/').pop() || 'dataset'}.odcs.yaml`;
  return (
    <Section title="Adopt it" id="adopt">
      <p>
        No contract describes this dataset yet, so no owner answers for it and no standard checks it. A
        steward adopts it by applying a contract whose server is where the pipelines report it: the draft
        below has that server and the tables reported. Fill in the owners, the description and each field's
        classification; the policies admit it as soon as it meets the standards, and the next events match it.
      </p>
      <Field label="Domain" className="filter-inline">
        {(id) => (
          <select id={id} value={domain} onChange={(e) => setDomain(e.target.value)}>
            <option value="">(choose the domain that will own it)</option>
            {org?.tree.map((d) => (
              <option key={d.name} value={d.name}>
                {'  '.repeat(d.depth)}
                {d.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {orgError ? <ErrorNote error={orgError} /> : null}
      {detail.error ? (
        <ErrorNote error={detail.error} />
      ) : !detail.data?.draft ? (
        <Loading label="Drafting the contract" />
      ) : (
        <>
          <Suspense fallback={<Loading label="Drafting the contract" />}>
            <YamlView doc={detail.data.draft} />
          </Suspense>
          <p className="small">From the command line, the same draft, then the contract applied:</p>
          <pre className="code small">
            {`charter lineage adopt ${arg(namespace)} ${arg(name)} --domain ${domain || 'DOMAIN'} > ${file}\n`}
            {`# edit ${file}: owners, description, classifications\n`}
            {`charter apply -f ${file}`}
          </pre>
        </>
      )}
    </Section>
  );
}

export function ReportedDatasetPage() {
  const [params] = useSearchParams();
  const namespace = params.get('namespace') ?? '';
  const name = params.get('name') ?? '';
  const features = useFeatures();
  const available = features.paths.has(DETAIL);
  const detail = useApi<DatasetDetail>(
    available && namespace && name ? apiPath('/lineage/datasets/detail', { namespace, name }) : null,
  );
  const shown = namespace && name ? reportedName(namespace, name) : 'Reported dataset';
  useTitle(shown);
  if (!available || !namespace || !name)
    return (
      <>
        <PageHeader kind="Reported dataset" title={shown} />
        <Empty title={available ? 'Which dataset?' : 'No lineage recorded'}>
          {available ? (
            <>
              Open a dataset from the <Link to="/lineage">lineage page</Link>.
            </>
          ) : (
            'This server does not record run-time lineage.'
          )}
        </Empty>
      </>
    );
  if (detail.error) return <ErrorNote error={detail.error} />;
  const d = detail.data;
  if (!d) return <Loading label="Reading the dataset" />;
  const facets = Object.keys(d.facets).sort();
  return (
    <>
      <PageHeader
        kind="Reported dataset"
        title={<code>{shown}</code>}
        subtitle={
          d.ref ? (
            <>
              As pipelines report it (OpenLineage). The contract that describes it:{' '}
              <RefLink refText={d.ref} />
            </>
          ) : (
            <span className="text-bad">
              Unmanaged: pipelines report it, but no contract describes it yet.
            </span>
          )
        }
      />
      <Section title="Jobs" id="jobs">
        <h3>Write it ({d.producers.length})</h3>
        <Jobs jobs={d.producers} none="No job has reported writing it." />
        <h3>Read it ({d.consumers.length})</h3>
        <Jobs jobs={d.consumers} none="No job has reported reading it." />
      </Section>
      <Section title="Column lineage" id="columns">
        {d.fields.length ? (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Derived from</th>
                  <th scope="col">Protection</th>
                </tr>
              </thead>
              <tbody>
                {d.fields.map((f) => (
                  <tr key={`${f.field}|${f.from}|${f.fromField}`}>
                    <th scope="row">
                      <code>{f.field}</code>
                    </th>
                    <td>
                      <code>
                        {f.from}#{f.fromField}
                      </code>
                    </td>
                    <td>{f.protection ?? <span className="muted">none</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No job has reported which fields this dataset's fields come from.</p>
        )}
        <p className="muted small">
          {facets.length
            ? `Facets reported: ${facets.join(', ')} (${plural(facets.length, 'facet')}, kept as sent).`
            : 'No dataset facets reported.'}
        </p>
      </Section>
      {d.ref ? null : <Adopt namespace={d.namespace} name={d.name} />}
    </>
  );
}

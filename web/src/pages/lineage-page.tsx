/**
 * Lineage across the catalog, when the server records it: the AI systems with the AI-use gate's
 * answer for the data each declares it uses, the datasets pipelines report (matched to a contract,
 * or unmanaged and waiting to be adopted) and the AI outcomes recorded against models and
 * applications, each traced to the accountable people.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { apiPath } from '../api/client';
import { useFeatures } from '../api/features';
import type { Outcome } from '../api/types';
import { useApi } from '../api/use-api';
import {
  Badge,
  Empty,
  ErrorNote,
  Loading,
  PageHeader,
  Pager,
  RefLink,
  Section,
  useTitle,
} from '../components/ui';
import { plural, when } from '../lib/format';
import { hrefOf, reportedName, shortName } from '../lib/refs';
import { type AiSystem, AiSystems } from './ai-systems';
import { severityTone } from './outcome-page';
import { reportedHref } from './reported-dataset-page';

interface LineageDataset {
  namespace: string;
  name: string;
  ref: string | null;
  firstSeen: number;
  lastSeen: number;
}

const PAGE = 50;

export function LineagePage() {
  useTitle('Lineage');
  const features = useFeatures();
  const has = (path: string) => features.paths.has(path);
  const datasets = useApi<{ datasets: LineageDataset[] }>(
    has('/api/v1/lineage/datasets') ? apiPath('/lineage/datasets', { limit: 2000 }) : null,
  );
  const outcomes = useApi<{ outcomes: Outcome[] }>(
    has('/api/v1/outcomes') ? apiPath('/outcomes', { limit: 50 }) : null,
  );
  const systems = useApi<{ systems: AiSystem[] }>(has('/api/v1/ai/systems') ? apiPath('/ai/systems') : null);
  const [offset, setOffset] = useState(0);
  if (!features.lineage)
    return (
      <>
        <PageHeader title="Lineage" />
        <Empty title="No lineage recorded">
          This server does not record run-time lineage yet. A dataset's <strong>Lineage</strong> tab shows
          what data products declare through their ports. <Link to="/catalog/datasets">Browse datasets</Link>.
        </Empty>
      </>
    );
  const rows = datasets.data?.datasets ?? [];
  const page = rows.slice(offset, offset + PAGE);
  return (
    <>
      <PageHeader
        title="Lineage"
        subtitle="The AI systems and the data they use, what pipelines report (OpenLineage), which contract each dataset is, and the AI outcomes traced back to data and people."
      />
      {has('/api/v1/ai/systems') ? <AiSystems state={systems} /> : null}
      <Section title="Recent AI outcomes" id="outcomes">
        {outcomes.error ? (
          <ErrorNote error={outcomes.error} />
        ) : !outcomes.data ? (
          <Loading />
        ) : outcomes.data.outcomes.length ? (
          <ul className="plain cards">
            {outcomes.data.outcomes.map((o) => (
              <li key={o.id} className="card">
                <Badge tone={severityTone(o.severity)}>{o.severity}</Badge>{' '}
                <strong>{o.type.replace(/_/g, ' ')}</strong> on{' '}
                <RefLink refText={o.subject} title={shortName(o.subject)} />{' '}
                <span className="muted small">{when(o.occurredAt)}</span>
                <p>{o.summary}</p>
                <p className="small">
                  Accountable:{' '}
                  {o.accountable.length
                    ? o.accountable.map((a, i) => (
                        <span key={a.ref}>
                          {i ? ', ' : ''}
                          <RefLink refText={a.ref} title={a.title} />
                        </span>
                      ))
                    : 'nobody traced'}{' '}
                  · <Link to={`/outcome/${encodeURIComponent(o.id)}`}>the trace as recorded</Link> ·{' '}
                  <Link to={`${hrefOf(o.subject)}?tab=trace`}>as it is now</Link>
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <Empty title="No outcomes yet">
            Outcomes (evaluations, complaints, wrong answers …) recorded with{' '}
            <code>POST /api/v1/outcomes</code> are traced to the datasets and people behind them.
          </Empty>
        )}
      </Section>
      <Section title="Datasets pipelines report" id="lineage-datasets">
        {datasets.error ? (
          <ErrorNote error={datasets.error} />
        ) : !datasets.data ? (
          <Loading />
        ) : rows.length ? (
          <>
            <p className="muted">
              {plural(rows.length, 'dataset')}, {rows.filter((d) => d.ref).length} matched to a contract.
            </p>
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Namespace and name</th>
                    <th scope="col">Contract</th>
                  </tr>
                </thead>
                <tbody>
                  {page.map((d) => (
                    <tr key={`${d.namespace}/${d.name}`}>
                      <th scope="row">
                        <Link to={reportedHref(d.namespace, d.name)}>
                          <code>{reportedName(d.namespace, d.name)}</code>
                        </Link>
                      </th>
                      <td>
                        {d.ref ? (
                          <Link to={`${hrefOf(d.ref)}?tab=lineage`}>{d.ref}</Link>
                        ) : (
                          <Link className="text-bad" to={reportedHref(d.namespace, d.name)}>
                            unmanaged — no contract yet: adopt it
                          </Link>
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
              label="Datasets"
            />
          </>
        ) : (
          <Empty title="Nothing reported yet">
            Pipelines send OpenLineage events to <code>/api/v1/lineage</code>; the datasets they read and
            write appear here.
          </Empty>
        )}
      </Section>
    </>
  );
}

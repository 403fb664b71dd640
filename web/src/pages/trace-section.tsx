/**
 * The trace of a model or an AI application (when the server records lineage): every dataset behind
 * it, through which link (training, evaluation, retrieval …) and version, and the people accountable
 * for them, as a graph and as a table.
 */
import { fill, useFeatures } from '../api/features';
import { useApi } from '../api/use-api';
import { type GraphEdge, type GraphNode, LayeredGraph } from '../components/graph';
import { Classification, Empty, ErrorNote, Loading, RefLink, Section } from '../components/ui';
import { hrefOf, shortName } from '../lib/refs';

export interface LineageRow {
  node: string;
  kind: 'dataset' | 'model' | 'app';
  managed: boolean;
  depth: number;
  role: string | null;
  via: string | null;
  job: string | null;
  version?: { used: string | null; pinned: boolean; current: number | null };
  asset: {
    ref: string;
    title: string;
    owners: string[];
    stewards: string[];
    classification?: string | null;
  } | null;
}

interface TraceReport {
  subject: { ref: string; title: string };
  datasets: LineageRow[];
  models: LineageRow[];
  accountable: { ref: string; title: string; why: string[] }[];
}

/** Rows as graph nodes: column by depth (negative upstream, positive downstream), edges from `via`. */
export function rowsToGraph(subject: string, rows: LineageRow[], direction: -1 | 1) {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const r of rows) {
    nodes.push({
      id: r.node,
      label: r.asset?.title || shortName(r.node),
      sub: [r.kind, r.role].filter(Boolean).join(' · '),
      column: direction * Math.max(1, r.depth),
      tone: r.kind === 'dataset' ? `level-${r.asset?.classification ?? 'none'}` : 'product',
      ...(r.managed ? { href: hrefOf(r.node) } : {}),
    });
    const from = r.via ?? subject;
    edges.push(direction < 0 ? { from: r.node, to: from, label: r.role ?? undefined } : { from, to: r.node });
  }
  return { nodes, edges };
}

export function TraceSection({ refText }: { refText: string }) {
  const features = useFeatures();
  const trace = useApi<TraceReport>(features.trace ? fill(features.trace, { ref: refText }) : null);
  const subjectTitle = shortName(refText);
  if (!features.trace)
    return (
      <Empty title="No lineage on this server">
        Tracing a model to its data needs the server to record lineage.
      </Empty>
    );
  if (trace.error) return <ErrorNote error={trace.error} title="The trace failed" />;
  if (!trace.data) return <Loading label="Tracing" />;
  const rows = [...trace.data.models, ...trace.data.datasets];
  const graph = rowsToGraph(refText, rows, -1);
  return (
    <>
      <Section title="Trace" id="trace">
        {rows.length ? (
          <LayeredGraph
            label={`Trace of ${refText}`}
            nodes={[
              { id: refText, label: subjectTitle, sub: 'traced from here', column: 0, tone: 'product' },
              ...graph.nodes,
            ]}
            edges={graph.edges}
          />
        ) : (
          <Empty title="Nothing traced yet">No lineage links this {refText.split(':')[0]} to data yet.</Empty>
        )}
      </Section>
      {rows.length ? (
        <Section title="Data behind it" id="trace-datasets">
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Asset</th>
                  <th scope="col">Link</th>
                  <th scope="col">Version</th>
                  <th scope="col">Classification</th>
                  <th scope="col">Owners</th>
                  <th scope="col">Stewards</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.node}|${r.via ?? ''}`}>
                    <th scope="row">
                      {r.managed ? (
                        <RefLink refText={r.node} title={r.asset?.title} />
                      ) : (
                        <code>{r.node}</code>
                      )}
                    </th>
                    <td>
                      {r.role ?? '–'}
                      {r.depth > 1 ? <span className="muted small"> ({r.depth} hops)</span> : null}
                    </td>
                    <td>
                      {r.version?.used ?? 'current'}
                      {r.version?.pinned ? <span className="muted small"> pinned</span> : null}
                    </td>
                    <td>
                      <Classification level={r.asset?.classification ?? null} />
                    </td>
                    <td>{r.asset?.owners.join(', ') || '–'}</td>
                    <td>{r.asset?.stewards.join(', ') || '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}
      <Section title="Accountable" id="accountable">
        {trace.data.accountable.length ? (
          <ul className="plain">
            {trace.data.accountable.map((a) => (
              <li key={a.ref}>
                <RefLink refText={a.ref} title={a.title} />{' '}
                <span className="muted small">{a.why.join('; ')}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Nobody yet: no traced dataset names an owner or steward.</p>
        )}
      </Section>
    </>
  );
}

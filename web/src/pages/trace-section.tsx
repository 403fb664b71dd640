/**
 * The trace of a model or an AI application (when the server records lineage): every dataset behind
 * it, through which link (training, evaluation, retrieval …) and version, and the people accountable
 * for them, as a graph and as a table. A node in a domain the user may not read comes back
 * restricted: it keeps its place on the path, shown by its domain and whom to ask for access.
 */
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { fill, useFeatures } from '../api/features';
import { useApi } from '../api/use-api';
import { Field } from '../components/field';
import { type GraphEdge, type GraphNode, LayeredGraph } from '../components/graph';
import { Classification, Empty, ErrorNote, Loading, Note, RefLink, Section, Status } from '../components/ui';
import { when } from '../lib/format';
import { hrefOf, shortName } from '../lib/refs';

export interface LineageRow {
  node: string;
  kind: 'dataset' | 'model' | 'app';
  managed: boolean;
  /** An unmanaged dataset's namespace and name, as its pipeline reported them. */
  namespace?: string;
  name?: string;
  depth: number;
  role: string | null;
  via: string | null;
  job: string | null;
  version?: { used: string | null; pinned: boolean; current: number | null };
  /** The classification of the version a link used, when it is not the current one. */
  classificationUsed?: string | null;
  /**
   * An outcome's trace: the quality status when the outcome happened; a trace as of a past time:
   * the status then. Only where it differs from `asset.quality` (then: unchecked, status null).
   */
  qualityThen?: QualityStatus;
  /**
   * As of a past time (or in an outcome's trace, when it happened), for a link that names no
   * version: the contract's version then, and that version's classification, where they differ.
   */
  versionThen?: number;
  classificationThen?: string | null;
  /** The user may not read it: `node` is an id valid in this answer only. */
  restricted?: true;
  domain?: string | null;
  requestAccessFrom?: string[];
  asset: {
    ref: string;
    title: string;
    owners: string[];
    stewards: string[];
    classification?: string | null;
    /** A dataset's quality status (in an outcome's trace: when the outcome was recorded). */
    quality?: QualityStatus;
    /** The catalog's version of the asset. */
    version?: number;
    /** A model's or application's own version (e.g. 1.4.0). */
    systemVersion?: string;
  } | null;
}

interface QualityStatus {
  status: 'passed' | 'failed' | 'error' | null;
  score: number | null;
}

function QualityText({ q }: { q: QualityStatus }) {
  if (!q.status) return <span className="muted">unchecked</span>;
  return (
    <>
      <Status value={q.status} />
      {q.score !== null ? ` ${q.score}` : null}
    </>
  );
}

/**
 * A dataset's quality; in an outcome's trace, also what it was when the outcome happened; in a
 * trace as of a past time, also what it was then.
 */
function QualityCell({ r, asOf }: { r: LineageRow; asOf: boolean }) {
  const q = r.asset?.quality;
  if (!q) return <>–</>;
  if (!r.qualityThen) return <QualityText q={q} />;
  return (
    <>
      <QualityText q={r.qualityThen} />{' '}
      <span className="muted small">{asOf ? 'then;' : 'when it happened;'}</span> <QualityText q={q} />{' '}
      <span className="muted small">{asOf ? 'now' : 'when recorded'}</span>
    </>
  );
}

/** "then; … now" (a trace as of a past time) or "when it happened; … when recorded" (an outcome's). */
function ThenNow({ then, now, asOf }: { then: ReactNode; now: ReactNode; asOf: boolean }) {
  return (
    <>
      {then} <span className="muted small">{asOf ? 'then;' : 'when it happened;'}</span> {now}{' '}
      <span className="muted small">{asOf ? 'now' : 'when recorded'}</span>
    </>
  );
}

/** A row's version; as of a past time, also the contract's version then where it differs. */
function VersionCell({ r, asOf }: { r: LineageRow; asOf: boolean }) {
  if (r.versionThen === undefined || !r.asset) return <>{versionText(r)}</>;
  return <ThenNow then={`v${r.versionThen}`} now={`v${r.asset.version}`} asOf={asOf} />;
}

/** A row's classification (of the version its link used); as of a past time, also the one then. */
function ClassificationCell({ r, asOf }: { r: LineageRow; asOf: boolean }) {
  const shown = r.classificationUsed ?? r.asset?.classification ?? null;
  if (r.classificationThen !== undefined)
    return (
      <ThenNow
        then={<Classification level={r.classificationThen} />}
        now={<Classification level={shown} />}
        asOf={asOf}
      />
    );
  return (
    <>
      <Classification level={shown} />
      {r.classificationUsed !== undefined && r.classificationUsed !== r.asset?.classification ? (
        <span className="muted small"> of the version used</span>
      ) : null}
    </>
  );
}

/** `2026-11-20T10:00` in the browser's time zone, as the date-time input shows it. */
function localInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * Asks the trace as of a past time (`?at=` in the page's URL, an instant): each dataset's quality
 * then, beside now. The input is in the browser's time zone.
 */
function AsOfForm({ at, onChange }: { at: string; onChange: (at: string | null) => void }) {
  return (
    <form
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        const value = new FormData(e.currentTarget).get('at');
        const time = typeof value === 'string' && value ? new Date(value) : null;
        onChange(time && !Number.isNaN(time.getTime()) ? time.toISOString() : null);
      }}
    >
      <Field label="As of">
        {(id) => (
          <input
            id={id}
            name="at"
            type="datetime-local"
            key={at}
            defaultValue={at ? localInput(at) : ''}
            max={localInput(new Date().toISOString())}
          />
        )}
      </Field>
      <button type="submit">Show</button>
      {at ? (
        <button type="button" onClick={() => onChange(null)}>
          Now
        </button>
      ) : null}
    </form>
  );
}

/**
 * The version a row's link used: the one it names (pinned by a declared link, or reported by a
 * run), else the dataset's latest; a model's own version; a dash when nothing is known.
 */
export function versionText(r: LineageRow): string {
  if (r.version?.used) return `v${r.version.used}${r.version.pinned ? ' (pinned)' : ' (reported)'}`;
  if (r.kind !== 'dataset') return r.asset?.systemVersion ?? '–';
  return r.asset?.version !== undefined ? `v${r.asset.version} (latest)` : '–';
}

interface TraceReport {
  subject: { ref: string; title: string };
  datasets: LineageRow[];
  models: LineageRow[];
  accountable: { ref: string; title: string; why: string[] }[];
  /** How many nodes are restricted. */
  restricted?: number;
  /** A trace as of a past time: that time (each row's `qualityThen`, `versionThen` and `classificationThen` are then). */
  qualityAt?: string;
}

const KIND_LABEL = { dataset: 'Dataset', model: 'Model', app: 'Application' } as const;

/**
 * What a restricted node is called: nothing of the asset itself ("no access" rather than
 * "restricted", which is also a classification level).
 */
export function restrictedLabel(r: LineageRow): string {
  return `${KIND_LABEL[r.kind]} (no access)`;
}

/**
 * Rows as graph nodes: column by depth (negative upstream, positive downstream), edges from `via`,
 * reported when a job lies between the two nodes and declared otherwise.
 */
export function rowsToGraph(subject: string, rows: LineageRow[], direction: -1 | 1) {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const r of rows) {
    nodes.push(
      r.restricted
        ? {
            id: r.node,
            label: restrictedLabel(r),
            sub: [r.domain ? `in ${r.domain}` : null, r.role].filter(Boolean).join(' · '),
            column: direction * Math.max(1, r.depth),
            tone: 'no-access',
          }
        : {
            id: r.node,
            // An unmanaged dataset by the name its pipeline gave it (its namespace is in the table).
            label: r.asset?.title || r.name || shortName(r.node),
            sub: [r.kind, r.role].filter(Boolean).join(' · '),
            column: direction * Math.max(1, r.depth),
            tone: r.kind === 'dataset' ? `level-${r.asset?.classification ?? 'none'}` : 'product',
            ...(r.managed ? { href: hrefOf(r.node) } : {}),
          },
    );
    const from = r.via ?? subject;
    // A link with a job between was reported by a pipeline run; one without is declared in a manifest.
    const origin = r.job ? ('reported' as const) : ('declared' as const);
    const source = r.job
      ? r.job.startsWith('restricted-job:')
        ? 'reported by a pipeline run'
        : `reported by job ${r.job}`
      : undefined;
    const how = { origin, ...(source ? { source } : {}) };
    edges.push(
      direction < 0
        ? { from: r.node, to: from, ...(r.role ? { label: r.role } : {}), ...how }
        : { from, to: r.node, ...how },
    );
  }
  return { nodes, edges };
}

export function TraceSection({ refText }: { refText: string }) {
  const features = useFeatures();
  const [params, setParams] = useSearchParams();
  // A model or an application can be traced as of a past time; an outcome's trace keeps its own.
  const asOfAllowed = !refText.startsWith('outcome:');
  const at = asOfAllowed ? (params.get('at') ?? '') : '';
  const setAt = (value: string | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set('at', value);
      else next.delete('at');
      return next;
    });
  const trace = useApi<TraceReport>(
    features.trace
      ? `${fill(features.trace, { ref: refText })}${at ? `?at=${encodeURIComponent(at)}` : ''}`
      : null,
  );
  if (!features.trace)
    return (
      <Empty title="No lineage on this server">
        Tracing a model to its data needs the server to record lineage.
      </Empty>
    );
  const asOf = asOfAllowed ? <AsOfForm at={at} onChange={setAt} /> : null;
  if (trace.error)
    return (
      <>
        {asOf}
        <ErrorNote error={trace.error} title="The trace failed" />
      </>
    );
  if (!trace.data) return <Loading label="Tracing" />;
  const rows = [...trace.data.models, ...trace.data.datasets];
  const asOfShown = trace.data.qualityAt !== undefined;
  // The model or application traced (an outcome's trace starts from its subject).
  const subject = trace.data.subject.ref || refText;
  const graph = rowsToGraph(subject, rows, -1);
  return (
    <>
      <Section title="Trace" id="trace">
        {rows.length ? (
          <LayeredGraph
            label={`Trace of ${subject}`}
            nodes={[
              {
                id: subject,
                label: trace.data.subject.title || shortName(subject),
                sub: 'traced from here',
                column: 0,
                tone: 'product',
              },
              ...graph.nodes,
            ]}
            edges={graph.edges}
          />
        ) : (
          <Empty title="Nothing traced yet">No lineage links this {subject.split(':')[0]} to data yet.</Empty>
        )}
      </Section>
      {rows.length ? (
        <Section title="Data behind it" id="trace-datasets">
          {asOf}
          {trace.data.qualityAt ? (
            <Note>
              As of {when(trace.data.qualityAt)} (“then”) beside now, where a dataset’s quality, version or
              classification differs; lineage and owners are as they are now.
            </Note>
          ) : null}
          {trace.data.restricted ? (
            <Note>
              {trace.data.restricted === 1
                ? '1 asset behind it is'
                : `${trace.data.restricted} assets behind it are`}{' '}
              in a domain you may not read: each keeps its place in the trace, shown only by its domain and
              the domain’s owners, whom to ask for access.
            </Note>
          ) : null}
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Asset</th>
                  <th scope="col">Link</th>
                  <th scope="col">Version</th>
                  <th scope="col">Classification</th>
                  <th scope="col">Quality</th>
                  <th scope="col">Owners</th>
                  <th scope="col">Stewards</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) =>
                  r.restricted ? (
                    <tr key={`${r.node}|${r.via ?? ''}`} className="restricted-row">
                      <th scope="row">
                        {restrictedLabel(r)}{' '}
                        <span className="muted small">
                          ({r.node}
                          {r.domain ? (
                            <>
                              {' '}
                              in <RefLink refText={`domain:${r.domain}`} title={r.domain} />
                            </>
                          ) : null}
                          )
                        </span>
                      </th>
                      <td>
                        {r.role ?? '–'}
                        {r.depth > 1 ? <span className="muted small"> ({r.depth} hops)</span> : null}
                      </td>
                      <td className="muted">withheld</td>
                      <td className="muted">withheld</td>
                      <td className="muted">withheld</td>
                      <td colSpan={2}>
                        {r.requestAccessFrom?.length ? (
                          <>
                            Ask{' '}
                            {r.requestAccessFrom.map((p, i) => (
                              <span key={p}>
                                {i ? ', ' : ''}
                                <RefLink refText={p} />
                              </span>
                            ))}{' '}
                            for access
                          </>
                        ) : (
                          <span className="muted">the domain names no owner</span>
                        )}
                      </td>
                    </tr>
                  ) : (
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
                        <VersionCell r={r} asOf={asOfShown} />
                      </td>
                      <td>
                        <ClassificationCell r={r} asOf={asOfShown} />
                      </td>
                      <td>
                        <QualityCell r={r} asOf={asOfShown} />
                      </td>
                      <td>{r.asset?.owners.join(', ') || '–'}</td>
                      <td>{r.asset?.stewards.join(', ') || '–'}</td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}
      <Section title="Accountable" id="accountable">
        {trace.data.accountable.length ? (
          <PeopleWithReasons people={trace.data.accountable} />
        ) : (
          <p className="muted">Nobody yet: no traced dataset names an owner or steward.</p>
        )}
      </Section>
    </>
  );
}

/** People and teams, each with every reason they are on the list (a trace's accountable, an impact's who to tell). */
export function PeopleWithReasons({ people }: { people: { ref: string; title: string; why: string[] }[] }) {
  return (
    <ul className="plain">
      {people.map((a) => (
        <li key={a.ref}>
          <RefLink refText={a.ref} title={a.title} /> <span className="muted small">{a.why.join('; ')}</span>
        </li>
      ))}
    </ul>
  );
}

/** The sections of an asset page: summaries, owners, relations, schema, policies, versions and manifest. */
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { apiPath, enc } from '../api/client';
import { fill, useFeatures } from '../api/features';
import type { Description, Diff, Explain, Json } from '../api/types';
import { useApi } from '../api/use-api';
import { Field } from '../components/field';
import { PersonRef } from '../components/person-ref';
import {
  Badge,
  Classification,
  Empty,
  Enforcement,
  ErrorNote,
  Loading,
  Pager,
  RefLink,
  Section,
  Status,
} from '../components/ui';
import { plural, when } from '../lib/format';
import { hrefOf, kindLabel, shortName } from '../lib/refs';

const list = (v: unknown): Json[] =>
  Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : [];
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function Definition({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function ContractSummary({ d }: { d: Description }) {
  const doc = d.doc;
  const description = (doc.description ?? {}) as Json;
  const servers = list(doc.servers);
  const slas = list(doc.slaProperties);
  const tags = Array.isArray(doc.tags) ? (doc.tags as string[]) : [];
  const rules =
    list(doc.schema).reduce(
      (n, o) =>
        n + list(o.quality).length + list(o.properties).reduce((m, p) => m + list(p.quality).length, 0),
      0,
    ) + list(doc.quality).length;
  const levels = new Map<string, number>();
  for (const f of d.fields)
    if (f.classification) levels.set(f.classification, (levels.get(f.classification) ?? 0) + 1);
  const unclassified = d.fields.filter((f) => !f.classification).length;
  return (
    <Section title="Contract" id="contract">
      {str(description.purpose) ? (
        <p className="lead">{str(description.purpose)}</p>
      ) : (
        <p className="muted">No purpose is described.</p>
      )}
      <dl className="facts">
        <Definition term="Status">
          <Status value={String(doc.status ?? 'unknown')} />
        </Definition>
        <Definition term="Contract version">{String(doc.version ?? '–')}</Definition>
        <Definition term="Standard">
          ODCS {String(doc.apiVersion ?? '')}
          {doc.id ? <span className="muted small"> · id {String(doc.id)}</span> : null}
        </Definition>
        {str(description.usage) ? <Definition term="Usage">{str(description.usage)}</Definition> : null}
        {str(description.limitations) ? (
          <Definition term="Limitations">{str(description.limitations)}</Definition>
        ) : null}
        <Definition term="Fields">
          {plural(d.fields.length, 'field')}
          {levels.size ? ': ' : ''}
          {[...levels].map(([level, n], i) => (
            <span key={level}>
              {i ? ', ' : ''}
              {n} <Classification level={level} />
            </span>
          ))}
          {unclassified ? <span className="text-bad">, {unclassified} unclassified</span> : null}
        </Definition>
        <Definition term="Quality rules">
          {rules ? plural(rules, 'rule') : <span className="muted">none declared</span>}
        </Definition>
        {servers.length ? (
          <Definition term="Servers">
            <ul className="plain">
              {servers.map((s) => (
                <li key={String(s.server)}>
                  <strong>{String(s.server)}</strong> {String(s.type ?? '')}{' '}
                  <span className="muted">
                    {[s.format, s.path ?? s.location ?? s.host, s.database, s.schema]
                      .filter(Boolean)
                      .map(String)
                      .join(' · ')}
                  </span>
                </li>
              ))}
            </ul>
          </Definition>
        ) : (
          <Definition term="Servers">
            <span className="muted">none declared</span>
          </Definition>
        )}
        {slas.length ? (
          <Definition term="SLAs">
            <ul className="plain">
              {slas.map((s) => (
                <li key={`${String(s.property)}-${String(s.element ?? '')}-${String(s.value ?? '')}`}>
                  {String(s.property)}: {String(s.value ?? '')}
                  {s.unit ? ` ${String(s.unit)}` : ''}
                  {s.element ? <span className="muted"> on {String(s.element)}</span> : null}
                </li>
              ))}
            </ul>
          </Definition>
        ) : null}
        {tags.length ? (
          <Definition term="Tags">
            {tags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </Definition>
        ) : null}
        {d.glossary.length ? (
          <Definition term="Glossary">
            {d.glossary.map((g, i) => (
              <span key={g.ref}>
                {i ? ', ' : ''}
                <RefLink refText={g.ref} title={g.title} />
              </span>
            ))}
          </Definition>
        ) : null}
      </dl>
    </Section>
  );
}

/** What a non-dataset asset holds, by kind. */
export function KindSummary({ d }: { d: Description }) {
  const doc = d.doc;
  const spec = (doc.spec ?? {}) as Json;
  const kind = d.asset.kind;
  if (kind === 'Policy') {
    const match = (spec.match ?? {}) as Json;
    return (
      <Section title="Policy" id="policy">
        {str(spec.description) ? <p className="lead">{str(spec.description)}</p> : null}
        <dl className="facts">
          <Definition term="Enforcement">
            <Enforcement value={String(spec.enforcement ?? '')} />
            {spec.approvers ? <span className="muted"> · approvers: {String(spec.approvers)}</span> : null}
          </Definition>
          <Definition term="From">
            {d.asset.domain ? <RefLink refText={`domain:${d.asset.domain}`} /> : 'the charter (every domain)'}
          </Definition>
          <Definition term="Scope">{String(spec.scope ?? 'asset')}</Definition>
          <Definition term="Matches">
            <code>{JSON.stringify(match)}</code>
          </Definition>
          <Definition term="Rule (CEL)">
            <pre className="code">{String(spec.rule ?? '')}</pre>
          </Definition>
          <Definition term="Message">{String(spec.message ?? '')}</Definition>
          {spec.remediation ? <Definition term="How to fix">{String(spec.remediation)}</Definition> : null}
          <Definition term="Tests">{plural(list(spec.tests).length, 'test')}</Definition>
        </dl>
        <p>
          <Link to={`/policies?policy=${encodeURIComponent(d.asset.ref)}#failing`}>
            Assets failing this policy →
          </Link>
        </p>
      </Section>
    );
  }
  if (kind === 'GlossaryTerm') {
    return (
      <Section title="Definition" id="definition">
        <p className="lead">{String(spec.definition ?? '')}</p>
        <dl className="facts">
          {Array.isArray(spec.synonyms) ? (
            <Definition term="Synonyms">{(spec.synonyms as string[]).join(', ')}</Definition>
          ) : null}
          {Array.isArray(spec.related) ? (
            <Definition term="Related">
              {(spec.related as string[]).map((r, i) => (
                <span key={r}>
                  {i ? ', ' : ''}
                  <RefLink refText={r} />
                </span>
              ))}
            </Definition>
          ) : null}
        </dl>
      </Section>
    );
  }
  if (kind === 'DataProduct') {
    const description = (doc.description ?? {}) as Json;
    return (
      <Section title="Data product" id="product">
        {str(description.purpose) ? <p className="lead">{str(description.purpose)}</p> : null}
        <dl className="facts">
          <Definition term="Status">
            <Status value={String(doc.status ?? 'unknown')} />
          </Definition>
          <Definition term="Version">{String(doc.version ?? '–')}</Definition>
          {str(description.usage) ? <Definition term="Usage">{str(description.usage)}</Definition> : null}
          {str(description.limitations) ? (
            <Definition term="Limitations">{str(description.limitations)}</Definition>
          ) : null}
          <Definition term="Output ports">
            <ul className="plain">
              {list(doc.outputPorts).map((p) => (
                <li key={String(p.name)}>
                  {String(p.name)} <span className="muted">{String(p.type ?? '')}</span>
                </li>
              ))}
            </ul>
          </Definition>
          <Definition term="Input ports">
            {list(doc.inputPorts).length ? (
              <ul className="plain">
                {list(doc.inputPorts).map((p) => (
                  <li key={String(p.name)}>{String(p.name)}</li>
                ))}
              </ul>
            ) : (
              <span className="muted">none</span>
            )}
          </Definition>
        </dl>
      </Section>
    );
  }
  if (kind === 'Charter') {
    const levels = list(spec.classificationLevels);
    return (
      <Section title="Charter" id="charter">
        {str(spec.description) ? <p className="lead">{str(spec.description)}</p> : null}
        <dl className="facts">
          <Definition term="Data office">
            {(Array.isArray(spec.dataOffice) ? (spec.dataOffice as string[]) : []).map((r, i) => (
              <span key={r}>
                {i ? ', ' : ''}
                <RefLink refText={r} />
              </span>
            ))}
          </Definition>
          <Definition term="Classification levels">
            <ol className="plain">
              {levels.map((l) => (
                <li key={String(l.name)}>
                  <Classification level={String(l.name)} />{' '}
                  <span className="muted">{String(l.description ?? '')}</span>
                </li>
              ))}
            </ol>
          </Definition>
          <Definition term="Ownership types">
            {list(spec.ownershipTypes)
              .map((t) => String(t.name))
              .join(', ')}
          </Definition>
          <Definition term="Personal-data categories">
            {list(spec.personalDataCategories)
              .map((t) => String(t.name))
              .join(', ')}
          </Definition>
          <Definition term="AI uses">
            {list(spec.aiUses)
              .map((t) => String(t.name))
              .join(', ')}
          </Definition>
        </dl>
      </Section>
    );
  }
  const entries = Object.entries(spec).filter(
    ([, v]) => typeof v === 'string' || typeof v === 'number' || Array.isArray(v),
  );
  return (
    <Section title={kindLabel(kind)} id="about">
      {d.asset.description ? <p className="lead">{d.asset.description}</p> : null}
      <dl className="facts">
        {entries.map(([k, v]) => (
          <Definition key={k} term={k}>
            {Array.isArray(v)
              ? v.map((x, i) =>
                  typeof x === 'string' && /^[a-z]+:/.test(x) ? (
                    <span key={x}>
                      {i ? ', ' : ''}
                      <RefLink refText={x} />
                    </span>
                  ) : (
                    <span key={JSON.stringify(x)} className={isObject(x) ? 'block' : undefined}>
                      {i && !isObject(x) ? ', ' : ''}
                      {typeof x === 'string' ? x : isObject(x) ? <Entry value={x} /> : JSON.stringify(x)}
                    </span>
                  ),
                )
              : String(v)}
          </Definition>
        ))}
      </dl>
    </Section>
  );
}

/**
 * A model's or application's inputs as the AI-use gate answers now for each link's role (the
 * server's `inputsGate`): what admission warned about when it was applied, kept current.
 */
export function InputsGatePanel({ d }: { d: Description }) {
  const gate = d.inputsGate ?? [];
  if (!gate.length) return null;
  const refused = gate.filter((g) => g.decision === 'deny').length;
  return (
    <Section title="AI-use gate" id="ai-use-gate">
      <p className="muted small">
        Each dataset this {d.asset.kind === 'Model' ? 'model' : 'application'} declares as an input, asked for
        its link's role now. {refused ? `${plural(refused, 'link')} refused.` : 'Every link allowed.'}
      </p>
      <table className="data">
        <caption className="sr-only">The AI-use gate's answer for each input</caption>
        <thead>
          <tr>
            <th scope="col">Dataset</th>
            <th scope="col">Use</th>
            <th scope="col">Answer</th>
            <th scope="col">Why, and what would change it</th>
          </tr>
        </thead>
        <tbody>
          {gate.map((g) => (
            <tr key={g.index}>
              <td>
                <RefLink refText={g.dataset} />
              </td>
              <td>{g.use}</td>
              <td>
                <Badge tone={g.decision === 'allow' ? 'good' : g.decision === 'deny' ? 'bad' : 'neutral'}>
                  {g.decision}
                </Badge>
              </td>
              <td>
                {g.decision === 'restricted' ? (
                  <span className="muted">You may not read this dataset; its owners can tell you.</span>
                ) : (
                  <>
                    <ul className="plain">
                      {g.reasons.map((r) => (
                        <li key={r.check}>
                          {r.message} <span className="muted small">→ {r.fix}</span>
                        </li>
                      ))}
                    </ul>
                    {g.since && (
                      <div className="muted small">
                        {g.decision === 'deny' ? 'Refused' : 'Allowed'} since {when(g.since.time)}:{' '}
                        {g.since.qualityRun ? 'a quality run by ' : 'a change by '}
                        <PersonRef refText={g.since.actor} />
                        {!g.since.qualityRun && g.since.datasetVersion
                          ? ` (dataset v${g.since.datasetVersion})`
                          : ''}
                      </div>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * One entry of a list in a manifest (a model's input, a base model): its plain values side by side
 * (`dataset:cards/x · version 1 · training`), refs as links; nested values as JSON.
 */
function Entry({ value }: { value: Json }) {
  return (
    <>
      {Object.entries(value).map(([k, v], i) => (
        <span key={k}>
          {i ? ' · ' : ''}
          {typeof v === 'string' && /^[a-z]+:[\w-]+\//.test(v) ? (
            <RefLink refText={v} />
          ) : Array.isArray(v) && v.every((e) => typeof e === 'string') ? (
            <span title={k}>{v.join(', ')}</span>
          ) : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? (
            <span title={k}>{k === 'version' && typeof v === 'number' ? `v${v}` : String(v)}</span>
          ) : (
            <code title={k}>{JSON.stringify(v)}</code>
          )}
        </span>
      ))}
    </>
  );
}

function Source({ source }: { source: string }) {
  if (source === 'declared') return <span className="muted small">declared on this asset</span>;
  return (
    <span className="muted small">
      inherited from <Link to={hrefOf(source)}>{source}</Link>
    </span>
  );
}

export function OwnersPanel({ d }: { d: Description }) {
  const groups: [string, Description['owners']][] = [
    ['Owners', d.owners],
    ['Stewards', d.stewards],
    ...Object.entries(d.roles)
      .filter(([role]) => role !== 'owner' && role !== 'steward')
      .map(
        ([role, people]) =>
          [role.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()), people] as [
            string,
            Description['owners'],
          ],
      ),
  ];
  return (
    <Section title="Accountable people" id="owners">
      <dl className="people">
        {groups.map(([label, people]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              {people.length ? (
                <ul className="plain">
                  {people.map((p) => (
                    <li key={p.ref}>
                      <RefLink refText={p.ref} title={p.title} /> <Source source={p.source} />
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="text-bad">none — neither declared nor inherited</span>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

const RELATION_LABELS: Record<string, string> = {
  inDomain: 'Domain',
  contains: 'Contains',
  childOf: 'Parent domain',
  parentOf: 'Sub-domains',
  ownedBy: 'Owned by',
  ownerOf: 'Owner of',
  stewardedBy: 'Stewarded by',
  stewardOf: 'Steward of',
  hasRole: 'Roles',
  holdsRole: 'Holds role on',
  hasMember: 'Members',
  memberOf: 'Member of',
  usesTerm: 'Uses glossary terms',
  termUsedBy: 'Used by',
  relatedTo: 'Related',
  exposes: 'Exposes',
  exposedBy: 'Exposed by product',
  consumes: 'Consumes',
  consumedBy: 'Consumed by',
  waives: 'Waives',
  waivedBy: 'Waived by',
  waivesFor: 'Waiver for',
  hasWaiver: 'Waivers',
};

const PER_GROUP = 25;

/** An asset's links to others, grouped by relation; long groups are paginated. */
export function RelationsPanel({ d, compact }: { d: Description; compact?: boolean }) {
  const skip = compact
    ? new Set(['ownedBy', 'stewardedBy', 'hasRole', 'usesTerm', 'inDomain'])
    : new Set<string>();
  const groups = new Map<string, string[]>();
  for (const r of d.relations) {
    if (skip.has(r.type)) continue;
    const key = r.type;
    const refs = groups.get(key) ?? [];
    if (!refs.includes(r.ref)) refs.push(r.ref);
    groups.set(key, refs);
  }
  if (!groups.size)
    return compact ? null : (
      <Empty title="No relations">Nothing refers to this asset and it refers to nothing.</Empty>
    );
  return (
    <Section title="Related" id="relations">
      <dl className="relations">
        {[...groups].map(([type, refs]) => (
          <RelationGroup key={type} label={RELATION_LABELS[type] ?? type} refs={refs} />
        ))}
      </dl>
    </Section>
  );
}

function RelationGroup({ label, refs }: { label: string; refs: string[] }) {
  const [offset, setOffset] = useState(0);
  const page = refs.slice(offset, offset + PER_GROUP);
  return (
    <div>
      <dt>
        {label} <span className="muted">({refs.length})</span>
      </dt>
      <dd>
        <ul className="plain">
          {page.map((ref) => (
            <li key={ref}>
              <RefLink refText={ref} />
            </li>
          ))}
        </ul>
        <Pager
          offset={offset}
          limit={PER_GROUP}
          count={page.length}
          total={refs.length}
          onChange={setOffset}
          label={label}
        />
      </dd>
    </div>
  );
}

const FIELDS_PER_PAGE = 100;

/** What a field inherits along column lineage (GET /lineage/classification/{ref}). */
interface InheritedField {
  inherited: string | null;
  from: string[];
  conflict: boolean;
  /** Upstream fields whose level a protecting transformation (masking, aggregation …) stops. */
  protectedBy?: { from: string; protection: string }[];
}

/**
 * Upstream fields, each a link to its row in its contract's schema (`dataset:…#table.field`); a
 * reported dataset's field, or one the reader may not see (`restricted (domain:D)`), as text.
 */
function Sources({ sources }: { sources: string[] }) {
  return (
    <>
      {sources.map((source, i) => {
        const hash = source.indexOf('#');
        const node = hash > 0 ? source.slice(0, hash) : source;
        const field = hash > 0 ? source.slice(hash + 1) : '';
        return (
          <span key={source}>
            {i ? ', ' : ''}
            {node.startsWith('dataset:') ? (
              <Link to={`${hrefOf(node)}?tab=schema#field-${field}`}>{source}</Link>
            ) : (
              <code>{source}</code>
            )}
          </span>
        );
      })}
    </>
  );
}

export function SchemaTable({ d }: { d: Description }) {
  const features = useFeatures();
  const inherited = useApi<unknown>(
    features.fieldClassification ? fill(features.fieldClassification, { ref: d.asset.ref }) : null,
  );
  const inheritedBy = useMemo(() => {
    const map = new Map<string, InheritedField>();
    const rows = Array.isArray(inherited.data)
      ? inherited.data
      : Array.isArray((inherited.data as Json | undefined)?.fields)
        ? ((inherited.data as Json).fields as unknown[])
        : [];
    for (const r of rows as (InheritedField & { path: string })[]) map.set(r.path, r);
    return map;
  }, [inherited.data]);
  const [offset, setOffset] = useState(0);
  const terms = new Map(d.glossary.map((g) => [g.ref, g]));
  const tables = new Set(d.fields.map((f) => f.table));
  const page = d.fields.slice(offset, offset + FIELDS_PER_PAGE);
  if (!d.fields.length) return <Empty title="No schema">This contract declares no fields.</Empty>;
  return (
    <Section title="Schema" id="schema">
      <p className="muted small">
        {plural(d.fields.length, 'field')} in {plural(tables.size, 'table')}. Declared classification is the
        contract's own;{' '}
        {features.fieldClassification
          ? 'inherited classification comes from upstream lineage.'
          : 'inherited classification (from upstream lineage) appears when this server records lineage.'}
      </p>
      {inherited.error ? (
        <ErrorNote error={inherited.error} title="The inherited classification could not be read" />
      ) : null}
      <div className="table-wrap">
        <table className="data schema-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Type</th>
              <th scope="col">Description</th>
              <th scope="col">Glossary</th>
              <th scope="col">Classification</th>
              {features.fieldClassification ? <th scope="col">Inherited</th> : null}
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {page.map((f) => {
              const inh = inheritedBy.get(f.path);
              return (
                <tr key={f.path} id={`field-${f.path}`}>
                  <th scope="row">
                    <code>{tables.size > 1 ? f.path : f.path.slice(f.table.length + 1)}</code>
                    {f.required ? (
                      <span className="req" title="required">
                        {' '}
                        *<span className="sr-only">required</span>
                      </span>
                    ) : null}
                  </th>
                  <td>
                    {f.logicalType ?? <span className="muted">–</span>}
                    {f.physicalType ? <div className="muted small">{f.physicalType}</div> : null}
                  </td>
                  <td>{f.description ?? <span className="text-bad small">no description</span>}</td>
                  <td>
                    {f.terms.length
                      ? f.terms.map((t, i) => (
                          <span key={t}>
                            {i ? ', ' : ''}
                            <Link to={hrefOf(t)} title={terms.get(t)?.definition}>
                              {terms.get(t)?.title ?? shortName(t)}
                            </Link>
                          </span>
                        ))
                      : null}
                  </td>
                  <td>
                    {f.classification ? (
                      <Classification level={f.classification} />
                    ) : (
                      <span className="text-bad small">unclassified</span>
                    )}
                  </td>
                  {features.fieldClassification ? (
                    <td>
                      {inh?.inherited ? (
                        <>
                          <Classification level={inh.inherited} inherited />
                          {inh.conflict ? (
                            <div className="text-bad small">more than this contract declares</div>
                          ) : null}
                          <div className="muted small">
                            from <Sources sources={inh.from} />
                          </div>
                        </>
                      ) : inh?.protectedBy?.length ? (
                        <div className="muted small">
                          nothing:{' '}
                          {inh.protectedBy.map((p, i) => (
                            <span key={`${p.from}|${p.protection}`}>
                              {i ? '; ' : ''}
                              {p.protection} of <Sources sources={[p.from]} />
                            </span>
                          ))}
                        </div>
                      ) : (
                        <span className="muted">–</span>
                      )}
                    </td>
                  ) : null}
                  <td>
                    {f.tags.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pager
        offset={offset}
        limit={FIELDS_PER_PAGE}
        count={page.length}
        total={d.fields.length}
        onChange={setOffset}
        label="Fields"
      />
    </Section>
  );
}

export function PoliciesPanel({ refText }: { refText: string }) {
  const explain = useApi<Explain>(apiPath('/policies/explain', { ref: refText }));
  if (explain.error) return <ErrorNote error={explain.error} title="The policies could not be explained" />;
  if (!explain.data) return <Loading label="Evaluating the policies" />;
  const entries = explain.data.policies;
  if (!entries.length)
    return <Empty title="No policies apply">The charter and this domain define no policies yet.</Empty>;
  const applying = entries.filter((e) => e.applies !== false);
  const failing = applying.filter((e) => e.result === 'fail');
  return (
    <Section title="Effective policies" id="policies">
      <p className="muted">
        {plural(entries.length, 'policy', 'policies')} in effect (the charter's and those of every domain
        above), {applying.length} apply to this asset
        {failing.length ? (
          <>
            , <strong className="text-bad">{failing.length} failing now</strong>
          </>
        ) : (
          ', all passing'
        )}
        .
      </p>
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Policy</th>
              <th scope="col">From</th>
              <th scope="col">Enforcement</th>
              <th scope="col">Now</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {[...entries]
              .sort((a, b) => rank(a.result) - rank(b.result))
              .map((e) => (
                <tr key={e.policy} className={e.applies === false ? 'dim' : undefined}>
                  <th scope="row">
                    <RefLink refText={e.policy} title={shortName(e.policy)} />
                    <div className="muted small">{e.description}</div>
                  </th>
                  <td>{e.source === 'charter' ? 'charter' : <RefLink refText={e.source} />}</td>
                  <td>
                    <Enforcement value={e.enforcement} />
                  </td>
                  <td>
                    {e.applies === false ? (
                      <span className="muted">does not apply</span>
                    ) : (
                      <Status value={e.result ?? 'pass'} />
                    )}
                  </td>
                  <td>
                    {e.violations?.length ? (
                      <ul className="plain findings">
                        {e.violations.map((v) => (
                          <li key={`${v.path}|${v.field ?? ''}|${v.message}`}>
                            {v.field ? <code>{v.field}</code> : null} {v.message}
                            {v.waivedBy ? <span className="muted"> (waived by {v.waivedBy})</span> : null}
                            {v.remediation ? <div className="muted small">Fix: {v.remediation}</div> : null}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

const rank = (r: string | undefined) => (r === 'fail' ? 0 : r === 'waived' ? 1 : r === 'pass' ? 2 : 3);

function show(value: unknown): string {
  if (value === undefined || value === null) return '–';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** What a version is now: the store keeps `live` on versions a later one replaced. */
function versionState(state: string, version: number, current: number): string {
  if (state !== 'live') return state;
  return version === current ? 'live' : version < current ? 'earlier' : state;
}

export function VersionsPanel({ d }: { d: Description }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const versions = d.versions;
  const latest = versions[versions.length - 1]?.version ?? 1;
  const to = Number(params.get('to') ?? latest);
  const from = Number(params.get('from') ?? Math.max(1, to - 1));
  const canDiff = versions.length > 1 && from !== to;
  const diff = useApi<Diff>(canDiff ? apiPath(`/assets/${enc(d.asset.ref)}/diff`, { from, to }) : null);
  const choose = (key: 'from' | 'to', value: number) => {
    const next = new URLSearchParams(params);
    next.set('tab', 'versions');
    next.set(key, String(value));
    if (key === 'from' && !next.has('to')) next.set('to', String(to));
    if (key === 'to' && !next.has('from')) next.set('from', String(from));
    navigate(`${hrefOf(d.asset.ref)}?${next}`, { replace: true });
  };
  return (
    <>
      <Section title="Versions" id="versions">
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Change</th>
                <th scope="col">When</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {[...versions].reverse().map((v) => (
                <tr key={v.version}>
                  <th scope="row">v{v.version}</th>
                  <td>
                    <Status value={versionState(v.state, v.version, d.asset.version)} />
                  </td>
                  <td>{v.action}</td>
                  <td>{when(v.createdAt)}</td>
                  <td>
                    <PersonRef refText={v.actor} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Compare versions" id="diff">
        {versions.length < 2 ? (
          <Empty title="Only one version">
            There is nothing to compare yet: every accepted change adds a version.
          </Empty>
        ) : (
          <>
            <div className="filters">
              <Field label="From">
                {(id) => (
                  <select id={id} value={from} onChange={(e) => choose('from', Number(e.target.value))}>
                    {versions.map((v) => (
                      <option key={v.version} value={v.version}>
                        v{v.version} ({versionState(v.state, v.version, d.asset.version)})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="To">
                {(id) => (
                  <select id={id} value={to} onChange={(e) => choose('to', Number(e.target.value))}>
                    {versions.map((v) => (
                      <option key={v.version} value={v.version}>
                        v{v.version} ({versionState(v.state, v.version, d.asset.version)})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            {!canDiff ? (
              <p className="muted">Pick two different versions.</p>
            ) : diff.error ? (
              <ErrorNote error={diff.error} title="The versions could not be compared" />
            ) : !diff.data ? (
              <Loading label="Comparing" />
            ) : (
              <DiffView diff={diff.data} />
            )}
          </>
        )}
      </Section>
    </>
  );
}

function DiffView({ diff }: { diff: Diff }) {
  if (!diff.fields.length && !diff.changes.length)
    return (
      <Empty title="No differences">
        Versions {diff.from} and {diff.to} hold the same document.
      </Empty>
    );
  return (
    <div className="diff">
      {diff.fields.length ? (
        <>
          <h3>
            Fields: {plural(diff.fields.length, 'change')} from v{diff.from} to v{diff.to}
          </h3>
          <div className="table-wrap">
            <table className="data diff-table">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Change</th>
                  <th scope="col">Attribute</th>
                  <th scope="col">v{diff.from}</th>
                  <th scope="col">v{diff.to}</th>
                </tr>
              </thead>
              <tbody>
                {diff.fields.flatMap((f) => {
                  const attrs = Object.entries(f.attributes ?? {});
                  if (!attrs.length)
                    return [
                      <tr key={f.field} className={`change-${f.change}`}>
                        <th scope="row">
                          <code>{f.field}</code>
                        </th>
                        <td>{f.change}</td>
                        <td colSpan={3} className="muted">
                          {f.change === 'added' ? 'new field' : 'field removed'}
                        </td>
                      </tr>,
                    ];
                  return attrs.map(([attr, [before, after]], i) => (
                    <tr key={`${f.field}-${attr}`} className={`change-${f.change}`}>
                      {i === 0 ? (
                        <th scope="row" rowSpan={attrs.length}>
                          <code>{f.field}</code>
                        </th>
                      ) : null}
                      {i === 0 ? <td rowSpan={attrs.length}>{f.change}</td> : null}
                      <td>{attr}</td>
                      <td className="before">
                        {attr === 'classification' ? (
                          <Classification level={before as string} />
                        ) : (
                          show(before)
                        )}
                      </td>
                      <td className="after">
                        {attr === 'classification' ? <Classification level={after as string} /> : show(after)}
                      </td>
                    </tr>
                  ));
                })}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {diff.changes.length ? (
        <>
          <h3>Other changes in the manifest</h3>
          <ul className="plain path-changes">
            {diff.changes.map((c) => (
              <li key={c.path} className={`change-${c.change}`}>
                <code>{c.path}</code> {c.change}
                {c.change !== 'added' ? <span className="before"> {show(c.before)}</span> : null}
                {c.change !== 'removed' ? (
                  <>
                    {' '}
                    → <span className="after">{show(c.after)}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

const YamlView = lazy(() => import('./yaml-view'));

export function Manifest({ doc, refText }: { doc: Json; refText: string }) {
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  return (
    <Section
      title="Manifest"
      id="manifest"
      actions={
        <fieldset className="segmented">
          <legend className="sr-only">Format</legend>
          {(['yaml', 'json'] as const).map((f) => (
            <label key={f}>
              <input
                type="radio"
                name="format"
                value={f}
                checked={format === f}
                onChange={() => setFormat(f)}
              />
              {f.toUpperCase()}
            </label>
          ))}
        </fieldset>
      }
    >
      <p className="muted small">
        The current version as stored (normalised: ODCS v3.0 contracts are upgraded to v3.1.0). Re-apply it
        with <code>charter get {refText.replace(':', ' ')} -o yaml</code>.
      </p>
      {format === 'json' ? (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
        <pre className="code manifest" tabIndex={0}>
          {JSON.stringify(doc, null, 2)}
        </pre>
      ) : (
        <Suspense fallback={<Loading label="Formatting" />}>
          <YamlView doc={doc} />
        </Suspense>
      )}
    </Section>
  );
}

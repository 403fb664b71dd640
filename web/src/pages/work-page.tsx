/**
 * Work queues: pending changes and waivers to decide (approve or reject with a reason, offered to
 * those the rules allow; the server decides and its refusal is shown as it words it), incidents
 * assigned to me or my domains, the AI-use decisions log when the server keeps one, and the webhook
 * deliveries that gave up.
 */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type ApiError, apiPath, enc, request } from '../api/client';
import { useFeatures } from '../api/features';
import type { Approval, Incident, Waiver } from '../api/types';
import { useApi } from '../api/use-api';
import { Field } from '../components/field';
import { DomainFilterAccess } from '../components/no-access';
import { PersonRef } from '../components/person-ref';
import {
  Badge,
  Empty,
  Enforcement,
  ErrorNote,
  Loading,
  PageHeader,
  RefLink,
  Section,
  Status,
  TabLinks,
  useTitle,
} from '../components/ui';
import { useAccess } from '../lib/access';
import { day, plural, when } from '../lib/format';
import { type Org, subtreeOf, useOrg } from '../lib/org';
import { mayDecide } from '../lib/permissions';
import { shortName } from '../lib/refs';
import { useSession } from '../session';
import { Notifications } from './notifications-tab';

export function WorkPage() {
  useTitle('Work queue');
  const [params] = useSearchParams();
  const features = useFeatures();
  const open = useApi<{ approvals: Approval[] }>(apiPath('/approvals', { state: 'open' }));
  const session = useSession();
  const changes = open.data?.approvals.filter((a) => a.type === 'change').length;
  const waivers = open.data?.approvals.filter((a) => a.type === 'waiver').length;
  // The incidents tab opens on those assigned to me (signed in as a person), else on all: counted alike.
  const openIncidents = useApi<Incident[]>(
    features.incidents
      ? apiPath('/incidents', { state: 'open', limit: 5000, assignee: session.me ?? undefined })
      : null,
  );
  const incidents = openIncidents.data?.length;
  const tabs = [
    { id: 'approvals', label: `Approvals${changes === undefined ? '' : ` (${changes})`}` },
    { id: 'waivers', label: `Waivers${waivers === undefined ? '' : ` (${waivers})`}` },
    ...(features.incidents
      ? [
          {
            id: 'incidents',
            label: `Incidents${incidents === undefined ? '' : ` (${incidents}${session.me ? ' yours' : ''})`}`,
          },
        ]
      : []),
    { id: 'decisions', label: 'AI-use decisions' },
    ...(features.paths.has('/api/v1/webhooks/deliveries')
      ? [{ id: 'notifications', label: 'Notifications' }]
      : []),
  ];
  const requested = params.get('tab') ?? 'approvals';
  const tab = tabs.some((t) => t.id === requested) ? requested : 'approvals';
  const href = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('tab', id);
    return `/work?${next}`;
  };
  return (
    <>
      <PageHeader
        title="Work queue"
        subtitle="What waits for a person: changes a policy routed to review, waiver requests, incidents, webhook deliveries that gave up."
      />
      <TabLinks tabs={tabs} current={tab} hrefOf={href} label="Queues" />
      <div className="tab-body">
        {tab === 'approvals' ? <Approvals type="change" /> : null}
        {tab === 'waivers' ? <Waivers /> : null}
        {tab === 'incidents' ? <Incidents /> : null}
        {tab === 'decisions' ? <Decisions /> : null}
        {tab === 'notifications' ? <Notifications /> : null}
      </div>
    </>
  );
}

function Approvals({ type }: { type: 'change' | 'waiver' }) {
  const [params, setParams] = useSearchParams();
  const state = params.get('state') ?? 'open';
  const domain = params.get('domain') ?? '';
  const ref = params.get('ref') ?? '';
  const { org } = useOrg();
  const list = useApi<{ approvals: Approval[] }>(
    apiPath('/approvals', { state: state === 'all' ? undefined : state, type, ref: ref || undefined }),
  );
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  // Decided here: kept on screen with the outcome, though the open list no longer has them.
  const [decided, setDecided] = useState<Approval[]>([]);
  const listed = list.data?.approvals ?? [];
  const rows = [...decided.filter((d) => !listed.some((a) => a.id === d.id)), ...listed].filter(
    (a) => !domain || !org || subtreeOf(org, domain).includes(a.domain ?? ''),
  );
  return (
    <>
      <div className="filters">
        <Field label="State">
          {(id) => (
            <select
              id={id}
              value={state}
              onChange={(e) => set('state', e.target.value === 'open' ? '' : e.target.value)}
            >
              <option value="open">Open</option>
              <option value="approved">Approved</option>
              <option value="rejected">Rejected</option>
              <option value="superseded">Superseded</option>
              <option value="all">All</option>
            </select>
          )}
        </Field>
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
        {ref ? (
          <p className="filter-chip">
            Only <code>{ref}</code>{' '}
            <button type="button" className="link" onClick={() => set('ref', '')}>
              show all
            </button>
          </p>
        ) : null}
      </div>
      {list.error ? (
        <ErrorNote error={list.error} />
      ) : !list.data || !org ? (
        <Loading />
      ) : rows.length ? (
        <ul className="plain cards">
          {rows.map((a) => (
            <li key={a.id}>
              <ApprovalCard
                approval={a}
                org={org}
                onDecided={(d) => setDecided((all) => [...all, { ...a, ...d }])}
              />
            </li>
          ))}
        </ul>
      ) : (
        <Empty title={state === 'open' ? 'Nothing waits for a decision' : 'None'}>
          {state === 'open'
            ? type === 'change'
              ? 'Changes that meet every policy are admitted at once; only those a require-approval policy routes here wait.'
              : 'No waiver requests wait for the data office.'
            : 'No approvals in this state.'}
        </Empty>
      )}
    </>
  );
}

function ApprovalCard({
  approval: a,
  org,
  onDecided,
}: {
  approval: Approval;
  org: Org;
  onDecided: (decision: Approval) => void;
}) {
  const session = useSession();
  const permission = mayDecide(org, a, session.me, session.credentials !== null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Approval | null>(null);
  const decide = async (verb: 'approve' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      const base = a.type === 'waiver' ? '/waivers' : '/approvals';
      const result = await request<Approval>(apiPath(`${base}/${enc(a.id)}/${verb}`), {
        method: 'POST',
        body: reason.trim() ? { reason: reason.trim() } : {},
      });
      setDone(result);
      onDecided(result);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const reasonId = `reason-${a.id}`;
  return (
    <article className="card" aria-labelledby={`approval-${a.id}`}>
      <header className="card-head">
        <h3 id={`approval-${a.id}`}>
          <RefLink refText={a.ref} title={shortName(a.ref)} /> <span className="muted">v{a.version}</span>
        </h3>
        <Status value={done?.state ?? a.state} />
        <Badge tone="neutral">{a.type === 'waiver' ? 'waiver' : 'pending change'}</Badge>
      </header>
      <p className="muted small">
        <span className="ref">{a.ref}</span> · requested by <PersonRef refText={a.requestedBy} />{' '}
        {when(a.requestedAt)} · decided by{' '}
        {a.approverRole === 'data-office'
          ? 'the data office'
          : `a ${a.approverRole} of domain:${a.domain} or the data office`}
      </p>
      {a.violations.length ? (
        <ul className="plain">
          {a.violations.map((v) => (
            <li key={`${v.policy}|${v.path}|${v.field ?? ''}|${v.message}`} className="violation">
              <Enforcement value={v.enforcement} /> <RefLink refText={v.policy} title={shortName(v.policy)} />{' '}
              {v.message}
              {v.remediation ? <div className="muted small">{v.remediation}</div> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {a.type === 'change' ? (
        <p className="small">
          <Link
            to={`/${a.ref.split(':')[0]}/${a.ref.split(':')[1]}?tab=versions&from=${Math.max(1, a.version - 1)}&to=${a.version}`}
          >
            See what changes (v{Math.max(1, a.version - 1)} → v{a.version})
          </Link>
        </p>
      ) : null}
      {done ? (
        <p className="note note-success" role="status">
          {done.state === 'approved'
            ? a.type === 'change'
              ? `Approved: ${a.ref} v${a.version} is now live.`
              : `Granted: ${a.ref} counts from now until it expires.`
            : `Rejected: ${a.ref} v${a.version} will not go live.`}
        </p>
      ) : a.state !== 'open' ? (
        <p className="small">
          {a.state} by {a.decidedBy ? <PersonRef refText={a.decidedBy} /> : 'nobody'} {when(a.decidedAt)}
          {a.reason ? <>: “{a.reason}”</> : null}
        </p>
      ) : permission.allowed ? (
        <form
          className="decision"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <label htmlFor={reasonId}>Reason (required to reject)</label>
          <textarea
            id={reasonId}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={2}
            maxLength={2000}
          />
          <div className="buttons">
            <button type="button" className="button-good" disabled={busy} onClick={() => decide('approve')}>
              {a.type === 'waiver' ? 'Grant waiver' : 'Approve'}
            </button>
            <button
              type="button"
              className="button-bad"
              disabled={busy || !reason.trim()}
              onClick={() => decide('reject')}
              title={reason.trim() ? undefined : 'Give a reason to reject'}
            >
              Reject
            </button>
          </div>
          {error ? (
            <ErrorNote
              error={error}
              title={error.status === 403 ? 'Charter refused your decision' : 'The decision failed'}
            />
          ) : null}
        </form>
      ) : (
        <p className="note note-info not-allowed">
          {permission.why}
          {!session.me ? (
            <>
              {' '}
              <Link to="/sign-in">Sign in</Link>
            </>
          ) : null}
        </p>
      )}
    </article>
  );
}

function Waivers() {
  const waivers = useApi<{ waivers: Waiver[] }>(apiPath('/waivers'));
  return (
    <>
      <Section title="Waiver requests" id="waiver-requests">
        <Approvals type="waiver" />
      </Section>
      <Section title="All waivers" id="waivers">
        {waivers.error ? (
          <ErrorNote error={waivers.error} />
        ) : !waivers.data ? (
          <Loading />
        ) : waivers.data.waivers.length ? (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Waiver</th>
                  <th scope="col">Policy</th>
                  <th scope="col">Asset</th>
                  <th scope="col">State</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {waivers.data.waivers.map((w) => (
                  <tr key={w.ref}>
                    <th scope="row">
                      <RefLink refText={w.ref} title={shortName(w.ref)} />
                    </th>
                    <td>
                      <RefLink refText={w.policy} title={shortName(w.policy)} />
                    </td>
                    <td>
                      <RefLink refText={w.asset} />
                      {w.field ? <div className="small">{w.field}</div> : null}
                    </td>
                    <td>
                      <Status value={w.state} />
                    </td>
                    <td>{day(w.expires)}</td>
                    <td className="small">{w.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty title="No waivers">
            A domain requests a waiver (a <code>Waiver</code> manifest naming a policy, an asset and an
            expiry); the data office grants it.
          </Empty>
        )}
      </Section>
    </>
  );
}

function Incidents() {
  const session = useSession();
  const { org } = useOrg();
  const [params, setParams] = useSearchParams();
  const scope = params.get('scope') ?? (params.get('domain') ? 'domain' : session.me ? 'mine' : 'all');
  const domain = params.get('domain') ?? '';
  const access = useAccess();
  // One domain the user may not read: the note says so instead of "no incidents".
  const withheld = scope === 'domain' && !access.mayRead(domain);
  const state = params.get('state') ?? 'open';
  const myDomains =
    org && session.me
      ? [...org.domains.values()]
          .filter((d) => [...d.owners, ...d.stewards].includes(session.me!))
          .map((d) => d.name)
      : [];
  const query =
    scope === 'mine' && session.me
      ? { assignee: session.me }
      : scope === 'domain' && domain
        ? { domain }
        : {};
  const list = useApi<Incident[]>(apiPath('/incidents', { state, limit: 500, ...query }));
  const rows = (list.data ?? []).filter(
    (i) =>
      scope !== 'my-domains' || (org && myDomains.some((d) => subtreeOf(org, d).includes(i.domain ?? ''))),
  );
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <>
      <div className="filters">
        <Field label="Show">
          {(id) => (
            <select id={id} value={scope} onChange={(e) => set('scope', e.target.value)}>
              {session.me ? <option value="mine">Assigned to me</option> : null}
              {session.me ? <option value="my-domains">My domains</option> : null}
              <option value="domain">One domain</option>
              <option value="all">All</option>
            </select>
          )}
        </Field>
        {scope === 'domain' ? (
          <Field label="Domain">
            {(id) => (
              <select id={id} value={domain} onChange={(e) => set('domain', e.target.value)}>
                <option value="">Choose…</option>
                {org?.tree.map((d) => (
                  <option key={d.name} value={d.name}>
                    {'  '.repeat(d.depth)}
                    {d.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field label="State">
          {(id) => (
            <select id={id} value={state} onChange={(e) => set('state', e.target.value)}>
              <option value="open">Open</option>
              <option value="resolved">Resolved</option>
              <option value="all">All</option>
            </select>
          )}
        </Field>
      </div>
      {withheld ? <DomainFilterAccess domain={domain} what="the incidents" /> : null}
      {list.error ? (
        <ErrorNote error={list.error} />
      ) : !list.data ? (
        <Loading />
      ) : rows.length ? (
        <ul className="plain cards">
          {rows.map((i) => (
            <li key={i.id}>
              <article className="card">
                <header className="card-head">
                  <h3>
                    <RefLink refText={i.ref} title={shortName(i.ref)} />
                  </h3>
                  <Status value={i.state} />
                </header>
                <p>{i.title}</p>
                <p className="muted small">
                  opened {when(i.openedAt)} · {plural(i.runs, 'run')} · assigned to{' '}
                  {i.assignees.map((a, k) => (
                    <span key={a}>
                      {k ? ', ' : ''}
                      <RefLink refText={a} />
                    </span>
                  ))}
                </p>
                <ul className="plain small">
                  {i.failing.map((f) => (
                    <li key={f.id}>
                      <Status value={f.status} /> {f.name}: measured {String(f.measured ?? '–')}, expected{' '}
                      {f.expected}
                    </li>
                  ))}
                </ul>
                <Link to={`/${i.ref.replace(':', '/')}?tab=quality`} className="small">
                  Quality history →
                </Link>
                <IncidentAnswers incident={i} />
              </article>
            </li>
          ))}
        </ul>
      ) : withheld ? null : (
        <Empty title="No incidents">
          {scope === 'mine'
            ? 'Nothing is assigned to you.'
            : 'No failing quality check has opened an incident here.'}
        </Empty>
      )}
    </>
  );
}

/**
 * What people answered on an incident (acknowledged, notes), and for an open one a form to answer
 * it when signed in: the server decides who may (its assignees, contributors of its domain, the
 * data office) and its refusal is shown as it words it.
 */
function IncidentAnswers({ incident }: { incident: Incident }) {
  const session = useSession();
  const [timeline, setTimeline] = useState(incident.timeline ?? []);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const answers = timeline.filter((e) => e.action === 'acknowledged' || e.action === 'note');
  const answer = async (acknowledge: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const result = await request<Incident>(apiPath(`/incidents/${enc(incident.id)}/notes`), {
        method: 'POST',
        body: { note: note.trim(), ...(acknowledge ? { acknowledge: true } : {}) },
      });
      setTimeline(result.timeline ?? []);
      setNote('');
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const noteId = `answer-${incident.id}`;
  return (
    <div className="incident-answers">
      {answers.length ? (
        <ul className="plain small answers">
          {answers.map((e) => (
            <li key={`${e.time}|${e.actor}`}>
              <PersonRef refText={e.actor} />{' '}
              {e.action === 'acknowledged' ? <Badge tone="neutral">on it</Badge> : null}{' '}
              <span className="muted">{when(e.time)}</span>: {e.note}
            </li>
          ))}
        </ul>
      ) : null}
      {incident.state === 'open' && session.credentials ? (
        <form className="decision" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor={noteId}>Your answer</label>
          <textarea
            id={noteId}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            rows={2}
            maxLength={2000}
            placeholder="What you found, or what is being done"
          />
          <div className="buttons">
            <button type="button" disabled={busy || !note.trim()} onClick={() => answer(true)}>
              I'm on it
            </button>
            <button type="button" disabled={busy || !note.trim()} onClick={() => answer(false)}>
              Add note
            </button>
          </div>
          {error ? (
            <ErrorNote
              error={error}
              title={error.status === 403 ? 'Charter refused your answer' : 'The answer was not saved'}
            />
          ) : null}
        </form>
      ) : null}
    </div>
  );
}

interface AiDecision {
  id: string;
  time: string;
  actor: string;
  dataset: string;
  datasetVersion: number;
  use: string;
  for: string | null;
  purpose: string | null;
  decision: 'allow' | 'deny';
  reasons: { check: string; message: string; fix: string }[];
}

function Decisions() {
  const features = useFeatures();
  const [params, setParams] = useSearchParams();
  const dataset = params.get('dataset') ?? '';
  const list = useApi<{ decisions: AiDecision[] }>(
    features.aiDecisions ? apiPath('/ai/decisions', { dataset: dataset || undefined, limit: 200 }) : null,
  );
  if (!features.aiDecisions)
    return (
      <Empty title="No AI-use decisions on this server">
        The AI-use gate (“may this model use this dataset for training?”) records every answer here once the
        server offers it.
      </Empty>
    );
  if (list.error) return <ErrorNote error={list.error} />;
  if (!list.data) return <Loading />;
  const rows = list.data.decisions;
  return (
    <>
      {dataset ? (
        <p className="filter-chip">
          Only <code>{dataset}</code>{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              const next = new URLSearchParams(params);
              next.delete('dataset');
              setParams(next, { replace: true });
            }}
          >
            show all
          </button>
        </p>
      ) : null}
      {rows.length ? (
        <div className="table-wrap">
          <table className="data">
            <caption className="sr-only">AI-use decisions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Dataset</th>
                <th scope="col">Use</th>
                <th scope="col">For</th>
                <th scope="col">Answer</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <th scope="row" className="small">
                    {when(d.time)}
                    <div className="muted">
                      asked by <PersonRef refText={d.actor} />
                    </div>
                  </th>
                  <td>
                    <RefLink refText={d.dataset} title={shortName(d.dataset)} />{' '}
                    <span className="muted small">v{d.datasetVersion}</span>
                  </td>
                  <td>
                    {d.use}
                    {d.purpose ? <div className="muted small">{d.purpose}</div> : null}
                  </td>
                  <td>
                    {d.for ? (
                      <RefLink refText={d.for} title={shortName(d.for)} />
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                  <td>
                    <Status value={d.decision === 'allow' ? 'passed' : 'failed'} />{' '}
                    <span className="small">{d.decision}</span>
                  </td>
                  <td className="small">
                    {d.reasons.length ? (
                      <ul className="plain">
                        {d.reasons.map((r) => (
                          <li key={`${r.check}|${r.message}`}>
                            {r.message}
                            <div className="muted">Fix: {r.fix}</div>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="muted">every check passed</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty title="No decisions yet">
          Nobody has asked the AI-use gate yet (<code>charter ai decide --dataset REF --use USE</code>, or{' '}
          <code>POST /api/v1/ai/decisions</code>).
        </Empty>
      )}
    </>
  );
}

/**
 * A dataset's quality: its score over time, every check's status across the recent runs, the latest
 * run's results, and its incidents. Appears when the server has the quality endpoints.
 */
import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { type ApiError, apiPath, cachedGet, enc, request } from '../api/client';
import type { Incident, QualityReport, QualityRun } from '../api/types';
import { useApi } from '../api/use-api';
import { ScoreLine, StatusGrid } from '../components/charts';
import { PersonRef } from '../components/person-ref';
import { Empty, ErrorNote, Loading, RefLink, Section, Status } from '../components/ui';
import { duration, plural, when } from '../lib/format';
import { hrefOf } from '../lib/refs';
import { useSession } from '../session';

const HISTORY_RUNS = 12;

function useRuns(ids: string[]) {
  const [state, setState] = useState<{ key: string; runs?: QualityRun[]; error?: ApiError }>({ key: '' });
  const key = ids.join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    Promise.all(
      key.split(',').map((id) => cachedGet<QualityRun>(apiPath(`/quality/runs/${enc(id)}`), 5 * 60_000)),
    ).then(
      (runs) => live && setState({ key, runs }),
      (error: ApiError) => live && setState({ key, error }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state.key === key ? state : { key };
}

export function QualitySection({ refText, domain }: { refText: string; domain: string | null }) {
  const session = useSession();
  const location = useLocation();
  const report = useApi<QualityReport>(apiPath(`/quality/scores/${enc(refText)}`, { limit: HISTORY_RUNS }));
  const incidents = useApi<Incident[]>(
    apiPath('/incidents', { state: 'all', domain: domain ?? undefined, limit: 5000 }),
  );
  const trend = report.data?.trend ?? [];
  const history = useRuns(trend.map((r) => r.id));
  const [running, setRunning] = useState<{ busy: boolean; error?: ApiError }>({ busy: false });

  const run = async () => {
    setRunning({ busy: true });
    try {
      await request(apiPath('/quality/runs'), { method: 'POST', body: { ref: refText } });
      setRunning({ busy: false });
    } catch (error) {
      setRunning({ busy: false, error: error as ApiError });
    }
  };
  const runButton = (
    <button
      type="button"
      onClick={run}
      disabled={running.busy || !session.credentials}
      title={session.credentials ? undefined : 'Sign in to run checks'}
    >
      {running.busy ? 'Running checks…' : 'Run checks now'}
    </button>
  );

  if (report.error) return <ErrorNote error={report.error} title="Quality could not be read" />;
  if (!report.data) return <Loading label="Reading quality runs" />;
  const mine = (incidents.data ?? []).filter((i) => i.ref === refText);
  const runsOldestFirst = [...(history.runs ?? [])].reverse();
  const checkIds = new Map<string, string>();
  for (const r of runsOldestFirst)
    for (const c of r.checks) if (!checkIds.has(c.id)) checkIds.set(c.id, c.field ? `${c.name}` : c.name);
  const chosen = new URLSearchParams(location.search).get('run');
  const latest = history.runs?.find((r) => r.id === chosen) ?? history.runs?.[0];

  return (
    <>
      {running.error ? <ErrorNote error={running.error} title="The checks could not run" /> : null}
      {!trend.length ? (
        <Section title="Quality" id="quality" actions={runButton}>
          <Empty title="Never checked">
            No quality run has been recorded for this dataset. Run its checks here or with{' '}
            <code>charter check {refText}</code>; a schedule in the contract runs them by itself.
          </Empty>
        </Section>
      ) : (
        <Section title="Quality score over time" id="quality" actions={runButton}>
          <p>
            Latest score{' '}
            <strong
              className={report.data.score !== null && report.data.score < 100 ? 'text-bad' : 'text-good'}
            >
              {report.data.score === null ? 'none (nothing executed)' : Math.round(report.data.score)}
            </strong>{' '}
            of 100 · {plural(trend.length, 'recent run')} · latest <Status value={trend[0]!.status} />{' '}
            {when(trend[0]!.finishedAt)}
          </p>
          <ScoreLine
            label="Quality score per run, oldest first"
            points={[...trend]
              .reverse()
              .map((r) => ({ id: r.id, at: r.finishedAt, score: r.score, status: r.status }))}
          />
        </Section>
      )}
      {trend.length ? (
        <Section title="Checks across runs" id="checks-history">
          {history.error ? (
            <ErrorNote error={history.error} />
          ) : !history.runs ? (
            <Loading label="Reading the runs" />
          ) : (
            <StatusGrid
              runs={runsOldestFirst.map((r) => ({
                id: r.id,
                at: r.finishedAt,
                href: `${hrefOf(refText)}?tab=quality&run=${r.id}`,
              }))}
              checks={[...checkIds]
                .map(([id, name]) => ({
                  id,
                  name,
                  statuses: runsOldestFirst.map((r) => r.checks.find((c) => c.id === id)?.status ?? null),
                }))
                // Checks that ever failed first: that is what a steward looks for.
                .sort((a, b) => Number(b.statuses.some(bad)) - Number(a.statuses.some(bad)))}
            />
          )}
        </Section>
      ) : null}
      {latest ? (
        <Section
          title={`${latest.id === history.runs?.[0]?.id ? 'Latest run' : 'Run'}: ${plural(latest.checks.length, 'check')}`}
          id="latest-run"
        >
          <p className="muted small">
            {when(latest.finishedAt)} · {latest.engine} on {latest.server ?? 'no server'} ·{' '}
            {duration(latest.durationMs)} · contract v{latest.contractVersion} · by{' '}
            {latest.actor ? <PersonRef refText={latest.actor} /> : latest.trigger}
          </p>
          {latest.message ? <p className="text-bad">{latest.message}</p> : null}
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">Measured</th>
                  <th scope="col">Expected</th>
                </tr>
              </thead>
              <tbody>
                {[...latest.checks]
                  .sort((a, b) => order(a.status) - order(b.status))
                  .map((c) => (
                    <tr key={c.id}>
                      <th scope="row">
                        {c.name}
                        {c.field ? <div className="muted small">{c.field}</div> : null}
                        {c.message ? <div className="small text-bad">{c.message}</div> : null}
                      </th>
                      <td>
                        {c.category} · {c.type}
                      </td>
                      <td>
                        <Status value={c.status} />
                      </td>
                      <td className="num">
                        {c.measured === null ? '–' : String(c.measured)} {c.measured === null ? '' : c.unit}
                      </td>
                      <td>{c.expected}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}
      <Section title="Incidents" id="incidents">
        {incidents.error ? (
          <ErrorNote error={incidents.error} />
        ) : !incidents.data ? (
          <Loading />
        ) : mine.length ? (
          <ul className="plain incidents">
            {mine.map((i) => (
              <li key={i.id} className="incident">
                <Status value={i.state} /> <strong>{i.title}</strong>
                <div className="muted small">
                  opened {when(i.openedAt)}
                  {i.resolvedAt ? ` · resolved ${when(i.resolvedAt)}` : ''} · {plural(i.runs, 'run')} ·
                  assigned to{' '}
                  {i.assignees.map((a, k) => (
                    <span key={a}>
                      {k ? ', ' : ''}
                      <RefLink refText={a} />
                    </span>
                  ))}
                </div>
                <ul className="plain small">
                  {i.failing.map((f) => (
                    <li key={f.id}>
                      {f.name}: measured {String(f.measured ?? '–')}, expected {f.expected}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        ) : (
          <Empty title="No incidents">No failing check has opened an incident on this dataset.</Empty>
        )}
      </Section>
    </>
  );
}

const bad = (s: string | null) => s === 'failed' || s === 'error';

const order = (s: string) => (s === 'failed' ? 0 : s === 'error' ? 1 : s === 'skipped' ? 2 : 3);

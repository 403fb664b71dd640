/**
 * One AI outcome (an evaluation result, a complaint, a wrong answer, a drift alert): what was
 * recorded, and the trace as it was when it was recorded — the data and the people behind the model
 * or application at that moment, which a later change to the catalog does not rewrite.
 */
import { fill, useFeatures } from '../api/features';
import type { Outcome } from '../api/types';
import { useApi } from '../api/use-api';
import { NoAccess } from '../components/no-access';
import { PersonRef } from '../components/person-ref';
import { Badge, Empty, ErrorNote, Loading, PageHeader, RefLink, useTitle } from '../components/ui';
import { when } from '../lib/format';
import { shortName } from '../lib/refs';
import { Definition } from './asset-sections';
import { TraceSection } from './trace-section';

/** Severity as a badge tone: the two highest stand out. */
export function severityTone(severity: string): 'bad' | 'warn' | 'neutral' {
  return severity === 'high' || severity === 'critical' ? 'bad' : severity === 'medium' ? 'warn' : 'neutral';
}

export function OutcomePage({ id }: { id: string }) {
  const ref = `outcome:${id}`;
  const features = useFeatures();
  // The trace of an outcome is the one stored with it, with the outcome itself.
  const stored = useApi<{ outcome: Outcome }>(features.trace ? fill(features.trace, { ref }) : null);
  const o = stored.data?.outcome;
  useTitle(o ? `${o.type.replace(/_/g, ' ')} on ${shortName(o.subject)}` : 'AI outcome');
  if (!features.trace)
    return (
      <Empty title="No lineage on this server">Outcomes are recorded by a server that records lineage.</Empty>
    );
  if (stored.error)
    return stored.error.status === 403 ? (
      <>
        <PageHeader kind="AI outcome" title="AI outcome" />
        <NoAccess
          what="this outcome's subject"
          domain={(stored.error.details as { domain?: string } | undefined)?.domain}
          message={stored.error.message}
        />
      </>
    ) : (
      <ErrorNote error={stored.error} />
    );
  if (!o) return <Loading label="Reading the outcome" />;
  return (
    <>
      <PageHeader
        kind="AI outcome"
        title={
          <>
            {o.type.replace(/_/g, ' ')} on <RefLink refText={o.subject} title={shortName(o.subject)} />
          </>
        }
        subtitle={o.summary}
      />
      <dl className="facts">
        <Definition term="Severity">
          <Badge tone={severityTone(o.severity)}>{o.severity}</Badge>
        </Definition>
        <Definition term="Occurred">{when(o.occurredAt)}</Definition>
        <Definition term="Recorded">
          {when(o.recordedAt)} by <PersonRef refText={o.actor} />
        </Definition>
        {o.runId ? <Definition term="Run">{o.runId}</Definition> : null}
        {o.traceId ? <Definition term="Trace id">{o.traceId}</Definition> : null}
        <Definition term="Domains told">{o.domains.length ? o.domains.join(', ') : '–'}</Definition>
        {o.details && Object.keys(o.details).length ? (
          <Definition term="Details">
            <pre className="small">{JSON.stringify(o.details, null, 2)}</pre>
          </Definition>
        ) : null}
      </dl>
      <p className="muted small">
        The trace below is the one recorded with the outcome: the data and people behind{' '}
        {shortName(o.subject)} at {when(o.recordedAt)}.
      </p>
      <TraceSection refText={ref} />
    </>
  );
}

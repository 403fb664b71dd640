/**
 * A dataset's AI section (the ODCS customProperties entry `x-charter-ai`: permitted uses, legal basis,
 * personal data and its protection, licence, retention, bias, gaps, approvals) and the AI-use gate's
 * recent answers about it, when the server keeps them.
 */
import type { ReactNode } from 'react';
import { apiPath } from '../api/client';
import { useFeatures } from '../api/features';
import type { Json } from '../api/types';
import { useApi } from '../api/use-api';
import { PersonRef } from '../components/person-ref';
import { Empty, ErrorNote, Loading, RefLink, Section, Status } from '../components/ui';
import { when } from '../lib/format';
import { shortName } from '../lib/refs';

const LABELS: Record<string, string> = {
  accountability: 'Accountability',
  uses: 'Uses',
  collection: 'Collection',
  preparation: 'Preparation',
  bias: 'Bias examination',
  gaps: 'Known gaps',
  personalData: 'Personal data',
  legal: 'Legal basis and purposes',
  retention: 'Retention',
  rights: 'Licence and rights',
  currency: 'Freshness',
  classification: 'Classification',
  approvals: 'Approvals',
};

const words = (key: string) =>
  LABELS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

function Value({ value, depth = 0 }: { value: unknown; depth?: number }): ReactNode {
  if (value === null || value === undefined) return <span className="muted">–</span>;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'object') {
    const text = String(value);
    if (/^(user|team):/.test(text)) return <PersonRef refText={text} />;
    return /^(domain|dataset|product|model|app):/.test(text) ? <RefLink refText={text} /> : text;
  }
  if (Array.isArray(value)) {
    if (!value.length) return <span className="muted">none</span>;
    if (value.every((v) => typeof v !== 'object' || v === null)) return value.map(String).join(', ');
    return (
      <ul className="plain">
        {value.map((v) => (
          <li key={JSON.stringify(v)}>
            <Value value={v} depth={depth + 1} />
          </li>
        ))}
      </ul>
    );
  }
  const entries = Object.entries(value as Json);
  if (depth > 0)
    return entries.map(([k, v], i) => (
      <span key={k}>
        {i ? ' · ' : ''}
        <span className="muted">{words(k)}:</span> <Value value={v} depth={depth + 1} />
      </span>
    ));
  return (
    <dl className="facts">
      {entries.map(([k, v]) => (
        <div key={k} className="fact-row">
          <dt>{words(k)}</dt>
          <dd>
            <Value value={v} depth={depth + 1} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

interface Decision {
  id: string;
  time: string;
  use: string;
  for: string | null;
  decision: 'allow' | 'deny';
  reasons: { check: string; message: string }[];
}

export function AiSection({ doc, refText }: { doc: Json; refText: string }) {
  const features = useFeatures();
  const decisions = useApi<{ decisions: Decision[] }>(
    features.aiDecisions ? apiPath('/ai/decisions', { dataset: refText, limit: 20 }) : null,
  );
  const props = Array.isArray(doc.customProperties) ? (doc.customProperties as Json[]) : [];
  const ai = props.find((p) => p.property === 'x-charter-ai')?.value as Json | undefined;
  return (
    <>
      <Section title="AI section" id="ai">
        {ai ? (
          <Value value={ai} />
        ) : (
          <Empty title="No AI section">
            This contract does not say how AI may use it: add a <code>customProperties</code> entry{' '}
            <code>x-charter-ai</code> with its permitted uses, legal basis, personal data and their
            protection, licence and retention.
          </Empty>
        )}
      </Section>
      <Section title="Recent AI-use decisions" id="ai-decisions">
        {!features.aiDecisions ? (
          <p className="muted">This server does not run the AI-use gate yet.</p>
        ) : decisions.error ? (
          <ErrorNote error={decisions.error} />
        ) : !decisions.data ? (
          <Loading />
        ) : decisions.data.decisions.length ? (
          <ul className="plain">
            {decisions.data.decisions.map((d) => (
              <li key={d.id}>
                <Status value={d.decision === 'allow' ? 'passed' : 'failed'} /> {d.decision}{' '}
                <strong>{d.use}</strong>
                {d.for ? (
                  <>
                    {' '}
                    for <RefLink refText={d.for} title={shortName(d.for)} />
                  </>
                ) : null}{' '}
                <span className="muted small">{when(d.time)}</span>
                {d.reasons.length ? (
                  <div className="small muted">{d.reasons.map((r) => r.message).join('; ')}</div>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Nobody has asked about this dataset yet.</p>
        )}
      </Section>
    </>
  );
}

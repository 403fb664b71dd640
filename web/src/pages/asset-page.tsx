/**
 * The page of one asset. Datasets get the full set of tabs (contract, schema, quality, lineage,
 * policies, versions, manifest); other kinds show what they hold, their relations, versions and
 * manifest. Each tab has its own URL (`?tab=`).
 */
import { useEffect } from 'react';
import { Link, useSearchParams } from 'react-router';
import { apiPath, enc } from '../api/client';
import { useFeatures } from '../api/features';
import type { Description } from '../api/types';
import { useApi } from '../api/use-api';
import { NoAccess } from '../components/no-access';
import { PersonRef } from '../components/person-ref';
import { ErrorNote, Loading, PageHeader, Status, TabLinks, useTitle } from '../components/ui';
import { when } from '../lib/format';
import { markReady } from '../lib/perf';
import { hrefOf, kindLabel, parseRef, shortName } from '../lib/refs';
import { AccountableFor } from './accountable-section';
import { AiSection } from './ai-section';
import {
  ContractSummary,
  InputsGatePanel,
  KindSummary,
  Manifest,
  OwnersPanel,
  PoliciesPanel,
  RelationsPanel,
  SchemaTable,
  VersionsPanel,
} from './asset-sections';
import { LineageSection } from './lineage-section';
import { QualitySection } from './quality-section';
import { TraceSection } from './trace-section';

export function AssetPage({ refText }: { refText: string }) {
  const [params] = useSearchParams();
  const features = useFeatures();
  const described = useApi<Description>(apiPath(`/assets/${enc(refText)}/describe`));
  const d = described.data;
  useTitle(d?.asset.title || shortName(refText));
  const isDataset = refText.startsWith('dataset:');
  const traceable = refText.startsWith('model:') || refText.startsWith('app:');
  useEffect(() => {
    if (d && isDataset) markReady('dataset');
  }, [d, isDataset]);

  if (described.error) {
    const kind = kindLabel(parseRef(refText)?.kind ?? '');
    return (
      <>
        <PageHeader
          kind={parseRef(refText)?.kind ?? ''}
          title={shortName(refText)}
          subtitle={<span className="ref">{refText}</span>}
        />
        {described.error.status === 403 ? (
          <NoAccess
            domain={parseRef(refText)?.domain}
            what={`this ${/^[A-Z]{2}/.test(kind) ? kind : kind.toLowerCase()}`}
            message={described.error.message}
          />
        ) : (
          <ErrorNote error={described.error} />
        )}
      </>
    );
  }
  if (!d) {
    return (
      <>
        <PageHeader
          kind={parseRef(refText)?.kind ?? ''}
          title={shortName(refText)}
          subtitle={<span className="ref">{refText}</span>}
        />
        <Loading />
      </>
    );
  }

  const tabs = isDataset
    ? [
        { id: 'contract', label: 'Contract' },
        { id: 'schema', label: `Schema (${d.fields.length})` },
        ...(features.quality ? [{ id: 'quality', label: 'Quality' }] : []),
        { id: 'lineage', label: 'Lineage' },
        { id: 'ai', label: 'AI' },
        { id: 'policies', label: 'Policies' },
        { id: 'versions', label: `Versions (${d.versions.length})` },
        { id: 'manifest', label: 'Manifest' },
      ]
    : [
        { id: 'contract', label: 'About' },
        ...(traceable && features.trace ? [{ id: 'trace', label: 'Trace' }] : []),
        { id: 'policies', label: 'Policies' },
        { id: 'versions', label: `Versions (${d.versions.length})` },
        { id: 'manifest', label: 'Manifest' },
      ];
  const requested = params.get('tab') ?? 'contract';
  const tab = tabs.some((t) => t.id === requested) ? requested : 'contract';
  const tabHref = (id: string) => `${hrefOf(refText)}${id === 'contract' ? '' : `?tab=${id}`}`;
  const pending = d.versions.filter((v) => v.state === 'pending');

  return (
    <>
      <PageHeader
        kind={d.asset.kind}
        title={d.asset.title || d.asset.name}
        subtitle={
          <>
            <span className="ref">{d.asset.ref}</span>
            {d.domainPath.length ? (
              <>
                {' '}
                · in{' '}
                {[...d.domainPath].reverse().map((ref, i) => (
                  <span key={ref}>
                    {i ? ' › ' : ''}
                    <Link to={hrefOf(ref)}>{shortName(ref)}</Link>
                  </span>
                ))}
              </>
            ) : null}{' '}
            · version {d.asset.version}, {when(d.asset.updatedAt)} by{' '}
            <PersonRef refText={d.asset.updatedBy} />
          </>
        }
      >
        {pending.length ? (
          <p className="pending-note">
            <Status value="pending" /> Version {pending.map((v) => v.version).join(', ')} waits for approval;{' '}
            <Link to={`/work?tab=approvals&ref=${encodeURIComponent(refText)}`}>see the work queue</Link>.
          </p>
        ) : null}
      </PageHeader>
      <TabLinks tabs={tabs} current={tab} hrefOf={tabHref} label="Asset sections" />
      <div className="tab-body">
        {tab === 'contract' ? (
          isDataset ? (
            <div className="two-col">
              <ContractSummary d={d} />
              <div>
                <OwnersPanel d={d} />
                <RelationsPanel d={d} compact />
              </div>
            </div>
          ) : (
            <div className="two-col">
              <div>
                <KindSummary d={d} />
                <InputsGatePanel d={d} />
                {d.asset.kind === 'User' || d.asset.kind === 'Team' ? (
                  <AccountableFor
                    refText={refText}
                    declared={d.relations
                      .filter((r) => r.type === 'ownerOf' || r.type === 'stewardOf')
                      .map((r) => r.ref)}
                  />
                ) : null}
              </div>
              <div>
                {d.owners.length || d.stewards.length ? <OwnersPanel d={d} /> : null}
                <RelationsPanel d={d} />
              </div>
            </div>
          )
        ) : null}
        {tab === 'schema' ? <SchemaTable d={d} /> : null}
        {tab === 'quality' ? <QualitySection refText={refText} domain={d.asset.domain} /> : null}
        {tab === 'lineage' ? <LineageSection d={d} /> : null}
        {tab === 'trace' ? <TraceSection refText={refText} /> : null}
        {tab === 'ai' ? <AiSection doc={d.doc} refText={refText} /> : null}
        {tab === 'policies' ? <PoliciesPanel refText={refText} /> : null}
        {tab === 'versions' ? <VersionsPanel d={d} /> : null}
        {tab === 'manifest' ? <Manifest doc={d.doc} refText={refText} /> : null}
      </div>
    </>
  );
}

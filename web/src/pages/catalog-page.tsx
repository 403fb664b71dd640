/** Everything of one kind, across domains, a page at a time. */
import { useParams } from 'react-router';
import { apiPath } from '../api/client';
import type { StatRow } from '../api/types';
import { useApi } from '../api/use-api';
import { PageHeader, TabLinks, useTitle } from '../components/ui';
import { fmt } from '../lib/format';
import { AssetList } from './domain-page';
import { NotFoundPage } from './not-found-page';

const KINDS: { id: string; label: string; kind: string }[] = [
  { id: 'datasets', label: 'Datasets', kind: 'DataContract' },
  { id: 'products', label: 'Data products', kind: 'DataProduct' },
  { id: 'domains', label: 'Domains', kind: 'Domain' },
  { id: 'glossary', label: 'Glossary', kind: 'GlossaryTerm' },
  { id: 'teams', label: 'Teams', kind: 'Team' },
  { id: 'users', label: 'Users', kind: 'User' },
  { id: 'policies', label: 'Policies', kind: 'Policy' },
];

export function CatalogPage() {
  const { kind = 'datasets' } = useParams();
  const stats = useApi<{ counts: StatRow[] }>(apiPath('/stats'));
  const current = KINDS.find((k) => k.id === kind);
  useTitle(current?.label ?? 'Catalog');
  if (!current) return <NotFoundPage />;
  const total = (k: string) =>
    stats.data ? stats.data.counts.filter((c) => c.kind === k).reduce((a, c) => a + c.count, 0) : undefined;
  return (
    <>
      <PageHeader title="Catalog" subtitle="Every live asset, by kind, a page at a time." />
      <TabLinks
        label="Kinds"
        current={kind}
        hrefOf={(id) => `/catalog/${id}`}
        tabs={KINDS.map((k) => ({
          id: k.id,
          label: `${k.label}${total(k.kind) === undefined ? '' : ` (${fmt(total(k.kind)!)})`}`,
        }))}
      />
      <div className="tab-body">
        <AssetList key={kind} kind={kind} total={total(current.kind)} />
      </div>
    </>
  );
}

/** Lineage across the catalog: shown when the server records lineage; each dataset has its own view. */
import { Link } from 'react-router';
import { useFeatures } from '../api/features';
import { Empty, Note, PageHeader, useTitle } from '../components/ui';

export function LineagePage() {
  useTitle('Lineage');
  const features = useFeatures();
  return (
    <>
      <PageHeader title="Lineage" />
      {features.lineage ? (
        <Note>
          This server records lineage. Open a dataset and its <strong>Lineage</strong> tab to follow it
          upstream and downstream, or search for a model or an AI application to trace it.
        </Note>
      ) : (
        <Empty title="No lineage recorded">
          This server does not record run-time lineage yet. A dataset's <strong>Lineage</strong> tab shows
          what data products declare through their ports. <Link to="/catalog/datasets">Browse datasets</Link>.
        </Empty>
      )}
    </>
  );
}

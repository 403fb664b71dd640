/** The pages and their URLs. Asset pages are `/<kind>/<domain>/<name>` (or `/<kind>/<name>`). */
import { useEffect } from 'react';
import { Route, Routes, useLocation, useParams } from 'react-router';
import { Layout } from './components/layout';
import { AssetPage } from './pages/asset-page';
import { CatalogPage } from './pages/catalog-page';
import { DomainPage } from './pages/domain-page';
import { LineagePage } from './pages/lineage-page';
import { NotFoundPage } from './pages/not-found-page';
import { OutcomePage } from './pages/outcome-page';
import { OverviewPage } from './pages/overview-page';
import { PoliciesPage } from './pages/policies-page';
import { ReportedDatasetPage } from './pages/reported-dataset-page';
import { SearchPage } from './pages/search-page';
import { SignInCallbackPage, SignInPage } from './pages/sign-in-page';
import { WorkPage } from './pages/work-page';

const ASSET_KINDS = new Set([
  'dataset',
  'product',
  'team',
  'user',
  'glossary',
  'policy',
  'waiver',
  'charter',
  'model',
  'app',
]);

function AssetRoute() {
  const params = useParams();
  const kind = params.kind ?? '';
  const rest = params['*'] ?? '';
  if (!ASSET_KINDS.has(kind) || !rest) return <NotFoundPage />;
  return <AssetPage key={`${kind}:${rest}`} refText={`${kind}:${decodeURIComponent(rest)}`} />;
}

function OutcomeRoute() {
  const { id = '' } = useParams();
  return <OutcomePage key={id} id={id} />;
}

function DomainRoute() {
  const { name = '' } = useParams();
  return <DomainPage key={name} name={name} />;
}

/** Moves focus to the page on navigation, so keyboard and screen-reader users start at the top of it. */
function FocusOnNavigate() {
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation, which pathname marks
  useEffect(() => {
    const main = document.getElementById('main');
    if (main && document.activeElement && document.activeElement.tagName !== 'INPUT')
      main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [pathname]);
  return null;
}

export function App() {
  return (
    <Layout>
      <FocusOnNavigate />
      <Routes>
        <Route path="/" element={<OverviewPage />} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/catalog/:kind" element={<CatalogPage />} />
        <Route path="/policies" element={<PoliciesPage />} />
        <Route path="/work" element={<WorkPage />} />
        <Route path="/lineage" element={<LineagePage />} />
        <Route path="/lineage/dataset" element={<ReportedDatasetPage />} />
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/sign-in/callback" element={<SignInCallbackPage />} />
        <Route path="/domain/:name" element={<DomainRoute />} />
        <Route path="/outcome/:id" element={<OutcomeRoute />} />
        <Route path="/:kind/*" element={<AssetRoute />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Layout>
  );
}

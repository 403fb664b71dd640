/** The frame of every page: skip link, header with navigation, search and who you are, then the page. */
import type { ReactNode } from 'react';
import { Link, NavLink, useLocation } from 'react-router';
import { useFeatures } from '../api/features';
import { useSession } from '../session';
import { SearchBox } from './search-box';

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const features = useFeatures();
  const location = useLocation();
  const signIn =
    location.pathname === '/sign-in'
      ? '/sign-in'
      : `/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Charter overview">
          <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="6" className="brand-mark" />
            <path
              d="M9 16.5l4.5 4.5L23 11"
              stroke="currentColor"
              strokeWidth="3.2"
              fill="none"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          Charter
        </Link>
        <nav aria-label="Main" className="main-nav">
          <NavLink to="/" end>
            Overview
          </NavLink>
          <NavLink to="/catalog/datasets">Catalog</NavLink>
          <NavLink to="/policies">Policies</NavLink>
          <NavLink to="/work">Work queue</NavLink>
          {features.lineage ? <NavLink to="/lineage">Lineage</NavLink> : null}
        </nav>
        <SearchBox />
        <div className="identity">
          {session.credentials ? (
            <Link to={signIn} title="Change who you are">
              <span className="avatar" aria-hidden="true">
                {(session.name ?? session.me ?? '?').slice(0, 1).toUpperCase()}
              </span>
              <span className="identity-name">{session.name ?? session.me ?? 'API token'}</span>
            </Link>
          ) : (
            <Link to={signIn} className="button button-small">
              Sign in
            </Link>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer muted small">
        Charter web UI · everything here comes from the REST API (<a href="/docs">/docs</a>) · press{' '}
        <kbd>/</kbd> to search
      </footer>
    </>
  );
}

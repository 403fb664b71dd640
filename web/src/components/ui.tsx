/** Small building blocks every page uses: states (loading, error, empty), links to assets, badges, pagers. */
import { type ReactNode, useEffect } from 'react';
import { Link, useLocation } from 'react-router';
import type { ApiError } from '../api/client';
import { fmt } from '../lib/format';
import { hrefOf, kindLabel } from '../lib/refs';

export function useTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Charter` : 'Charter';
  }, [title]);
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}…
    </p>
  );
}

const HINTS: Record<string, string> = {
  NotAllowedError: 'Charter refused this for the user you are signed in as.',
  AuthenticationError: 'Charter needs to know who you are: sign in first.',
  NetworkError: 'Check that the Charter server (charter serve) is running and reachable.',
  NotFoundError: 'It may have been deleted or renamed; search for it.',
};

/** An error as Charter explained it: its message first, then what it means for the user. */
export function ErrorNote({ error, title }: { error: ApiError | Error; title?: string }) {
  const location = useLocation();
  const name = 'errorName' in error ? error.errorName : 'Error';
  const status = 'status' in error ? error.status : 0;
  return (
    <div className="note note-error" role="alert">
      <p className="note-title">
        {title ??
          (status === 401
            ? 'Sign in first'
            : status === 403
              ? 'Not allowed'
              : status === 404
                ? 'Not found'
                : 'Something went wrong')}
      </p>
      <p>{error.message}</p>
      {HINTS[name] ? <p className="muted small">{HINTS[name]}</p> : null}
      {status === 401 ? (
        <p>
          <Link to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}>Sign in</Link>
        </p>
      ) : null}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

export function Note({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'warn' }) {
  return <div className={`note note-${tone}`}>{children}</div>;
}

/** A link to an asset's page, showing its title (or its ref) and the ref on hover. */
export function RefLink({ refText, title, showRef }: { refText: string; title?: string; showRef?: boolean }) {
  return (
    <Link to={hrefOf(refText)} title={refText} className="ref-link">
      {title && title !== refText ? title : refText}
      {showRef && title && title !== refText ? <span className="ref muted"> {refText}</span> : null}
    </Link>
  );
}

type Tone = 'neutral' | 'good' | 'bad' | 'warn' | 'info' | 'accent';

export function Badge({
  tone = 'neutral',
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function KindBadge({ kind }: { kind: string }) {
  return <span className="kind">{kindLabel(kind)}</span>;
}

const LEVEL_TONE: Record<string, string> = {
  public: 'level-public',
  internal: 'level-internal',
  confidential: 'level-confidential',
  restricted: 'level-restricted',
};

export function Classification({
  level,
  inherited,
}: {
  level: string | null | undefined;
  inherited?: boolean;
}) {
  if (!level) return <span className="muted">–</span>;
  return (
    <span className={`level ${LEVEL_TONE[level] ?? 'level-other'}${inherited ? ' level-inherited' : ''}`}>
      {level}
    </span>
  );
}

const ENFORCEMENT_TONE: Record<string, Tone> = {
  deny: 'bad',
  warn: 'warn',
  'require-approval': 'info',
  audit: 'neutral',
};

export function Enforcement({ value }: { value: string }) {
  return <Badge tone={ENFORCEMENT_TONE[value] ?? 'neutral'}>{value}</Badge>;
}

const STATUS_TONE: Record<string, Tone> = {
  passed: 'good',
  pass: 'good',
  live: 'good',
  active: 'good',
  approved: 'good',
  resolved: 'good',
  failed: 'bad',
  fail: 'bad',
  error: 'bad',
  rejected: 'bad',
  open: 'warn',
  pending: 'warn',
  requested: 'warn',
  waived: 'info',
  skipped: 'neutral',
  superseded: 'neutral',
  expired: 'neutral',
  deleted: 'neutral',
};

export function Status({ value }: { value: string }) {
  return <Badge tone={STATUS_TONE[value] ?? 'neutral'}>{value}</Badge>;
}

/** Previous / next over an offset-paginated list. `count` is how many this page holds. */
export function Pager({
  offset,
  limit,
  count,
  total,
  onChange,
  label,
}: {
  offset: number;
  limit: number;
  count: number;
  total?: number;
  onChange: (offset: number) => void;
  label: string;
}) {
  const hasNext = total !== undefined ? offset + count < total : count === limit;
  if (offset === 0 && !hasNext) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>
        ← Previous
      </button>
      <span className="muted">
        {count ? `${fmt(offset + 1)}–${fmt(offset + count)}` : 'none'}
        {total !== undefined ? ` of ${fmt(total)}` : ''}
      </span>
      <button type="button" onClick={() => onChange(offset + limit)} disabled={!hasNext}>
        Next →
      </button>
    </nav>
  );
}

export function PageHeader({
  kind,
  title,
  subtitle,
  children,
}: {
  kind?: string;
  title: ReactNode;
  subtitle?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <header className="page-header">
      {kind ? <KindBadge kind={kind} /> : null}
      <h1>{title}</h1>
      {subtitle ? <div className="subtitle">{subtitle}</div> : null}
      {children}
    </header>
  );
}

export function Section({
  title,
  id,
  children,
  actions,
}: {
  title: string;
  id?: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className="section" id={id} aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Text with the words a search matched (between « and ») marked. */
export function Highlight({ text }: { text: string }) {
  const parts = text.split(/(«[^»]*»)/g).filter(Boolean);
  return (
    <>
      {parts.map((part, i) =>
        part.startsWith('«') && part.endsWith('»') ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string never reorder
          <mark key={i}>{part.slice(1, -1)}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string never reorder
          <span key={i}>{part}</span>
        ),
      )}
    </>
  );
}

/** Tabs as links (each tab has its own URL, so it can be bookmarked and opened in a new tab). */
export function TabLinks({
  tabs,
  current,
  hrefOf: href,
  label,
}: {
  tabs: { id: string; label: ReactNode }[];
  current: string;
  hrefOf: (id: string) => string;
  label: string;
}) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => (
        <Link key={t.id} to={href(t.id)} aria-current={t.id === current ? 'page' : undefined} replace>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

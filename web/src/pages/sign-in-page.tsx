/**
 * Signing in, by whichever ways this server offers (GET /api/v1/auth): single sign-on through the
 * organisation's OpenID Connect issuer, an API token pasted once, or — on a server without access
 * control — picking a user from the catalog, sent as the `x-charter-actor` header as `charter --as`
 * does. /sign-in/callback is where the issuer sends the browser back.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, apiPath, request, setCredentials } from '../api/client';
import { finishSignIn, type SignInMethods, startSignIn } from '../api/oidc';
import type { Asset } from '../api/types';
import { useApi } from '../api/use-api';
import { Field } from '../components/field';
import { Empty, ErrorNote, Loading, Note, PageHeader, Pager, Section, useTitle } from '../components/ui';
import { useSession } from '../session';

const PAGE = 50;

/** Only paths inside the UI: never an address elsewhere. */
function safeNext(wanted: string | null): string {
  const next = wanted ?? '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function SignInPage() {
  useTitle('Sign in');
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const auth = useApi<{ methods: SignInMethods }>('/api/v1/auth', { ttlMs: 60_000 });
  const methods = auth.data?.methods;
  const [filter, setFilter] = useState('');
  const [offset, setOffset] = useState(0);
  const users = useApi<{ items: Asset[] }>(
    methods?.pickUser ? apiPath('/assets', { kind: 'users', limit: PAGE, offset }) : null,
  );
  const [token, setToken] = useState('');
  const [tokenError, setTokenError] = useState<ApiError | null>(null);
  const [ssoError, setSsoError] = useState<Error | null>(null);
  const [redirecting, setRedirecting] = useState(false);
  const rows = (users.data?.items ?? []).filter(
    (u) => !filter || `${u.title} ${u.ref}`.toLowerCase().includes(filter.toLowerCase()),
  );

  const tryToken = async () => {
    setTokenError(null);
    const credentials = { type: 'token' as const, token: token.trim() };
    setCredentials(credentials);
    try {
      const who = await request<{ actor: string; title: string }>('/api/v1/whoami');
      session.signIn(credentials, who.actor, who.title || who.actor);
      navigate(next);
    } catch (error) {
      setCredentials(session.credentials);
      setTokenError(error as ApiError);
    }
  };

  const oidc = methods?.oidc;
  const signedIn = session.credentials ? (
    <p>
      You are signed in as <strong>{session.name ?? session.me ?? 'an API token'}</strong>
      {session.me && session.name !== session.me ? <span className="muted"> ({session.me})</span> : null}.{' '}
      <button type="button" className="link" onClick={() => session.signOut()}>
        Sign out
      </button>
    </p>
  ) : null;

  if (auth.error)
    return (
      <>
        <PageHeader title="Sign in" />
        <ErrorNote error={auth.error} title="Charter did not say how to sign in" />
      </>
    );
  if (!methods) return <Loading label="Loading the ways to sign in" />;

  return (
    <>
      <PageHeader title="Sign in" />
      {signedIn}
      {oidc ? (
        <Section title="Single sign-on" id="sso">
          <p className="muted">
            Sign in with your organisation’s account at <strong>{hostOf(oidc.issuer)}</strong>. Charter keeps
            the ID token in this browser until it expires and sends it as <code>Authorization: Bearer</code>.
          </p>
          {oidc.problem ? <Note tone="warn">{oidc.problem}</Note> : null}
          <button
            type="button"
            disabled={!oidc.authorizationEndpoint || redirecting}
            onClick={() => {
              setSsoError(null);
              setRedirecting(true);
              startSignIn(oidc, next).catch((error: Error) => {
                setRedirecting(false);
                setSsoError(error);
              });
            }}
          >
            {redirecting ? 'Going to the sign-in service…' : 'Sign in with single sign-on'}
          </button>
          {ssoError ? <ErrorNote error={ssoError} title="Single sign-on could not start" /> : null}
        </Section>
      ) : null}
      {methods.pickUser ? (
        <Section title="Pick yourself" id="users">
          <Note>
            This server does not check who you are: the UI sends the user you pick with every request (the{' '}
            <code>x-charter-actor</code> header, as <code>charter --as</code> does), and the audit log records
            them. Run <code>charter serve</code> with access control for tokens and single sign-on.
          </Note>
          <Field label="Filter" className="filter-inline">
            {(id) => (
              <input
                id={id}
                type="search"
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
                placeholder="name or user ref"
              />
            )}
          </Field>
          {users.error ? (
            <ErrorNote error={users.error} />
          ) : !users.data ? (
            <Loading label="Loading users" />
          ) : rows.length ? (
            <ul className="user-grid plain">
              {rows.map((u) => (
                <li key={u.ref}>
                  <button
                    type="button"
                    className={`user-choice${session.me === u.ref ? ' current' : ''}`}
                    aria-pressed={session.me === u.ref}
                    onClick={() => {
                      session.signIn({ type: 'actor', actor: u.ref }, u.ref, u.title || u.name);
                      navigate(next);
                    }}
                  >
                    <span className="avatar" aria-hidden="true">
                      {(u.title || u.name).slice(0, 1).toUpperCase()}
                    </span>
                    <span>
                      <strong>{u.title || u.name}</strong>
                      <span className="muted small ref"> {u.ref}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <Empty title="No users">
              {filter
                ? 'No user on this page matches.'
                : 'The catalog has no users yet; apply User manifests first.'}
            </Empty>
          )}
          <Pager
            offset={offset}
            limit={PAGE}
            count={users.data?.items.length ?? 0}
            onChange={setOffset}
            label="Users"
          />
        </Section>
      ) : null}
      {methods.tokens ? (
        <Section title="Use an API token" id="token">
          <p className="muted">
            Paste an API token (<code>charter token create --for user:NAME</code> prints one;{' '}
            <code>charter demo</code> prints two). It stays in this browser only.
          </p>
          <form
            className="filters"
            onSubmit={(e) => {
              e.preventDefault();
              if (token.trim()) void tryToken();
            }}
          >
            <Field label="Token">
              {(id) => (
                <input
                  id={id}
                  type="password"
                  value={token}
                  onChange={(e) => setToken(e.target.value)}
                  autoComplete="off"
                />
              )}
            </Field>
            <button type="submit" disabled={!token.trim()}>
              Use token
            </button>
          </form>
          {tokenError ? <ErrorNote error={tokenError} title="The token was not accepted" /> : null}
        </Section>
      ) : null}
      {!methods.pickUser && !methods.tokens && !oidc ? (
        <Empty title="No way to sign in">This server offers no sign-in method; ask its administrator.</Empty>
      ) : null}
    </>
  );
}

/** Where the issuer sends the browser back: finish the sign-in, then go where the user was going. */
export function SignInCallbackPage() {
  useTitle('Signing in');
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<Error | null>(null);
  const started = useRef(false);
  useEffect(() => {
    // Once: the code can be exchanged only once.
    if (started.current) return;
    started.current = true;
    finishSignIn(params).then(
      (done) => {
        session.signIn({ type: 'token', token: done.token }, done.actor, done.title, done.expiresAt);
        navigate(safeNext(done.next), { replace: true });
      },
      (failure: Error) => setError(failure),
    );
  }, [params, session, navigate]);
  return (
    <>
      <PageHeader title="Signing in" />
      {error ? (
        <>
          <ErrorNote
            error={error instanceof ApiError ? error : new Error(error.message)}
            title="Single sign-on did not complete"
          />
          <p>
            <Link to="/sign-in">Start again</Link>
          </p>
        </>
      ) : (
        <Loading label="Finishing single sign-on" />
      )}
    </>
  );
}

/**
 * "Who are you?": pick a user from the catalog; the UI then names them on every request with the
 * `x-charter-actor` header, as the CLI's `--as` does. When the server issues API tokens, a token
 * goes in the same place as `Authorization: Bearer`.
 */
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { type ApiError, apiPath, request, setCredentials } from '../api/client';
import { useFeatures } from '../api/features';
import type { Asset, Json } from '../api/types';
import { useApi } from '../api/use-api';
import { Field } from '../components/field';
import { Empty, ErrorNote, Loading, Note, PageHeader, Pager, Section, useTitle } from '../components/ui';
import { useSession } from '../session';

const PAGE = 50;

export function SignInPage() {
  useTitle('Sign in');
  const session = useSession();
  const features = useFeatures();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // Only paths inside the UI: never an address elsewhere.
  const wanted = params.get('next') ?? '/';
  const next = wanted.startsWith('/') && !wanted.startsWith('//') ? wanted : '/';
  const [filter, setFilter] = useState('');
  const [offset, setOffset] = useState(0);
  const users = useApi<{ items: Asset[] }>(apiPath('/assets', { kind: 'users', limit: PAGE, offset }));
  const [token, setToken] = useState('');
  const [tokenError, setTokenError] = useState<ApiError | null>(null);
  const needsToken = users.error?.status === 401;
  const rows = (users.data?.items ?? []).filter(
    (u) => !filter || `${u.title} ${u.ref}`.toLowerCase().includes(filter.toLowerCase()),
  );

  const tryToken = async () => {
    setTokenError(null);
    const credentials = { type: 'token' as const, token: token.trim() };
    setCredentials(credentials);
    try {
      let me: string | null = null;
      let name: string | null = null;
      if (features.whoami) {
        const who = await request<Json>(features.whoami);
        me = typeof who.ref === 'string' ? who.ref : typeof who.actor === 'string' ? who.actor : null;
        name = typeof who.title === 'string' ? who.title : me;
      } else {
        await request(apiPath('/stats'));
        // Tokens read chtr_<id>_<secret>; the token list (yours, or everyone's for the data office)
        // says whom the id acts for.
        const id = /^chtr_([0-9a-f]+)_/.exec(credentials.token)?.[1];
        if (id && features.tokens) {
          const list = await request<{ tokens: { id: string; principal: string }[] }>(
            apiPath('/tokens'),
          ).catch(() => null);
          me = list?.tokens.find((t) => t.id === id)?.principal ?? null;
          if (me) {
            const who = await request<{ asset: Asset }>(apiPath(`/assets/${encodeURIComponent(me)}`)).catch(
              () => null,
            );
            name = who?.asset.title || me;
          }
        }
      }
      session.signIn(credentials, me, name);
      navigate(next);
    } catch (error) {
      setCredentials(session.credentials);
      setTokenError(error as ApiError);
    }
  };

  return (
    <>
      <PageHeader title="Who are you?" />
      {needsToken ? (
        <Note>
          This server checks API tokens: sign in with yours below (
          <code>charter token create --for user:NAME</code> prints one; <code>charter demo</code> prints two).
          The token stays in this browser and is sent as <code>Authorization: Bearer</code>.
        </Note>
      ) : (
        <Note>
          Charter does not check passwords here yet: until API tokens and single sign-on are switched on, the
          UI sends the user you pick with every request (the <code>x-charter-actor</code> header, as{' '}
          <code>charter --as</code> does), and the audit log records them. The server still enforces every
          rule — separation of duties, who may approve — for that user.
        </Note>
      )}
      {session.credentials ? (
        <p>
          You are signed in as <strong>{session.name ?? session.me ?? 'an API token'}</strong>
          {session.me && session.name !== session.me ? <span className="muted"> ({session.me})</span> : null}.{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              session.signOut();
            }}
          >
            Sign out
          </button>
        </p>
      ) : null}
      {needsToken ? null : (
        <Section title="Pick yourself" id="users">
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
      )}
      <Section title="Use an API token" id="token">
        <p className="muted">
          {features.tokens
            ? 'This server issues API tokens (charter token create). Paste yours; it stays in this browser only.'
            : 'This server does not issue API tokens yet; when it does, paste one here and it is sent as Authorization: Bearer.'}
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
    </>
  );
}

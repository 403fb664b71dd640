/**
 * Who is using the UI. Until token authentication lands, people say who they are (a user from the
 * catalog) and the UI sends it as the `x-charter-actor` header; an API token takes the same place
 * as `Authorization: Bearer`. Kept in localStorage so a reload keeps the session.
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type Credentials, setCredentials } from './api/client';

export interface Session {
  credentials: Credentials | null;
  /** The user ref requests are made for, when the UI knows it. */
  me: string | null;
  /** How to call them. */
  name: string | null;
}

interface SessionApi extends Session {
  signIn(credentials: Credentials, me: string | null, name: string | null): void;
  signOut(): void;
}

const STORAGE_KEY = 'charter.session';

function load(): Session {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw) {
      const s = JSON.parse(raw) as Session;
      if (s.credentials?.type === 'actor' || s.credentials?.type === 'token') return s;
    }
  } catch {
    // A broken entry is as good as none.
  }
  return { credentials: null, me: null, name: null };
}

const initial = load();
setCredentials(initial.credentials);

const SessionContext = createContext<SessionApi>({
  ...initial,
  signIn: () => {},
  signOut: () => {},
});

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>(initial);
  const signIn = useCallback((credentials: Credentials, me: string | null, name: string | null) => {
    const next = { credentials, me, name };
    setCredentials(credentials);
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setSession(next);
  }, []);
  const signOut = useCallback(() => {
    setCredentials(null);
    localStorage.removeItem(STORAGE_KEY);
    setSession({ credentials: null, me: null, name: null });
  }, []);
  const value = useMemo(() => ({ ...session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  return useContext(SessionContext);
}

/**
 * Who is using the UI: an API token or a single-sign-on ID token sent as `Authorization: Bearer`,
 * or, on a server without access control, a user picked from the catalog and sent as the
 * `x-charter-actor` header. Kept in localStorage so a reload keeps the session; a single-sign-on
 * session ends when its ID token expires.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type Credentials, setCredentials } from './api/client';

export interface Session {
  credentials: Credentials | null;
  /** The user ref requests are made for, when the UI knows it. */
  me: string | null;
  /** How to call them. */
  name: string | null;
  /** When the credentials stop working (an ID token's expiry), as an ISO time. */
  expiresAt?: string | null;
}

interface SessionApi extends Session {
  signIn(credentials: Credentials, me: string | null, name: string | null, expiresAt?: string | null): void;
  signOut(): void;
}

const STORAGE_KEY = 'charter.session';

function load(): Session {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw) {
      const s = JSON.parse(raw) as Session;
      const expired = s.expiresAt && Date.parse(s.expiresAt) <= Date.now();
      if (!expired && (s.credentials?.type === 'actor' || s.credentials?.type === 'token')) return s;
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
  const signIn = useCallback(
    (credentials: Credentials, me: string | null, name: string | null, expiresAt: string | null = null) => {
      const next = { credentials, me, name, expiresAt };
      setCredentials(credentials);
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      setSession(next);
    },
    [],
  );
  const signOut = useCallback(() => {
    setCredentials(null);
    localStorage.removeItem(STORAGE_KEY);
    setSession({ credentials: null, me: null, name: null });
  }, []);
  // A single-sign-on session ends when its ID token does: pages then offer to sign in again.
  useEffect(() => {
    if (!session.expiresAt) return;
    const left = Date.parse(session.expiresAt) - Date.now();
    const timer = setTimeout(signOut, Math.max(0, Math.min(left, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [session.expiresAt, signOut]);
  const value = useMemo(() => ({ ...session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  return useContext(SessionContext);
}

/**
 * Which domains the signed-in user may read, as the server says (`GET /api/v1/whoami`), so a page
 * can say "no access" where the API answers with an empty list. The server decides every read; this
 * only explains its silence.
 */
import { apiPath } from '../api/client';
import { useApi } from '../api/use-api';

export interface Access {
  /** Whether the answer is in (or failed: then every domain counts as readable). */
  known: boolean;
  /** False only when the server said the user may not read this domain's assets. */
  mayRead(domain: string | null | undefined): boolean;
  /** The domains the user may read; undefined when every domain (or not known). */
  readable: ReadonlySet<string> | undefined;
}

export function useAccess(): Access {
  const who = useApi<{ readableDomains?: string[] | null }>(apiPath('/whoami'), { ttlMs: 60_000 });
  const list = who.data?.readableDomains;
  const readable = list ? new Set(list) : undefined;
  return {
    known: !who.loading,
    mayRead: (domain) => !domain || !readable || readable.has(domain),
    readable,
  };
}
